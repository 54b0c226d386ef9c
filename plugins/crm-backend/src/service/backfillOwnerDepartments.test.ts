import { randomUUID } from 'node:crypto';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { OrgDirectory, buildOrgSnapshot } from '@cocrm/plugin-access-node';
import { databases, startCrm } from '../__testUtils__/testBackend';
import { backfillOwnerDepartments } from './backfillOwnerDepartments';

jest.setTimeout(60_000);

const user = (name: string, dept?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {},
  relations: dept ? [{ type: 'memberOf', targetRef: `group:default/${dept}` }] : [],
});

describe.each(databases.eachSupportedId())('backfillOwnerDepartments on %s', (databaseId: TestDatabaseId) => {
  it("gives customers without 归属部门 their manager's department and leaves the rest alone", async () => {
    const { knex } = await startCrm(databaseId);
    const org = buildOrgSnapshot([
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'sales-1', namespace: 'default' }, spec: {} },
      user('zhouhao', 'sales-1'),
      user('nodept'),
    ]);
    const directory = { snapshot: async () => org } as unknown as OrgDirectory;
    const now = new Date();
    const insert = async (manager: string, ownerDepartment: string | null) => {
      const id = randomUUID();
      await knex('crm_customers').insert({
        id, number: `BF${id.slice(0, 6)}`, name: `回填${id}`, name_key: `回填${id}`, type: 'enterprise', status: 'potential',
        search_text: '', owner_department: ownerDepartment, version: 1, created_by: 'x', created_at: now, updated_by: 'x', updated_at: now,
      });
      await knex('crm_customer_managers').insert({ customer_id: id, user_ref: `user:default/${manager}` });
      return id;
    };
    const missing = await insert('zhouhao', null);
    const kept = await insert('zhouhao', 'group:default/elsewhere');
    const unknown = await insert('nodept', null);
    const info = jest.fn();
    await backfillOwnerDepartments({ knex, org: directory, logger: { info } });
    const dept = async (id: string) => (await knex('crm_customers').where('id', id).first('owner_department')).owner_department;
    expect(await dept(missing)).toBe('group:default/sales-1');
    expect(await dept(kept)).toBe('group:default/elsewhere');
    expect(await dept(unknown)).toBeNull();
    expect(info).toHaveBeenCalledWith('gave 1 customers their owner department');
    // idempotent: nothing left to do for the customer it can resolve
    info.mockClear();
    await backfillOwnerDepartments({ knex, org: directory, logger: { info } });
    expect(info).not.toHaveBeenCalled();
  });
});
