import { z } from 'zod';
import type { InstanceStatus, WorkflowInstance, WorkflowTask } from './runtime';
import { INSTANCE_STATUSES } from './runtime';

/*
 * The approval lists (待办 / 已办 / 我发起的 / 抄送我的 / 审批查询), the
 * counts for the sidebar badge, batch approval and the reports: their query
 * schemas (message keys as errors, like schemas.ts) and answer shapes.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** YYYY-MM-DD (a whole day in Asia/Shanghai, `to` inclusive) or an ISO instant with offset. */
export const timeBoundSchema = z
  .string('invalidValue')
  .trim()
  .refine(v => (DAY.test(v) || INSTANT.test(v)) && !Number.isNaN(Date.parse(DAY.test(v) ? `${v}T00:00:00Z` : v)), 'invalidValue');

const statusList = (v: string) => v.split(',').map(s => s.trim()).filter(Boolean);
const isStatus = (v: string): v is InstanceStatus => (INSTANCE_STATUSES as readonly string[]).includes(v);

/** `running` or a comma-separated list `running,returned` (a wrong one names the parameter, not a list index). */
const statusFilter = z
  .string('invalidValue')
  .refine(v => statusList(v).length > 0 && statusList(v).every(isStatus), 'invalidValue')
  .transform(v => statusList(v).filter(isStatus));

function listQuery<S extends string>(sorts: readonly [S, ...S[]], defaultSort: S, defaultOrder: 'asc' | 'desc') {
  return z.object({
    page: z.coerce.number('invalidValue').int('invalidValue').min(0, 'invalidValue').max(100_000, 'invalidValue').default(0),
    pageSize: z.coerce.number('invalidValue').int('invalidValue').min(1, 'invalidValue').max(200, 'invalidValue').default(50),
    /** title or document id, a substring */
    q: z.string('invalidValue').trim().max(100, 'tooLong').optional(),
    documentType: z.string('invalidValue').trim().max(64, 'tooLong').optional(),
    /** the instance's status */
    status: statusFilter.optional(),
    /** when the approval was submitted */
    from: timeBoundSchema.optional(),
    to: timeBoundSchema.optional(),
    sort: z.enum(sorts, 'invalidValue').default(defaultSort),
    order: z.enum(['asc', 'desc'], 'invalidValue').default(defaultOrder),
  });
}

/** 待办: `since` = when the task reached the caller; oldest first by default. */
export const inboxQuerySchema = listQuery(['since', 'dueAt', 'createdAt', 'amount', 'title'], 'since', 'asc');
/** 已办: one row per instance, the caller's latest decision; newest first. */
export const doneQuerySchema = listQuery(['decidedAt', 'createdAt', 'updatedAt'], 'decidedAt', 'desc');
/** 我发起的 */
export const mineQuerySchema = listQuery(['createdAt', 'updatedAt', 'amount', 'title'], 'createdAt', 'desc');
/** 抄送我的: `createdAt` = when the caller was copied in. */
export const ccQuerySchema = listQuery(['createdAt'], 'createdAt', 'desc').extend({
  read: z.enum(['read', 'unread'], 'invalidValue').optional(),
});
/** 审批查询: every approval the caller may read. */
export const instancesQuerySchema = listQuery(['createdAt', 'updatedAt', 'amount', 'title'], 'createdAt', 'desc');

export type InboxQuery = z.output<typeof inboxQuerySchema>;
export type DoneQuery = z.output<typeof doneQuerySchema>;
export type MineQuery = z.output<typeof mineQuerySchema>;
export type CcQuery = z.output<typeof ccQuerySchema>;
export type InstancesQuery = z.output<typeof instancesQuerySchema>;

/** What a list row shows of an instance. */
export interface InstanceSummary {
  id: string;
  title: string;
  documentType: string;
  documentId: string;
  applicant: string;
  department: string | null;
  /** 分 */
  amount: number | null;
  currency: string | null;
  status: InstanceStatus;
  flowVersion: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A row of 待办 (a pending task) or 已办 (the caller's latest decision on an instance). */
export interface TaskListItem {
  task: WorkflowTask;
  instance: InstanceSummary;
  nodeName: string;
}

/** A row of 我发起的 and 审批查询. */
export interface InstanceListItem extends WorkflowInstance {
  /** names of the nodes waiting for a decision */
  currentNodeNames: string[];
  /** who is waited for (assignees of pending tasks) */
  pendingApprovers: string[];
}

/** A row of 抄送我的. */
export interface CcListItem {
  id: string;
  instance: InstanceSummary;
  /** who copied the caller in (a user ref, or `system` for a CC node) */
  by: string;
  nodeId: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface ApprovalCounts {
  /** pending tasks of the caller (incl. those held for a delegator) */
  todo: number;
  /** unread copies */
  ccUnread: number;
}

export const BATCH_APPROVE_MAX = 100;

export const batchApproveSchema = z.object({
  items: z
    .array(z.object({ taskId: z.string('required').min(1, 'required').max(100, 'tooLong'), version: z.number('required').int('invalidValue') }), 'required')
    .min(1, 'required')
    .max(BATCH_APPROVE_MAX, 'batchTooLarge'),
  comment: z.string().trim().max(2000, 'tooLong').optional(),
});

export interface BatchApproveResult {
  taskId: string;
  ok: boolean;
  /** HTTP status of this item's decision: 204 done, 409/410 someone acted first or it is gone, 403/404 … */
  status: number;
  /** why it failed, in the caller's language */
  message?: string;
}

export const REPORT_GROUPS = ['flow', 'node', 'approver'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

export const reportQuerySchema = z.object({
  /** tasks that reached their approver in this range */
  from: timeBoundSchema.optional(),
  to: timeBoundSchema.optional(),
  flowId: z
    .string('invalidValue')
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'invalidValue')
    .optional(),
  groupBy: z.enum(REPORT_GROUPS, 'invalidValue').default('flow'),
});

export type ReportQuery = z.output<typeof reportQuerySchema>;

/** Nearest-rank percentiles in milliseconds; null where nothing was measured. */
export interface DurationStats {
  p50: number | null;
  p90: number | null;
}

/**
 * One line of 审批报表. Which key fields are set depends on the grouping:
 * flow → flow; node → flow and node; approver → approver only.
 */
export interface ReportRow {
  flowId: string | null;
  flowName: string | null;
  documentType: string | null;
  stepId: string | null;
  nodeName: string | null;
  approver: string | null;
  /** tasks that reached an approver in the range */
  tasks: number;
  /** of those, decided by someone (a person, or the system at the time limit) */
  decided: number;
  /** from reaching the approver to their first opening of the approval */
  firstViewMs: DurationStats;
  /** from reaching the approver to the decision */
  decideMs: DurationStats;
  /** decided after the deadline, or still open past it */
  slaBreaches: number;
  /** still waiting for a decision */
  open: number;
  oldestOpenAgeMs: number | null;
}

export interface ReportResult {
  groupBy: ReportGroup;
  generatedAt: string;
  items: ReportRow[];
}
