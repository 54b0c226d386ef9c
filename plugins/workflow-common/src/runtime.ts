import type { ApprovalMode, ResubmitPolicy } from './definition';

/** What a plugin submits for approval (审批提交). */
export interface DocumentSubmission {
  /** document type, e.g. `crm.contract` */
  type: string;
  id: string;
  title: string;
  /** 分 (integer minor units), if the document has an amount */
  amount?: number | null;
  currency?: string;
  /** user ref of the applicant (发起人) */
  applicant: string;
  /** the applicant's department for this document; defaults to their primary department */
  department?: string | null;
  /** snapshot of the document's fields at submit time */
  fields: Record<string, unknown>;
  /** 发起人自选: node id → user refs */
  chosenApprovers?: Record<string, string[]>;
}

export const INSTANCE_STATUSES = ['running', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export type Outcome = 'approved' | 'rejected' | 'withdrawn';

export const TASK_STATUSES = [
  /** waits for the approver */
  'pending',
  /** later in a sequential node */
  'queued',
  /** 前加签: waits for the signer added before */
  'waiting',
  'approved',
  'rejected',
  'returned',
  /** 转交: replaced by the receiver's task */
  'transferred',
  /** closed without a decision (node decided by others, withdrawn, recalled, returned) */
  'cancelled',
  /** 自动通过 (duplicate approver) */
  'autoApproved',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * How a task came to exist: from the node's rules, or 加签 before / after /
 * in parallel. A transferred task's replacement keeps the origin it replaces.
 */
export type TaskOrigin = 'rule' | 'addBefore' | 'addAfter' | 'addParallel';

export interface WorkflowTask {
  id: string;
  instanceId: string;
  nodeId: string;
  assignee: string;
  /** 委托: the approver the assignee acts for */
  onBehalfOf: string | null;
  status: TaskStatus;
  origin: TaskOrigin;
  parentTaskId: string | null;
  seq: number;
  version: number;
  comment: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  /** when the task last reached its approver (became pending) */
  pendingAt?: string | null;
  /** 审批时限: when the node's time limit runs out for this task */
  dueAt?: string | null;
}

export type NodeStatus = 'active' | 'approved' | 'rejected' | 'returned' | 'skipped' | 'cancelled' | 'done';

export interface WorkflowNode {
  id: string;
  instanceId: string;
  round: number;
  position: number;
  stepId: string;
  name: string;
  kind: 'approval' | 'cc';
  mode: ApprovalMode | null;
  ratio: number | null;
  status: NodeStatus;
  activatedAt: string;
  finishedAt: string | null;
}

export interface WorkflowInstance {
  id: string;
  flowId: string;
  flowVersionId: string;
  flowVersion: number;
  documentType: string;
  documentId: string;
  title: string;
  amount: number | null;
  currency: string | null;
  applicant: string;
  department: string | null;
  fields: Record<string, unknown>;
  status: InstanceStatus;
  outcome: Outcome | null;
  round: number;
  currentPosition: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export const WORKFLOW_ACTIONS = [
  'submit',
  'resubmit',
  'approve',
  'reject',
  'return',
  'transfer',
  'addSigner',
  'withdraw',
  'recall',
  'remind',
  'cc',
  'comment',
  'autoApprove',
  /** 超时自动拒绝 (the node's time limit ran out) */
  'autoReject',
  'autoSkip',
  'nodeApproved',
  'finish',
] as const;
export type WorkflowActionKind = (typeof WORKFLOW_ACTIONS)[number];

/** One line of an instance's action log (审批记录), in order. */
export interface WorkflowActionEntry {
  seq: number;
  instanceId: string;
  action: WorkflowActionKind;
  actor: string;
  onBehalfOf: string | null;
  taskId: string | null;
  nodeId: string | null;
  comment: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

export interface InstanceOutcome {
  instanceId: string;
  documentType: string;
  documentId: string;
  status: InstanceStatus;
  outcome: Outcome | null;
  finishedAt: string | null;
  /** the instance's version, as in WorkflowStatusEvent: a subscriber keeps whichever is newer */
  version: number;
}

export interface InstanceDetail {
  instance: WorkflowInstance;
  nodes: WorkflowNode[];
  tasks: WorkflowTask[];
  timeline: WorkflowActionEntry[];
  cc: Array<{ user: string; nodeId: string | null; by: string; createdAt: string }>;
}

export interface Delegation {
  id: string;
  delegator: string;
  delegate: string;
  /** null: all document types */
  documentTypes: string[] | null;
  startsAt: string;
  endsAt: string;
  createdAt: string;
  revokedAt: string | null;
}

export type AddSignerPosition = 'before' | 'after' | 'parallel';
export type { ResubmitPolicy };
