import { act } from '@testing-library/react';
import { translationApiRef } from '@backstage/frontend-plugin-api';
import type { TranslationApi } from '@backstage/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { ACCESS_SETTINGS_MODEL } from '@cocrm/plugin-access-common';
import type { AccessModelView, OrgView, Page, Role } from '@cocrm/plugin-access-common';
import { flattenMessages, suiteMessagesZhCN, suiteTranslationRef } from '@cocrm/suite-react';
import { AccessApi, accessApiRef } from '../api/AccessClient';
import { SettingsPage } from '../components/SettingsPage';
import { accessMessagesZhCN } from '../translations/zh-CN';

const zh = flattenMessages(accessMessagesZhCN);
const suiteZh = flattenMessages(suiteMessagesZhCN);

function translator(messages: Record<string, string>) {
  return (key: string, options?: Record<string, unknown>) => {
    const text = messages[key] ?? key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(options?.[k] ?? ''));
  };
}
const t = translator(zh);
// the shared building blocks ask with their own ref
const suiteT = translator(suiteZh);

/** A TranslationApi that answers every access (and shared suite) key in zh-CN (the app's default language). */
export const zhTranslationApi = {
  getTranslation: (ref: { id: string }) => ({
    ready: true as const,
    t: ref.id === suiteTranslationRef.id ? suiteT : t,
  }),
  translation$: () => ({
    subscribe: () => ({ unsubscribe: () => undefined, closed: false }),
    [Symbol.observable ?? '@@observable']() {
      return this;
    },
  }),
};

export function page<T>(items: T[], totalCount = items.length): Page<T> {
  return { items, totalCount, page: 0, pageSize: 50 };
}

export const MODEL: AccessModelView = {
  resources: [
    {
      pluginId: 'crm',
      resourceType: 'crm-customer',
      permissionPrefix: 'crm.customer',
      label: { 'zh-CN': '客户', en: 'Customers' },
      actions: ['read', 'create', 'update', 'delete', 'export', 'assign'],
      scoped: true,
      fields: [
        { name: 'annualRevenue', label: { 'zh-CN': '年营业额', en: 'Annual revenue' } },
        { name: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
      ],
    },
    {
      pluginId: 'crm',
      resourceType: 'crm-visit',
      permissionPrefix: 'crm.visit',
      label: { 'zh-CN': '拜访', en: 'Visits' },
      actions: ['read', 'create', 'update', 'delete'],
      scoped: true,
      fields: [],
    },
    ACCESS_SETTINGS_MODEL,
  ],
};

export const ORG: OrgView = {
  departments: [
    {
      ref: 'group:default/shanghai-demo',
      displayName: '上海示例科技有限公司',
      parent: null,
      leader: null,
      memberCount: 0,
    },
    {
      ref: 'group:default/sales',
      displayName: '销售部',
      parent: 'group:default/shanghai-demo',
      leader: null,
      memberCount: 1,
    },
    {
      ref: 'group:default/sales-1',
      displayName: '销售一部',
      parent: 'group:default/sales',
      leader: 'user:default/sunli',
      memberCount: 2,
    },
    {
      ref: 'group:default/sales-2',
      displayName: '销售二部',
      parent: 'group:default/sales',
      leader: null,
      memberCount: 1,
    },
    {
      ref: 'group:default/service',
      displayName: '客户服务部',
      parent: 'group:default/shanghai-demo',
      leader: null,
      memberCount: 1,
    },
  ],
  users: [
    {
      ref: 'user:default/zhouhao',
      displayName: '周浩',
      title: '销售代表',
      departments: ['group:default/sales-1'],
      supervisor: 'user:default/sunli',
      catalogRoles: ['sales'],
    },
    {
      ref: 'user:default/sunli',
      displayName: '孙丽',
      title: '销售一部经理',
      departments: ['group:default/sales-1'],
      supervisor: null,
      catalogRoles: ['sales-manager'],
    },
    {
      ref: 'user:default/zhengwei',
      displayName: '郑伟',
      title: '销售代表',
      departments: ['group:default/sales-2'],
      supervisor: null,
      catalogRoles: [],
    },
    {
      ref: 'user:default/guoyan',
      displayName: '郭燕',
      title: '客服主管',
      departments: ['group:default/service'],
      supervisor: null,
      catalogRoles: ['service'],
    },
  ],
  problems: [],
};

export function role(overrides: Partial<Role> = {}): Role {
  return {
    id: 'r-service',
    version: 4,
    createdBy: 'user:default/admin',
    createdAt: '2026-01-05T02:00:00.000Z',
    updatedBy: 'user:default/admin',
    updatedAt: '2026-03-01T06:30:00.000Z',
    key: 'service',
    name: '客服专员',
    catalogHolders: ['user:default/guoyan'],
    description: '处理客户服务请求',
    builtin: true,
    grants: [
      { resourceType: 'crm-customer', action: 'read', scope: 'own' },
      { resourceType: 'crm-visit', action: 'create', scope: 'all' },
    ],
    fieldRules: [{ resourceType: 'crm-customer', field: 'phone', mode: 'readOnly' }],
    memberCount: 1,
    ...overrides,
  };
}

export type FakeAccessApi = { [K in keyof AccessApi]: jest.Mock };

/** An AccessApi whose every method is a jest mock with plausible empty answers. */
export function fakeAccessApi(overrides: Partial<FakeAccessApi> = {}): FakeAccessApi {
  return {
    getModel: jest.fn(async () => MODEL),
    getOrg: jest.fn(async () => ORG),
    listRoles: jest.fn(async () => [role()]),
    getRole: jest.fn(async () => role()),
    createRole: jest.fn(async () => role()),
    updateRole: jest.fn(async () => role({ version: 5 })),
    deleteRole: jest.fn(async () => undefined),
    listRoleMembers: jest.fn(async () => []),
    addRoleMember: jest.fn(),
    removeRoleMember: jest.fn(async () => undefined),
    listGrants: jest.fn(async () => []),
    createGrant: jest.fn(),
    deleteGrant: jest.fn(async () => undefined),
    getEffectiveAccess: jest.fn(),
    previewHandover: jest.fn(),
    executeHandover: jest.fn(),
    listHandovers: jest.fn(async () => page([])),
    listAudit: jest.fn(async () => page([])),
    exportAudit: jest.fn(),
    ...overrides,
  };
}

/** The API pairs every access test needs (typed loosely: the fakes implement only what the tests use). */
export function testApis(api: FakeAccessApi) {
  return [
    [accessApiRef, api as unknown as AccessApi],
    // the fake answers plain strings; Backstage's typed TranslationFunction cannot be satisfied by a stub
    [translationApiRef, zhTranslationApi as unknown as TranslationApi],
    mockApis.identity({ userEntityRef: 'user:default/admin' }),
  ] as const;
}

/**
 * Renders the whole settings page at `path` (e.g. "/system/roles/r-service").
 * Inside act(), so the fake API's immediate answers (org, model, the page's
 * own data) are applied before the test looks, without act() warnings.
 */
export async function renderSettings(api: FakeAccessApi, path: string) {
  await act(async () => {
    renderInTestApp(<SettingsPage />, { apis: testApis(api), mountPath: '/system/*', initialRouteEntries: [path] });
  });
}
