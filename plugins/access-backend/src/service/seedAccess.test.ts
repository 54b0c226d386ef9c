import path from 'node:path';
import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import { ACCESS_MODELS, BUILTIN_ROLES } from '@cocrm/plugin-access-common';
import { databases } from '../__testUtils__/testBackend';
import { CUSTOMER_MODEL } from '../__testUtils__/org';
import { seedAccess } from './seedAccess';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('seeding on %s', (databaseId: TestDatabaseId) => {
  it('creates the built-in roles and applies defaults once, even when two replicas start together', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: path.resolve(__dirname, '../../migrations') });
    const models = [...ACCESS_MODELS, CUSTOMER_MODEL];
    await Promise.all([seedAccess(knex, models, mockServices.logger.mock()), seedAccess(knex, models, mockServices.logger.mock())]);

    const roles = await knex('access_roles').select('key', 'builtin', 'version');
    expect(roles.map(r => r.key).sort()).toEqual(BUILTIN_ROLES.map(r => r.key).sort());
    const grants = await knex('access_role_grants').join('access_roles', 'access_roles.id', 'access_role_grants.role_id').select('key', 'resource_type', 'action', 'scope');
    const expected = models.flatMap(m => m.defaults!.grants.map(g => `${g.role} ${m.resourceType}.${g.action}`));
    expect(grants.map(g => `${g.key} ${g.resource_type}.${g.action}`).sort()).toEqual(expected.sort());
    expect(grants.find(g => g.key === 'sales-manager' && g.resource_type === 'crm-customer')?.scope).toBe('subtree');
    expect((await knex('access_defaults_applied').select('resource_type')).map(r => r.resource_type).sort()).toEqual(models.map(m => m.resourceType).sort());
    // each change of a role is in the audit log: 7 roles created, then one entry per role that got defaults
    const audit = await knex('access_audit').select('action');
    expect(audit.filter(a => a.action === 'created')).toHaveLength(BUILTIN_ROLES.length);
    expect(audit.filter(a => a.action === 'defaults-applied')).toHaveLength(new Set(expected.map(e => e.split(' ')[0])).size);
  });
});
