import { act } from '@testing-library/react';
import { translationApiRef } from '@backstage/frontend-plugin-api';
import type { TranslationApi } from '@backstage/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import type { SignalApi } from '@backstage/plugin-signals-react';
import type { CompiledAccess, OrgView, Page } from '@cocrm/plugin-access-common';
import type {
  DocumentTypeSpec,
  InstanceDetail,
  InstanceSummary,
  TaskListItem,
  WorkflowInstance,
  WorkflowNode,
  WorkflowTask,
} from '@cocrm/plugin-workflow-common';
import { flattenMessages, suiteMessagesZhCN, suiteTranslationRef } from '@cocrm/suite-react';
import { WorkflowApi, workflowApiRef } from '../api/WorkflowClient';
import { ApprovalsPage } from '../components/ApprovalsPage';
import { workflowMessagesZhCN } from '../translations/zh-CN';

function translator(messages: Record<string, string>) {
  return (key: string, options?: Record<string, unknown>) => {
    const text = messages[key] ?? key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(options?.[k] ?? ''));
  };
}
const t = translator(flattenMessages(workflowMessagesZhCN));
// the shared building blocks ask with their own ref
const suiteT = translator(flattenMessages(suiteMessagesZhCN));

/** A TranslationApi that answers every workflow (and shared suite) key in zh-CN (the app's default language). */
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

export const user = (name: string) => `user:default/${name}`;

export function page<T>(items: T[], totalCount = items.length): Page<T> {
  return { items, totalCount, page: 0, pageSize: 25 };
}

export const CONTRACT: DocumentTypeSpec = {
  type: 'crm.contract',
  pluginId: 'crm',
  label: { 'zh-CN': '合同', en: 'Contract' },
  link: '/crm/contracts/{id}',
  fields: [
    { name: 'contractType', label: { 'zh-CN': '合同类型', en: 'Contract type' }, kind: 'string' },
    { name: 'amount', label: { 'zh-CN': '合同金额', en: 'Amount' }, kind: 'money' },
    { name: 'paymentTerms', label: { 'zh-CN': '付款约定', en: 'Payment terms' }, kind: 'string' },
    { name: 'signer', label: { 'zh-CN': '签约人', en: 'Signer' }, kind: 'user' },
  ],
};

export const ORG: OrgView = {
  departments: [
    { ref: 'group:default/sales', displayName: '销售部', parent: null, leader: user('zhaoqiang'), memberCount: 1 },
    {
      ref: 'group:default/sales-1',
      displayName: '销售一部',
      parent: 'group:default/sales',
      leader: user('sunli'),
      memberCount: 3,
    },
  ],
  users: [
    {
      ref: user('zhouhao'),
      displayName: '周浩',
      title: '销售代表',
      departments: ['group:default/sales-1'],
      supervisor: user('sunli'),
      catalogRoles: [],
    },
    {
      ref: user('wufang'),
      displayName: '吴芳',
      title: '销售代表',
      departments: ['group:default/sales-1'],
      supervisor: user('sunli'),
      catalogRoles: [],
    },
    {
      ref: user('sunli'),
      displayName: '孙丽',
      title: '销售一部经理',
      departments: ['group:default/sales-1'],
      supervisor: user('zhaoqiang'),
      catalogRoles: [],
    },
    {
      ref: user('zhaoqiang'),
      displayName: '赵强',
      title: '销售部经理',
      departments: ['group:default/sales'],
      supervisor: null,
      catalogRoles: [],
    },
    {
      ref: user('wangjianguo'),
      displayName: '王建国',
      title: '总经理',
      departments: [],
      supervisor: null,
      catalogRoles: ['general-manager'],
    },
  ],
  problems: [],
};

export const INSTANCE_ID = '11111111-1111-4111-8111-111111111111';

export function instance(overrides: Partial<WorkflowInstance> = {}): WorkflowInstance {
  return {
    id: INSTANCE_ID,
    flowId: 'f1',
    flowVersionId: 'fv1',
    flowVersion: 2,
    documentType: 'crm.contract',
    documentId: 'c-1',
    title: '浦江精机设备采购合同',
    amount: 150_000_000,
    currency: 'CNY',
    applicant: user('zhouhao'),
    department: 'group:default/sales-1',
    fields: { contractType: '销售合同', amount: 150_000_000, paymentTerms: '30% 预付', signer: user('zhouhao') },
    status: 'running',
    outcome: null,
    round: 1,
    currentPosition: 1,
    version: 3,
    createdAt: '2026-03-01T02:00:00.000Z',
    updatedAt: '2026-03-01T03:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

export function summary(overrides: Partial<InstanceSummary> = {}): InstanceSummary {
  const i = instance();
  return {
    id: i.id,
    title: i.title,
    documentType: i.documentType,
    documentId: i.documentId,
    applicant: i.applicant,
    department: i.department,
    amount: i.amount,
    currency: i.currency,
    status: i.status,
    flowVersion: i.flowVersion,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    finishedAt: i.finishedAt,
    ...overrides,
  };
}

export function task(overrides: Partial<WorkflowTask> = {}): WorkflowTask {
  return {
    id: 't-1',
    instanceId: INSTANCE_ID,
    nodeId: 'n-2',
    assignee: user('zhaoqiang'),
    onBehalfOf: null,
    status: 'pending',
    origin: 'rule',
    parentTaskId: null,
    seq: 0,
    version: 1,
    comment: null,
    decidedBy: null,
    decidedAt: null,
    createdAt: '2026-03-01T03:00:00.000Z',
    pendingAt: '2026-03-01T03:00:00.000Z',
    dueAt: null,
    ...overrides,
  };
}

export function todoItem(overrides: Partial<WorkflowTask> = {}, inst: Partial<InstanceSummary> = {}): TaskListItem {
  const tk = task(overrides);
  return { task: tk, instance: summary({ id: tk.instanceId, ...inst }), nodeName: '部门负责人' };
}

function node(overrides: Partial<WorkflowNode>): WorkflowNode {
  return {
    id: 'n-1',
    instanceId: INSTANCE_ID,
    round: 1,
    position: 0,
    stepId: 'leader',
    name: '部门负责人',
    kind: 'approval',
    mode: 'sequential',
    ratio: null,
    status: 'approved',
    activatedAt: '2026-03-01T02:00:00.000Z',
    finishedAt: '2026-03-01T03:00:00.000Z',
    ...overrides,
  };
}

/** A 1,500,000 元 contract: 孙丽 approved the first node, 赵强 has the second (销售部负责人, 会签) open. */
export function detail(
  overrides: { instance?: Partial<WorkflowInstance>; tasks?: WorkflowTask[] } = {},
): InstanceDetail {
  return {
    instance: instance(overrides.instance),
    nodes: [
      node({}),
      node({
        id: 'n-2',
        position: 1,
        stepId: 'sales-head',
        name: '销售部负责人',
        mode: 'all',
        status: 'active',
        finishedAt: null,
      }),
    ],
    tasks: overrides.tasks ?? [
      task({
        id: 't-0',
        nodeId: 'n-1',
        assignee: user('sunli'),
        status: 'approved',
        version: 2,
        comment: '同意',
        decidedBy: user('sunli'),
        decidedAt: '2026-03-01T03:00:00.000Z',
      }),
      task({ id: 't-1', nodeId: 'n-2', assignee: user('zhaoqiang'), version: 1 }),
    ],
    timeline: [
      {
        seq: 1,
        instanceId: INSTANCE_ID,
        action: 'submit',
        actor: user('zhouhao'),
        onBehalfOf: null,
        taskId: null,
        nodeId: null,
        comment: null,
        detail: { flowVersion: 2 },
        createdAt: '2026-03-01T02:00:00.000Z',
      },
      {
        seq: 2,
        instanceId: INSTANCE_ID,
        action: 'approve',
        actor: user('sunli'),
        onBehalfOf: null,
        taskId: 't-0',
        nodeId: 'n-1',
        comment: '同意',
        detail: {},
        createdAt: '2026-03-01T03:00:00.000Z',
      },
      {
        seq: 3,
        instanceId: INSTANCE_ID,
        action: 'comment',
        actor: user('zhouhao'),
        onBehalfOf: null,
        taskId: null,
        nodeId: null,
        comment: '附上报价单',
        detail: { attachments: [{ name: '报价单.pdf', ref: 'https://files.example.cn/q.pdf' }] },
        createdAt: '2026-03-01T03:30:00.000Z',
      },
    ],
    cc: [],
  };
}

export type FakeWorkflowApi = { [K in keyof WorkflowApi]: jest.Mock };

/** A WorkflowApi whose every method is a jest mock with plausible empty answers. */
export function fakeWorkflowApi(overrides: Partial<FakeWorkflowApi> = {}): FakeWorkflowApi {
  return {
    getInstance: jest.fn(async () => detail()),
    withdraw: jest.fn(async () => undefined),
    remind: jest.fn(async () => undefined),
    cc: jest.fn(async () => undefined),
    comment: jest.fn(async () => undefined),
    markCcRead: jest.fn(async () => undefined),
    approve: jest.fn(async () => undefined),
    reject: jest.fn(async () => undefined),
    returnTask: jest.fn(async () => undefined),
    transfer: jest.fn(async () => undefined),
    addSigner: jest.fn(async () => undefined),
    recall: jest.fn(async () => undefined),
    batchApprove: jest.fn(async () => []),
    listTodo: jest.fn(async () => page([])),
    listDone: jest.fn(async () => page([])),
    listMine: jest.fn(async () => page([])),
    listCc: jest.fn(async () => page([])),
    listInstances: jest.fn(async () => page([])),
    getCounts: jest.fn(async () => ({ todo: 0, ccUnread: 0 })),
    listDocumentTypes: jest.fn(async () => [CONTRACT]),
    listFlows: jest.fn(async () => []),
    getFlow: jest.fn(),
    listFlowVersions: jest.fn(async () => []),
    getFlowVersion: jest.fn(),
    checkFlow: jest.fn(async () => ({ problems: [] })),
    createFlow: jest.fn(),
    publishFlow: jest.fn(),
    deleteFlow: jest.fn(async () => undefined),
    listDelegations: jest.fn(async () => []),
    createDelegation: jest.fn(),
    revokeDelegation: jest.fn(async () => undefined),
    getReport: jest.fn(async () => ({ groupBy: 'flow', generatedAt: '2026-03-02T00:00:00.000Z', items: [] })),
    exportReport: jest.fn(),
    getOrg: jest.fn(async () => ORG),
    getOwnAccess: jest.fn(async () => ownAccess()),
    listRoles: jest.fn(async () => []),
    ...overrides,
  };
}

/** The compiled access of someone holding these permissions (any scope). */
export function ownAccess(...permissions: string[]): CompiledAccess {
  return {
    userRef: user('zhaoqiang'),
    permissions: Object.fromEntries(permissions.map(p => [p, { all: true, owners: [], departments: [] }])),
    fields: {},
  };
}

/** A signal API whose subscribers the test can send messages to. */
export class FakeSignals {
  private readonly subscribers = new Map<string, Set<(message: JsonObject) => void>>();

  subscribe(channel: string, onMessage: (message: JsonObject) => void) {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(onMessage);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(onMessage) };
  }

  send(channel: string, message: JsonObject) {
    for (const fn of this.subscribers.get(channel) ?? []) fn(message);
  }
}

type JsonObject = { [key: string]: string | number | boolean | null };

export interface RenderOptions {
  /** the signed-in user's name (user:default/<name>) */
  me?: string;
  /** permission names the permission API allows; everything else is denied */
  allow?: string[];
  signals?: FakeSignals;
}

function testApis(api: FakeWorkflowApi, options: RenderOptions) {
  const allow = new Set(options.allow ?? []);
  return [
    [workflowApiRef, api as unknown as WorkflowApi],
    // the fake answers plain strings; Backstage's typed TranslationFunction cannot be satisfied by a stub
    [translationApiRef, zhTranslationApi as unknown as TranslationApi],
    mockApis.identity({ userEntityRef: user(options.me ?? 'zhaoqiang') }),
    [signalApiRef, (options.signals ?? new FakeSignals()) as unknown as SignalApi],
    mockApis.permission({
      // AuthorizeResult's values, without a dependency on permission-common for one enum
      authorize: r => (allow.has(r.permission.name) ? 'ALLOW' : 'DENY') as never,
    }),
  ] as const;
}

/**
 * Renders the whole approvals page at `path` (e.g. "/approvals/instances/…").
 * Inside act(), so the fake API's immediate answers are applied before the
 * test looks, without act() warnings.
 */
export async function renderApprovals(api: FakeWorkflowApi, path: string, options: RenderOptions = {}) {
  await act(async () => {
    renderInTestApp(<ApprovalsPage />, {
      apis: testApis(api, options),
      mountPath: '/approvals/*',
      initialRouteEntries: [path],
    });
  });
}
