import { Knex } from 'knex';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { HandoverItem, Label } from '@cocrm/plugin-access-common';
import { HandoverPlan, HandoverProvider, accessHandoverExtensionPoint, accessModelExtensionPoint } from '@cocrm/plugin-access-node';
import request from 'supertest';
import { accessPlugin } from '../plugin';
import { CUSTOMER_MODEL, FOLDER_MODEL, orgEntities, user } from './org';

/** Every database the suite must run on; PostgreSQL comes from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. */
export const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The databases CI must not skip: scripts/test.sh sets CRM_REQUIRE_POSTGRES under CI. */
export const requiredDatabases = process.env.CRM_REQUIRE_POSTGRES ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];

/**
 * What the (fake) permission policy allows each test user: every access
 * permission for the admin, a few for others, nothing for the rest.
 */
export const ALLOWED: Record<string, string[] | 'all'> = {
  [user('wangjianguo')]: 'all',
  [user('chenjing')]: ['suite.audit.read'],
  [user('zhaoqiang')]: ['access.handover.read'],
};

/** A handover provider whose items, failures and calls the tests control. */
export interface FakeProvider {
  provider: HandoverProvider;
  items: Record<string, Array<Omit<HandoverItem, 'receiver'>>>;
  failExecute?: string;
  failList?: string;
  execute: jest.Mock<Promise<{ counts: Record<string, number> }>, [HandoverPlan]>;
  revert: jest.Mock<Promise<void>, [string, string]>;
}

function fakeProvider(id: string, label: Label, itemTypes: HandoverProvider['itemTypes']): FakeProvider {
  const fake: FakeProvider = {
    items: {},
    execute: jest.fn(async (plan: HandoverPlan) => {
      if (fake.failExecute) throw new Error(fake.failExecute);
      const counts: Record<string, number> = {};
      for (const item of plan.items) counts[item.type] = (counts[item.type] ?? 0) + 1;
      return { counts };
    }),
    revert: jest.fn<Promise<void>, [string, string]>(async () => undefined),
    provider: undefined as unknown as HandoverProvider,
  };
  fake.provider = {
    id,
    label,
    itemTypes,
    listItems: async ({ from }) => {
      if (fake.failList) throw new Error(fake.failList);
      return fake.items[from] ?? [];
    },
    execute: plan => fake.execute(plan),
    revert: (handoverId, actor) => fake.revert(handoverId, actor),
  };
  return fake;
}

export async function startAccess(databaseId: TestDatabaseId) {
  const knex: Knex = await databases.init(databaseId);
  const crm = fakeProvider('crm', { 'zh-CN': '客户管理', en: 'CRM' }, [
    { type: 'crm.customer', label: { 'zh-CN': '客户', en: 'customers' }, requiredPermission: 'crm.customer.update' },
    { type: 'crm.visit', label: { 'zh-CN': '拜访', en: 'visits' }, requiredPermission: 'crm.customer.read' },
  ]);
  const netdisk = fakeProvider('netdisk', { 'zh-CN': '网盘', en: 'Net disk' }, [
    { type: 'netdisk.folder', label: { 'zh-CN': '网盘文件夹', en: 'folders' }, requiredPermission: 'netdisk.folder.update' },
  ]);
  // other plugins' contributions, the way their backend modules would add them
  const fixtures = createBackendModule({
    pluginId: 'access',
    moduleId: 'test-fixtures',
    register(env) {
      env.registerInit({
        deps: { models: accessModelExtensionPoint, handover: accessHandoverExtensionPoint },
        async init({ models, handover }) {
          models.addResourceModels(CUSTOMER_MODEL, FOLDER_MODEL);
          handover.addProvider(crm.provider);
          handover.addProvider(netdisk.provider);
        },
      });
    },
  });

  const decide = (credentials: { principal: unknown }, name: string) => {
    const ref = (credentials.principal as { userEntityRef?: string }).userEntityRef;
    const allowed = ref ? ALLOWED[ref] : undefined;
    const ok = allowed === 'all' || (allowed ?? []).includes(name);
    return { result: ok ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  };
  const permissions = mockServices.permissions.mock({
    authorize: async (reqs, { credentials }) => reqs.map(r => decide(credentials, r.permission.name) as never),
    authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(credentials, r.permission.name) as never),
  });
  const { server } = await startTestBackend({
    features: [
      accessPlugin,
      fixtures,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: orgEntities() }),
      permissions.factory,
    ],
  });

  const agent = request(server);
  const client = (authorization: string, locale: string) => ({
    get: (url: string) => agent.get(`/api/access${url}`).set('Authorization', authorization).set('Accept-Language', locale),
    post: (url: string, body?: object) =>
      agent.post(`/api/access${url}`).set('Authorization', authorization).set('Accept-Language', locale).send(body ?? {}),
    patch: (url: string, body: object) =>
      agent.patch(`/api/access${url}`).set('Authorization', authorization).set('Accept-Language', locale).send(body),
    delete: (url: string) => agent.delete(`/api/access${url}`).set('Authorization', authorization).set('Accept-Language', locale),
  });
  return {
    knex,
    server,
    providers: { crm, netdisk },
    /** a signed-in user of the test org, by short name */
    as: (name: string, locale = 'zh-CN') => client(mockCredentials.user.header(user(name)), locale),
    /** another backend plugin calling with its service token */
    asService: () => client(mockCredentials.service.header(), 'zh-CN'),
  };
}

export type AccessTestBackend = Awaited<ReturnType<typeof startAccess>>;

/** `user:default/x` in a URL path segment. */
export const refPath = (ref: string) => encodeURIComponent(ref);
