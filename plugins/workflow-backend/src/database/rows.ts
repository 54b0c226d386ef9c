import { toIso, toIsoOrNull } from '@cocrm/plugin-access-node';
import type {
  ApprovalMode,
  TimeLimit,
  TimeoutAction,
  Delegation,
  FlowPolicies,
  InstanceStatus,
  NodeStatus,
  Outcome,
  ResubmitPolicy,
  TaskOrigin,
  TaskStatus,
  WorkflowActionEntry,
  WorkflowActionKind,
  WorkflowInstance,
  WorkflowNode,
  WorkflowTask,
} from '@cocrm/plugin-workflow-common';

export function parseJson<T>(value: string | null | undefined, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  return JSON.parse(value) as T;
}

/** A step of the route as resolved at submit: the taken branches flattened, approvers known. */
export interface RouteNode {
  stepId: string;
  name: string;
  kind: 'approval' | 'cc';
  mode: ApprovalMode | null;
  ratio: number | null;
  /** user refs in order (for `sequential`, the order of approval); empty → the node is skipped */
  users: string[];
  /** how an empty rule result was handled, for the timeline */
  emptyHandledBy?: 'autoPass' | 'admin' | 'user';
  /** 审批时限 of the node, copied from the definition at (re)submit */
  timeLimit?: TimeLimit;
}

export interface InstancePlan {
  policies: FlowPolicies;
  route: RouteNode[];
  /** the document's department: as submitted, else the applicant's primary department */
  department: string | null;
}

export interface InstanceRow {
  id: string;
  flow_id: string;
  flow_version_id: string;
  flow_version: number;
  document_type: string;
  document_id: string;
  title: string;
  amount: number | string | null;
  currency: string | null;
  applicant: string;
  department: string | null;
  fields: string;
  plan: string;
  status: InstanceStatus;
  outcome: Outcome | null;
  round: number;
  current_position: number;
  return_policy: ResubmitPolicy | null;
  resume_position: number | null;
  version: number;
  created_at: unknown;
  updated_at: unknown;
  finished_at: unknown;
}

export interface NodeRow {
  id: string;
  instance_id: string;
  round: number;
  position: number;
  step_id: string;
  name: string;
  kind: 'approval' | 'cc';
  mode: ApprovalMode | null;
  ratio: number | null;
  status: NodeStatus;
  jumped_to: number | null;
  activated_at: unknown;
  finished_at: unknown;
}

export interface TaskRow {
  id: string;
  instance_id: string;
  node_id: string;
  assignee: string;
  on_behalf_of: string | null;
  status: TaskStatus;
  origin: TaskOrigin;
  parent_task_id: string | null;
  seq: number;
  version: number;
  comment: string | null;
  decided_by: string | null;
  decided_at: unknown;
  decided_seq: number | null;
  closed_reason: string | null;
  created_at: unknown;
  updated_at: unknown;
  pending_at: unknown;
  due_at: unknown;
  remind_at: unknown;
  on_timeout: TimeoutAction | null;
  reminded_at: unknown;
  timed_out_at: unknown;
  viewed_at: unknown;
}

export interface ActionRow {
  id: number | string;
  instance_id: string;
  seq: number;
  action: WorkflowActionKind;
  actor: string;
  on_behalf_of: string | null;
  task_id: string | null;
  node_id: string | null;
  comment: string | null;
  detail: string;
  created_at: unknown;
}

export interface DelegationRow {
  id: string;
  delegator: string;
  delegate: string;
  document_types: string | null;
  starts_at: unknown;
  ends_at: unknown;
  created_by: string;
  created_at: unknown;
  revoked_at: unknown;
}

export function instanceFromRow(r: InstanceRow): WorkflowInstance {
  return {
    id: r.id,
    flowId: r.flow_id,
    flowVersionId: r.flow_version_id,
    flowVersion: Number(r.flow_version),
    documentType: r.document_type,
    documentId: r.document_id,
    title: r.title,
    // bigint comes back as a string from pg; amounts in 分 stay far below 2^53
    amount: r.amount === null ? null : Number(r.amount),
    currency: r.currency,
    applicant: r.applicant,
    department: r.department,
    fields: parseJson<Record<string, unknown>>(r.fields, {}),
    status: r.status,
    outcome: r.outcome,
    round: Number(r.round),
    currentPosition: Number(r.current_position),
    version: Number(r.version),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    finishedAt: toIsoOrNull(r.finished_at),
  };
}

export function nodeFromRow(r: NodeRow): WorkflowNode {
  return {
    id: r.id,
    instanceId: r.instance_id,
    round: Number(r.round),
    position: Number(r.position),
    stepId: r.step_id,
    name: r.name,
    kind: r.kind,
    mode: r.mode,
    ratio: r.ratio === null ? null : Number(r.ratio),
    status: r.status,
    activatedAt: toIso(r.activated_at),
    finishedAt: toIsoOrNull(r.finished_at),
  };
}

export function taskFromRow(r: TaskRow): WorkflowTask {
  return {
    id: r.id,
    instanceId: r.instance_id,
    nodeId: r.node_id,
    assignee: r.assignee,
    onBehalfOf: r.on_behalf_of,
    status: r.status,
    origin: r.origin,
    parentTaskId: r.parent_task_id,
    seq: Number(r.seq),
    version: Number(r.version),
    comment: r.comment,
    decidedBy: r.decided_by,
    decidedAt: toIsoOrNull(r.decided_at),
    createdAt: toIso(r.created_at),
    pendingAt: toIsoOrNull(r.pending_at),
    dueAt: toIsoOrNull(r.due_at),
  };
}

export function actionFromRow(r: ActionRow): WorkflowActionEntry {
  return {
    seq: Number(r.seq),
    instanceId: r.instance_id,
    action: r.action,
    actor: r.actor,
    onBehalfOf: r.on_behalf_of,
    taskId: r.task_id,
    nodeId: r.node_id,
    comment: r.comment,
    detail: parseJson<Record<string, unknown>>(r.detail, {}),
    createdAt: toIso(r.created_at),
  };
}

export function delegationFromRow(r: DelegationRow): Delegation {
  return {
    id: r.id,
    delegator: r.delegator,
    delegate: r.delegate,
    documentTypes: parseJson<string[] | null>(r.document_types, null),
    startsAt: toIso(r.starts_at),
    endsAt: toIso(r.ends_at),
    createdAt: toIso(r.created_at),
    revokedAt: toIsoOrNull(r.revoked_at),
  };
}
