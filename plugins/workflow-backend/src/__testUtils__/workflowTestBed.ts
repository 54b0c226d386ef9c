import path from 'path';
import { Knex } from 'knex';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { buildOrgSnapshot } from '@cocrm/plugin-access-node';
import {
  ApprovalMode,
  ApprovalStep,
  ApproverRule,
  DocumentSubmission,
  DocumentTypeSpec,
  FlowDefinition,
  FlowPolicies,
  Step,
  WorkflowTask,
} from '@cocrm/plugin-workflow-common';
import { WorkflowDelivery, createWorkflow } from '../createWorkflow';
import { WorkflowError } from '../errors';

/** Every database the suite must run on; PostgreSQL comes from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. */
export const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The databases CI must not skip: scripts/test.sh sets CRM_REQUIRE_POSTGRES under CI. */
export const requiredDatabases = process.env.CRM_REQUIRE_POSTGRES ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];

export const user = (name: string) => `user:default/${name}`;
export const group = (name: string) => `group:default/${name}`;

/**
 *   总公司 hq (王建国) ─┬─ 销售部 sales (赵强) ── 华东销售组 sales-east (周浩)
 *                      └─ 财务部 finance (陈静)
 * Supervisors: 孙丽, 吴芳 → 周浩 → 赵强 → 王建国; 刘洋, 李娜 → 陈静 → 王建国.
 */
const DEPARTMENTS = [
  { name: 'hq', displayName: '总公司', leader: 'wangjianguo' },
  { name: 'sales', displayName: '销售部', parent: 'hq', leader: 'zhaoqiang' },
  { name: 'sales-east', displayName: '华东销售组', parent: 'sales', leader: 'zhouhao' },
  { name: 'finance', displayName: '财务部', parent: 'hq', leader: 'chenjing' },
  { name: 'service', displayName: '客服部', parent: 'hq' },
];
const USERS = [
  { name: 'wangjianguo', dept: 'hq' },
  { name: 'zhaoqiang', dept: 'sales', supervisor: 'wangjianguo' },
  { name: 'zhouhao', dept: 'sales-east', supervisor: 'zhaoqiang' },
  { name: 'sunli', dept: 'sales-east', supervisor: 'zhouhao' },
  { name: 'wufang', dept: 'sales-east', supervisor: 'zhouhao' },
  { name: 'chenjing', dept: 'finance', supervisor: 'wangjianguo' },
  { name: 'liuyang', dept: 'finance', supervisor: 'chenjing' },
  { name: 'lina', dept: 'finance', supervisor: 'chenjing' },
  { name: 'zhangwei', dept: 'service' },
];

export function orgEntities(): Entity[] {
  const groups: Entity[] = DEPARTMENTS.map(d => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: d.name, namespace: 'default', ...(d.leader ? { annotations: { 'cocrm.io/leader': user(d.leader) } } : {}) },
    spec: { type: 'department', profile: { displayName: d.displayName }, children: [] },
    relations: d.parent ? [{ type: 'childOf', targetRef: group(d.parent) }] : [],
  }));
  const users: Entity[] = USERS.map(u => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: u.name, namespace: 'default', ...(u.supervisor ? { annotations: { 'cocrm.io/supervisor': user(u.supervisor) } } : {}) },
    spec: { memberOf: [u.dept] },
    relations: [{ type: 'memberOf', targetRef: group(u.dept) }],
  }));
  return [...groups, ...users];
}

export const ROLE_MEMBERS: Record<string, string[]> = {
  finance: [user('chenjing'), user('liuyang'), user('lina')],
  admin: [user('wangjianguo')],
  'general-manager': [user('wangjianguo')],
};

export const CONTRACT_TYPE: DocumentTypeSpec = {
  pluginId: 'crm',
  link: '/crm/contracts/{id}',
  type: 'crm.contract',
  label: { 'zh-CN': '合同', en: 'Contract' },
  fields: [
    { name: 'contractType', label: { 'zh-CN': '合同类型', en: 'Contract type' }, kind: 'string' },
    { name: 'owner', label: { 'zh-CN': '负责人', en: 'Owner' }, kind: 'user' },
    { name: 'reviewers', label: { 'zh-CN': '评审人', en: 'Reviewers' }, kind: 'list' },
  ],
};

export const POLICIES: FlowPolicies = { emptyApprover: { kind: 'autoPass' }, duplicateApprover: 'autoPass', resubmit: 'restart' };

export const approval = (id: string, approvers: ApproverRule[], mode: ApprovalMode = 'any', extra: Partial<ApprovalStep> = {}): Step => ({
  kind: 'approval',
  id,
  name: id,
  mode,
  approvers,
  ...extra,
});

export const users = (...names: string[]) => [{ kind: 'users' as const, users: names.map(user) }];

export function flow(steps: Step[], policies: Partial<FlowPolicies> = {}): FlowDefinition {
  return { documentType: 'crm.contract', name: '合同审批', policies: { ...POLICIES, ...policies }, steps };
}

let docCounter = 0;

/** A contract submitted by 孙丽 unless told otherwise; amount in 分. */
export function contract(overrides: Partial<DocumentSubmission> = {}): DocumentSubmission {
  docCounter += 1;
  return {
    type: 'crm.contract',
    id: `HT-${Date.now()}-${docCounter}`,
    title: `合同 ${docCounter}`,
    amount: 100_000_00,
    currency: 'CNY',
    applicant: user('sunli'),
    fields: { contractType: '销售合同', owner: user('wufang'), reviewers: [user('liuyang'), user('lina')] },
    ...overrides,
  };
}

export async function startWorkflow(databaseId: TestDatabaseId, options: { delivery?: WorkflowDelivery } = {}) {
  const knex: Knex = await databases.init(databaseId);
  await knex.migrate.latest({ directory: path.resolve(__dirname, '../../migrations') });
  const org = buildOrgSnapshot(orgEntities());
  let clock = new Date('2026-11-26T02:00:00Z').getTime();
  const wf = createWorkflow({
    knex,
    org: { snapshot: async () => org },
    roles: { usersWithRole: async role => ROLE_MEMBERS[role] ?? [] },
    documentTypes: new Map([[CONTRACT_TYPE.type, CONTRACT_TYPE]]),
    // every call a millisecond later: orders are deterministic on both databases
    now: () => new Date((clock += 1)),
    delivery: options.delivery,
  });

  /** Replaces the live flow of contracts (deleting the previous one). */
  const useFlow = async (def: FlowDefinition) => {
    for (const f of await wf.flows.list()) await wf.flows.remove(user('wangjianguo'), f.id, f.version);
    return wf.flows.create(user('wangjianguo'), def);
  };

  const tasksOf = async (instanceId: string) => (await wf.engine.detail(instanceId)).tasks;
  const pendingFor = async (instanceId: string, name: string): Promise<WorkflowTask> => {
    const t = (await tasksOf(instanceId)).find(x => x.status === 'pending' && (x.assignee === user(name) || x.onBehalfOf === user(name)));
    if (!t) throw new Error(`no pending task for ${name} on ${instanceId}: ${JSON.stringify((await tasksOf(instanceId)).map(x => [x.assignee, x.status]))}`);
    return t;
  };
  const approve = async (instanceId: string, name: string, comment?: string) => {
    const t = await pendingFor(instanceId, name);
    await wf.engine.approve(user(name), t.id, t.version, comment);
  };
  const reject = async (instanceId: string, name: string) => {
    const t = await pendingFor(instanceId, name);
    await wf.engine.reject(user(name), t.id, t.version);
  };
  const pendingNames = async (instanceId: string) =>
    (await tasksOf(instanceId)).filter(t => t.status === 'pending').map(t => t.assignee.replace('user:default/', '')).sort();
  const status = async (instanceId: string) => (await wf.engine.detail(instanceId)).instance.status;
  const submit = (doc: DocumentSubmission = contract()) => wf.engine.submit(doc.applicant, doc);
  const advance = (ms: number) => {
    clock += ms;
  };
  return { knex, wf, org, useFlow, tasksOf, pendingFor, approve, reject, pendingNames, status, submit, advance, now: () => new Date(clock) };
}

export type WorkflowTestBed = Awaited<ReturnType<typeof startWorkflow>>;

/** Runs `fn` and returns the WorkflowError it throws (fails the test if it does not). */
export async function workflowError(fn: () => Promise<unknown>): Promise<WorkflowError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof WorkflowError) return e;
    throw e;
  }
  throw new Error('expected a WorkflowError');
}
