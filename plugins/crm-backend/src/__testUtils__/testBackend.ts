import { Knex } from 'knex';
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createBackendPlugin, coreServices } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CompiledAccess, scopeDecision } from '@cocrm/plugin-access-common';
import { CRM_MODELS } from '@cocrm/plugin-crm-common';
import express from 'express';
import request from 'supertest';
import { crmPlugin } from '../plugin';
import { FakeWorkflow, TestEventBus } from './fakeWorkflow';

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

/** Fields hidden from a test user (by resource type), as a role's field rules would. */
export const HIDDEN_FIELDS: Record<string, Record<string, string[]>> = {
  'user:default/kefu': {
    'crm-customer': ['annualRevenue', 'expectedPurchase', 'phone'],
    'crm-contact': ['mobile'],
    'crm-contract': ['amount', 'attachments'],
  },
};
SCOPES['user:default/kefu'] = ['user:default/zhouhao'];

/** Users whose scope is departments (本部门): records filed under these 归属部门. */
export const DEPARTMENT_SCOPES: Record<string, string[]> = {
  'user:default/sunli': ['group:default/new-dept'],
};

/** What the access plugin would compile for a test user. */
function compiledFor(userRef: string): CompiledAccess {
  const scope = SCOPES[userRef];
  const permissions: CompiledAccess['permissions'] = {};
  const departmentScope = DEPARTMENT_SCOPES[userRef];
  if (departmentScope) {
    for (const model of CRM_MODELS) {
      for (const action of model.actions) {
        permissions[`${model.permissionPrefix}.${action}`] = action === 'create' ? { all: true, owners: [], departments: [] } : { all: false, owners: [], departments: departmentScope };
      }
    }
  }
  if (scope && scope !== 'none') {
    for (const model of CRM_MODELS) {
      for (const action of model.actions) {
        permissions[`${model.permissionPrefix}.${action}`] =
          scope === 'all' || action === 'create' ? { all: true, owners: [], departments: [] } : { all: false, owners: scope, departments: [] };
      }
    }
  }
  const fields = Object.fromEntries(Object.entries(HIDDEN_FIELDS[userRef] ?? {}).map(([type, hidden]) => [type, { hidden, readOnly: [] }]));
  return { userRef, permissions, fields };
}

/** A stand-in for the access plugin: the compiled access the CRM's field rules read. */
const fakeAccessPlugin = createBackendPlugin({
  pluginId: 'access',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.get('/users/:ref/compiled', (req, res) => {
          res.json(compiledFor(req.params.ref));
        });
        httpRouter.use(router);
      },
    });
  },
});

const users = [...Object.keys(SCOPES), 'user:default/sunli'].map(ref => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: {},
}));

/** Departments records can be filed under (归属部门); the test users belong to none. */
const departments = ['old-dept', 'new-dept'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'department', children: [] },
}));

const SERVICE = '\u0000service';

export async function startCrm(
  databaseId: TestDatabaseId,
  options: {
    /** the workflow plugin's stand-in; without one, nothing answers at /api/workflow */
    workflow?: FakeWorkflow;
    /** the database of an earlier backend, for a restart */
    knex?: Knex;
    /** app config (e.g. crm.demoData.file) */
    config?: NonNullable<Parameters<typeof mockServices.rootConfig>[0]>['data'];
    /** more catalog users (names), e.g. everyone the demo data names */
    extraUsers?: string[];
  } = {},
) {
  const knex: Knex = options.knex ?? (await databases.init(databaseId));
  const bus = new TestEventBus();
  const decide = (userRef: string | undefined, permission: { name: string; type: string; resourceType?: string }) => {
    // the CRM acting as itself (demo data): like the suite policy, plugins are not scoped
    if (userRef === SERVICE) return { result: AuthorizeResult.ALLOW };
    const departmentScope = userRef ? DEPARTMENT_SCOPES[userRef] : undefined;
    if (departmentScope) {
      if (permission.type === 'basic') return { result: AuthorizeResult.ALLOW };
      return scopeDecision('crm', permission.resourceType!, { all: false, owners: [], departments: departmentScope });
    }
    const scope = userRef ? SCOPES[userRef] : undefined;
    if (!scope || scope === 'none') return { result: AuthorizeResult.DENY };
    if (scope === 'all' || permission.type === 'basic') return { result: AuthorizeResult.ALLOW };
    return scopeDecision('crm', permission.resourceType!, { all: false, owners: scope, departments: [] });
  };
  const userOf = (credentials: { principal: unknown }) => {
    const principal = credentials.principal as { type: string; userEntityRef?: string };
    return principal.type === 'service' ? SERVICE : principal.userEntityRef;
  };
  const permissions = mockServices.permissions.mock({
    authorize: async (reqs, { credentials }) => reqs.map(r => decide(userOf(credentials), r.permission as never) as never),
    authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(userOf(credentials), r.permission as never) as never),
  });
  const backend = await startTestBackend({
    features: [
      crmPlugin,
      fakeAccessPlugin,
      ...(options.workflow ? [options.workflow.plugin()] : []),
      bus.factory(),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({
        entities: [
          ...users,
          ...(options.extraUsers ?? []).map(name => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name, namespace: 'default' }, spec: {} })),
          ...departments,
        ],
      }),
      permissions.factory,
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
    ],
  });
  const { server } = backend;
  /** `user` is a user name, or `service:<plugin>` for a plugin-to-plugin call. */
  const as = (user: string, locale = 'zh-CN') => {
    const auth = user.startsWith('service:')
      ? mockCredentials.service.header({ onBehalfOf: mockCredentials.service(user.slice('service:'.length)), targetPluginId: 'crm' })
      : mockCredentials.user.header(`user:default/${user}`);
    const agent = request(server);
    return {
      get: (url: string) => agent.get(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale),
      post: (url: string, body?: object) => agent.post(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body ?? {}),
      patch: (url: string, body: object) => agent.patch(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body),
      delete: (url: string) => agent.delete(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale),
      /** a raw upload (the file is the body) */
      upload: (url: string, content: Buffer) =>
        agent.post(`/api/crm${url}`).set('Authorization', auth).set('Accept-Language', locale).set('Content-Type', 'application/octet-stream').send(content),
    };
  };
  return { knex, server, as, bus, stop: () => backend.stop() };
}

/** A valid 统一社会信用代码 for a 17-character body (GB 32100 check character). */
export { makeUscc } from '@cocrm/plugin-crm-common';
