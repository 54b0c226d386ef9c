import { ReactElement } from 'react';
import { Route, Routes } from 'react-router-dom';
import { act } from '@testing-library/react';
import { translationApiRef } from '@backstage/frontend-plugin-api';
import type { TranslationApi } from '@backstage/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import type { OrgView, Role } from '@cocrm/plugin-access-common';
import type { DocumentTypeSpec, FlowDefinition } from '@cocrm/plugin-workflow-common';
import { flattenMessages, NotifyProvider, suiteMessagesZhCN, suiteTranslationRef } from '@cocrm/suite-react';
import { WorkflowApi, workflowApiRef } from '../../../api/WorkflowClient';
import type { Flow, FlowVersion, FlowVersionSummary, FlowWithCurrent } from '../../../api/types';
import { rootRouteRef } from '../../../routes';
import { designerMessagesZhCN } from '../messages.zh-CN';
import { designerTranslationRef } from '../translation';
import { FlowDesignerPage } from '../FlowDesignerPage';
import { FlowListPage } from '../FlowListPage';

function translator(messages: Record<string, string>) {
  return (key: string, options?: Record<string, unknown>) => {
    const text = messages[key] ?? key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(options?.[k] ?? ''));
  };
}
const designerT = translator(flattenMessages(designerMessagesZhCN));
const suiteT = translator(flattenMessages(suiteMessagesZhCN));
// the plugin's main catalog is not the designer's business: its keys answer as themselves
const keyT = translator({});

/** A TranslationApi answering the designer's and the shared suite's keys in zh-CN (the app's default language). */
export const zhTranslationApi = {
  getTranslation: (ref: { id: string }) => {
    let t = keyT;
    if (ref.id === designerTranslationRef.id) t = designerT;
    else if (ref.id === suiteTranslationRef.id) t = suiteT;
    return { ready: true as const, t };
  },
  translation$: () => ({
    subscribe: () => ({ unsubscribe: () => undefined, closed: false }),
    [Symbol.observable ?? '@@observable']() {
      return this;
    },
  }),
};

export const CONTRACT_TYPE: DocumentTypeSpec = {
  type: 'contract',
  pluginId: 'crm',
  label: { 'zh-CN': '合同', en: 'Contract' },
  link: '/crm/contracts/{id}',
  fields: [
    { name: 'contractType', label: { 'zh-CN': '合同类型', en: 'Contract type' }, kind: 'string' },
    { name: 'signer', label: { 'zh-CN': '签约人', en: 'Signer' }, kind: 'user' },
  ],
};

export const QUOTE_TYPE: DocumentTypeSpec = {
  type: 'quote',
  pluginId: 'crm',
  label: { 'zh-CN': '报价单', en: 'Quote' },
  link: '/crm/quotes/{id}',
  fields: [],
};

export const ORG: OrgView = {
  departments: [
    { ref: 'group:default/sales', displayName: '销售部', parent: null, leader: 'user:default/zhaoqiang', memberCount: 1 },
    { ref: 'group:default/sales-1', displayName: '销售一部', parent: 'group:default/sales', leader: 'user:default/sunli', memberCount: 2 },
  ],
  users: [
    { ref: 'user:default/zhouhao', displayName: '周浩', title: '销售代表', departments: ['group:default/sales-1'], supervisor: 'user:default/sunli', catalogRoles: [] },
    { ref: 'user:default/sunli', displayName: '孙丽', title: '销售一部经理', departments: ['group:default/sales-1'], supervisor: null, catalogRoles: [] },
    { ref: 'user:default/wangjianguo', displayName: '王建国', title: '总经理', departments: ['group:default/sales'], supervisor: null, catalogRoles: [] },
    { ref: 'user:default/lijun', displayName: '李军', title: '系统管理员', departments: [], supervisor: null, catalogRoles: [] },
  ],
  problems: [],
};

export const ROLES = [
  { key: 'general-manager', name: '总经理' },
  { key: 'finance', name: '财务' },
] as unknown as Role[];

/** The flow as published at version 3 (row version 5): 部门负责人审批, then done. */
export function definition(overrides: Partial<FlowDefinition> = {}): FlowDefinition {
  return {
    documentType: 'contract',
    name: '合同审批',
    policies: { emptyApprover: { kind: 'admin' }, duplicateApprover: 'autoPass', resubmit: 'restart' },
    steps: [{ kind: 'approval', id: 'leader', name: '部门负责人审批', mode: 'sequential', approvers: [{ kind: 'departmentLeader' }] }],
    ...overrides,
  };
}

export function flow(overrides: Partial<Flow> = {}): Flow {
  return {
    id: 'f1',
    documentType: 'contract',
    name: '合同审批',
    currentVersion: 3,
    version: 5,
    createdBy: 'user:default/lijun',
    createdAt: '2026-01-05T02:00:00.000Z',
    updatedBy: 'user:default/lijun',
    updatedAt: '2026-03-01T06:30:00.000Z',
    ...overrides,
  };
}

export function flowWithCurrent(def: FlowDefinition = definition(), f: Flow = flow()): FlowWithCurrent {
  return {
    flow: f,
    current: { id: 'v3', flowId: f.id, number: f.currentVersion, definition: def, publishedBy: 'user:default/lijun', publishedAt: '2026-03-01T06:30:00.000Z' },
  };
}

export const VERSIONS: FlowVersionSummary[] = [
  { id: 'v3', flowId: 'f1', number: 3, publishedBy: 'user:default/lijun', publishedAt: '2026-03-01T06:30:00.000Z', instanceCount: 4, openInstanceCount: 2 },
  { id: 'v2', flowId: 'f1', number: 2, publishedBy: 'user:default/wangjianguo', publishedAt: '2026-02-01T06:30:00.000Z', instanceCount: 7, openInstanceCount: 1 },
];

export type FakeWorkflowApi = { [K in keyof WorkflowApi]: jest.Mock };

/** A WorkflowApi whose every method is a jest mock; the designer's ones answer plausibly. */
export function fakeApi(overrides: Partial<FakeWorkflowApi> = {}): FakeWorkflowApi {
  const unexpected = (name: string) =>
    jest.fn(async () => {
      throw new Error(`${name} is not expected in designer tests`);
    });
  const olderVersion: FlowVersion = {
    id: 'v2',
    flowId: 'f1',
    number: 2,
    definition: definition({ steps: [{ kind: 'approval', id: 'gm', name: '总经理审批', mode: 'any', approvers: [{ kind: 'role', role: 'general-manager' }] }] }),
    publishedBy: 'user:default/wangjianguo',
    publishedAt: '2026-02-01T06:30:00.000Z',
  };
  const base: Record<string, jest.Mock> = {
    getFlow: jest.fn(async () => flowWithCurrent()),
    listFlows: jest.fn(async () => [flow()]),
    listFlowVersions: jest.fn(async () => VERSIONS),
    getFlowVersion: jest.fn(async () => olderVersion),
    checkFlow: jest.fn(async () => ({ problems: [] })),
    createFlow: jest.fn(async (def: FlowDefinition) => flow({ id: 'f2', documentType: def.documentType, name: def.name, currentVersion: 1, version: 1 })),
    publishFlow: jest.fn(async () => flow({ currentVersion: 4, version: 6 })),
    deleteFlow: jest.fn(async () => undefined),
    listDocumentTypes: jest.fn(async () => [CONTRACT_TYPE, QUOTE_TYPE]),
    getOrg: jest.fn(async () => ORG),
    listRoles: jest.fn(async () => ROLES),
  };
  return new Proxy({ ...base, ...overrides } as Record<string, jest.Mock>, {
    get(target, prop: string | symbol) {
      // not a method: promise resolution and React inspect objects for these
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      if (!(prop in target)) target[prop] = unexpected(prop);
      return target[prop];
    },
  }) as FakeWorkflowApi;
}

/** `allowed: false`: every permission denied (AuthorizeResult.DENY, spelled out to spare a dependency on permission-common) */
type TestAppApis = NonNullable<NonNullable<Parameters<typeof renderInTestApp>[1]>['apis']>;

export function testApis(api: FakeWorkflowApi, allowed = true): TestAppApis {
  return [
    [workflowApiRef, api as unknown as WorkflowApi],
    // the fake answers plain strings; Backstage's typed TranslationFunction cannot be satisfied by a stub
    [translationApiRef, zhTranslationApi as unknown as TranslationApi],
    mockApis.identity({ userEntityRef: 'user:default/lijun' }),
    mockApis.permission(allowed ? undefined : { authorize: 'DENY' as never }),
  ] as unknown as TestAppApis;
}

/** Renders any element inside the test app (API fakes, zh-CN), within act() so immediate answers land first. */
export async function renderWithApis(api: FakeWorkflowApi, element: ReactElement, path = '/', allowed = true) {
  await act(async () => {
    renderInTestApp(<NotifyProvider testId="designer-notify">{element}</NotifyProvider>, {
      apis: testApis(api, allowed),
      initialRouteEntries: [path],
      mountedRoutes: { '/approvals': rootRouteRef },
    });
  });
}

/** The flow list and the designer at their app paths (`/approvals/flows`, `/approvals/flows/:id`). */
export async function renderDesigner(api: FakeWorkflowApi, path = '/approvals/flows/f1', allowed = true) {
  await renderWithApis(
    api,
    <Routes>
      <Route path="/approvals/flows" element={<FlowListPage />} />
      <Route path="/approvals/flows/:id" element={<FlowDesignerPage />} />
    </Routes>,
    path,
    allowed,
  );
}
