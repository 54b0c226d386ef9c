/**
 * 审批 frontend plugin (new frontend system): the portal inbox (待办 / 已办 /
 * 我发起的 / 抄送我的 / 审批查询) with batch approval and live updates, the
 * approval page with every OA action, delegations, the flow designer and the
 * approval reports.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { workflowApi, workflowPage } from './plugin';
export { workflowTranslationRef, workflowTranslationResource } from './translation';
export { WorkflowClient, WorkflowApiError, workflowApiRef } from './api/WorkflowClient';
export type { WorkflowApi, WorkflowClientOptions } from './api/WorkflowClient';
export type {
  AddSignerInput,
  ApprovalListQuery,
  BatchApproveItem,
  CommentAttachment,
  DelegationInput,
  Flow,
  FlowCheckResult,
  FlowVersion,
  FlowVersionSummary,
  FlowWithCurrent,
  ReportQueryInput,
  ReturnInput,
  WorkflowErrorBody,
  WorkflowExport,
} from './api/types';
export { rootRouteRef as workflowRootRouteRef } from './routes';
export {
  ApprovalsNavBadge,
  ApprovalsNavIcon,
  useApprovalsNavTitle,
  useApprovalsTodoCount,
} from './components/nav/counts';
export type { ApprovalsTodoCount } from './components/nav/counts';
export { INBOX_CHANNEL } from './components/inbox/live';
