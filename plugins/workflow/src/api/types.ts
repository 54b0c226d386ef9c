import type { Page } from '@cocrm/plugin-access-common';
import type {
  AddSignerPosition,
  DefinitionProblem,
  FlowDefinition,
  ReportGroup,
  ResubmitPolicy,
} from '@cocrm/plugin-workflow-common';

export type { Page };
export type {
  ApprovalCounts,
  BatchApproveResult,
  CcListItem,
  Delegation,
  DocumentTypeSpec,
  DurationStats,
  InstanceListItem,
  InstanceSummary,
  ReportGroup,
  ReportResult,
  ReportRow,
  TaskListItem,
} from '@cocrm/plugin-workflow-common';

/** The error body every suite backend answers with. */
export interface WorkflowErrorBody {
  error: {
    name: string;
    message: string;
    /** field path ("endsAt") → message, for 400 validation errors */
    fields?: Record<string, string>;
    /** a flow that cannot be published: its problems in the caller's language */
    problems?: string[];
  };
}

/**
 * Query of every server-paged approval list (待办, 已办, 我发起的, 抄送我的,
 * 审批查询). `from`/`to` are Shanghai days (yyyy-MM-dd, `to` inclusive) or
 * ISO instants; `status` may list several statuses separated by commas.
 */
export interface ApprovalListQuery {
  page?: number;
  pageSize?: number;
  q?: string;
  documentType?: string;
  status?: string;
  from?: string;
  to?: string;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface BatchApproveItem {
  taskId: string;
  version: number;
}

export interface ReturnInput {
  version: number;
  to: 'initiator' | { stepId: string };
  policy?: ResubmitPolicy;
  comment?: string;
}

export interface AddSignerInput {
  version: number;
  position: AddSignerPosition;
  users: string[];
  comment?: string;
}

export interface CommentAttachment {
  name: string;
  ref: string;
}

/** A flow (one per document type) as the flow list shows it. */
export interface Flow {
  id: string;
  documentType: string;
  name: string;
  currentVersion: number;
  /** row version for optimistic locking (publish, delete) */
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export interface FlowVersion {
  id: string;
  flowId: string;
  number: number;
  definition: FlowDefinition;
  publishedBy: string;
  publishedAt: string;
}

export type FlowVersionSummary = Omit<FlowVersion, 'definition'> & {
  instanceCount: number;
  /** instances still running or returned on this version (absent from backends that do not count them) */
  openInstanceCount?: number;
};

export interface FlowWithCurrent {
  flow: Flow;
  current: FlowVersion;
}

export interface FlowCheckResult {
  problems: DefinitionProblem[];
}

export interface DelegationInput {
  delegate: string;
  /** null or empty: all document types */
  documentTypes: string[] | null;
  startsAt: string;
  endsAt: string;
}

/** The report's query as the UI sends it: every key optional, the backend fills defaults. */
export interface ReportQueryInput {
  /** Shanghai days (yyyy-MM-dd) or ISO instants: tasks that reached their approver in this range */
  from?: string;
  to?: string;
  flowId?: string;
  groupBy?: ReportGroup;
}

/** A downloaded export, named as the server named it. */
export interface WorkflowExport {
  blob: Blob;
  filename: string;
}
