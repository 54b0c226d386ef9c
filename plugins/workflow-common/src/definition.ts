/**
 * Flow definitions (流程定义) as the designer edits them: a tree like the
 * DingTalk / Feishu designers — a list of steps, where a step may be a branch
 * group whose branches hold their own steps. Definitions are versioned by the
 * backend; an instance keeps the version it started with.
 */

/** 依次 one after another · 会签 all must approve · 或签 the first decision decides · ratio: a share must approve */
export const APPROVAL_MODES = ['sequential', 'all', 'any', 'ratio'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** Who approves (or receives a copy). Several rules on one node are united, in order, without duplicates. */
export type ApproverRule =
  /** 指定成员 */
  | { kind: 'users'; users: string[] }
  /** 指定角色: every user holding the role (resolved through the access plugin) */
  | { kind: 'role'; role: string }
  /** 发起人的部门负责人; if the applicant leads it, the parent department's leader */
  | { kind: 'departmentLeader' }
  /** 第 N 级主管 of the applicant (1 = direct supervisor) */
  | { kind: 'supervisor'; level: number }
  /** 连续多级主管: supervisors from level 1 up to `upToLevel`, nearest first */
  | { kind: 'supervisorChain'; upToLevel: number }
  /** 发起人自选: the applicant names them at submit */
  | { kind: 'applicantChoice' }
  /** a user field of the document (a user ref or a list of them) */
  | { kind: 'documentField'; field: string };

export type ApproverRuleKind = ApproverRule['kind'];

/** What happens when a node's rules find nobody. */
export type EmptyApproverPolicy = { kind: 'autoPass' } | { kind: 'admin' } | { kind: 'user'; user: string };

/** What happens to a task still open at its deadline: 提醒, 上报主管 (转交), 自动同意, 自动拒绝. */
export const TIMEOUT_ACTIONS = ['remind', 'escalate', 'autoApprove', 'autoReject'] as const;
export type TimeoutAction = (typeof TIMEOUT_ACTIONS)[number];

/**
 * 审批时限 of a node: each task has `hours` from the moment it reaches its
 * approver; a reminder goes out `remindBeforeHours` before the deadline, and
 * at the deadline `onTimeout` happens (once per task, run by the scheduler).
 */
export interface TimeLimit {
  hours: number;
  remindBeforeHours?: number;
  onTimeout: TimeoutAction;
}

export interface ApprovalStep {
  kind: 'approval';
  id: string;
  name: string;
  mode: ApprovalMode;
  /** percentage (1–100) of approvers that must approve, for mode `ratio` */
  ratio?: number;
  approvers: ApproverRule[];
  /** overrides the flow's policy for this node */
  emptyApprover?: EmptyApproverPolicy;
  timeLimit?: TimeLimit;
}

export interface CcStep {
  kind: 'cc';
  id: string;
  name: string;
  recipients: ApproverRule[];
}

export const CONDITION_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export type ConditionValue = string | number | boolean | Array<string | number>;

/**
 * A test on a document field. `amount` is in 分 (integer minor units), like
 * every amount of the suite; `department`, `type` and `applicant` are the
 * submission's own fields, any other name is looked up in its `fields`.
 */
export interface Condition {
  field: string;
  op: ConditionOperator;
  value: ConditionValue;
}

export interface Branch {
  id: string;
  name: string;
  /** lower runs first; the default branch is taken only when no other matches */
  priority: number;
  isDefault?: boolean;
  /** all must hold (an empty list always holds) */
  conditions: Condition[];
  steps: Step[];
}

export interface BranchGroup {
  kind: 'branch';
  id: string;
  name: string;
  branches: Branch[];
}

export type Step = ApprovalStep | CcStep | BranchGroup;

/** What happens when a returned instance is resubmitted. */
export const RESUBMIT_POLICIES = ['restart', 'jump-back'] as const;
export type ResubmitPolicy = (typeof RESUBMIT_POLICIES)[number];

export interface FlowPolicies {
  emptyApprover: EmptyApproverPolicy;
  /** 'autoPass': someone who already approved in this round is not asked again */
  duplicateApprover: 'autoPass' | 'askAgain';
  /** default for 退回; the returner may choose otherwise */
  resubmit: ResubmitPolicy;
}

export interface FlowDefinition {
  documentType: string;
  name: string;
  policies: FlowPolicies;
  steps: Step[];
}

export const DOCUMENT_FIELD_KINDS = ['string', 'number', 'money', 'boolean', 'date', 'user', 'department', 'list'] as const;
export type DocumentFieldKind = (typeof DOCUMENT_FIELD_KINDS)[number];

/** A document type as the plugin owning it registers it (contract, quote, expense request …). */
export interface DocumentTypeSpec {
  type: string;
  /** the plugin owning the type: only its service identity submits and resubmits for it */
  pluginId: string;
  label: { 'zh-CN': string; en: string };
  /** the document's page in the portal, `{id}` replaced by the document id, e.g. `/crm/contracts/{id}` */
  link: string;
  /** the fields of its snapshot that flows may test or take approvers from */
  fields: Array<{ name: string; label: { 'zh-CN': string; en: string }; kind: DocumentFieldKind }>;
}

/** Fields every submission carries, so every flow may test them. */
export const BUILTIN_DOCUMENT_FIELDS = ['amount', 'department', 'type', 'applicant'] as const;
