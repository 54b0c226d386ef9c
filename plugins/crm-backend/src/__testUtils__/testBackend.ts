import { Knex } from 'knex';
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { crmAccountManagerDecision } from '@cocrm/plugin-crm-common';
import request from 'supertest';
import { crmPlugin } from '../plugin';

/** Every database the suite must run on; PostgreSQL comes from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. */
export const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The scope each test user gets from the (fake) policy: whose customers they may work on. */
export const SCOPES: Record<string, string[] | 'all' | 'none'> = {
  'user:default/zhouhao': ['user:default/zhouhao'],
  'user:default/wufang': ['user:default/wufang'],
  'user:default/chenjing': ['user:default/chenjing'],
  // leader of 销售部: the whole subtree
  'user:default/zhaoqiang': ['user:default/zhaoqiang', 'user:default/zhouhao', 'user:default/wufang', 'user:default/chenjing'],
  'user:default/wangjianguo': 'all',
  'user:default/outsider': 'none',
};

const users = [...Object.keys(SCOPES), 'user:default/sunli'].map(ref => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: {},
}));

export async function startCrm(databaseId: TestDatabaseId) {
  const knex: Knex = await databases.init(databaseId);
  const decide = (userRef: string | undefined, permission: { name: string; type: string; resourceType?: string }) => {
    const scope = userRef ? SCOPES[userRef] : undefined;
    if (!scope || scope === 'none') return { result: AuthorizeResult.DENY };
    if (scope === 'all' || permission.type === 'basic') return { result: AuthorizeResult.ALLOW };
    return crmAccountManagerDecision(permission as { resourceType: string }, scope);
  };
  const userOf = (credentials: { principal: unknown }) => (credentials.principal as { userEntityRef?: string }).userEntityRef;
  const permissions = mockServices.permissions.mock({
    authorize: async (reqs, { credentials }) => reqs.map(r => decide(userOf(credentials), r.permission as never) as never),
    authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(userOf(credentials), r.permission as never) as never),
  });
  const { server } = await startTestBackend({
    features: [
      crmPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: users }),
      permissions.factory,
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  const as = (user: string, locale = 'zh-CN') => {
    const auth = mockCredentials.user.header(`user:default/${user}`);
    const agent = request(server);
    return {
      get: (url: string) => agent.get(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale),
      post: (url: string, body?: object) => agent.post(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body ?? {}),
      patch: (url: string, body: object) => agent.patch(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body),
      delete: (url: string) => agent.delete(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale),
    };
  };
  return { knex, server, as };
}

/** A valid 统一社会信用代码 for a 17-character body (GB 32100 check character). */
export { makeUscc } from '@cocrm/plugin-crm-common';
