import type { AccessLocale, Label } from '@cocrm/plugin-access-common';

/** Texts the workflow backend sends in API errors and definition problems, in the caller's language. */
const zh = {
  badRequest: '请求参数有误',
  validationFailed: '提交的数据有误，请检查标红的字段',
  required: '此项必填',
  tooLong: '不能超过 {max} 个字符',
  invalidValue: '取值无效',
  forbidden: '没有执行此操作的权限',
  notFound: '记录不存在或无权查看',
  flowNotFound: '流程不存在',
  instanceNotFound: '审批单不存在或无权查看',
  taskNotFound: '审批任务不存在',
  noFlowForType: '单据类型“{type}”没有已发布的审批流程',
  flowExists: '单据类型“{type}”已有审批流程，请编辑该流程',
  staleFlow: '该流程已被他人修改，请刷新后重试',
  definitionInvalid: '流程定义存在 {count} 个问题，不能发布',
  documentTypeMismatch: '流程定义的单据类型与流程不一致',
  alreadyInApproval: '该单据已在审批中，不能重复提交',
  notYourTask: '这不是您的审批任务',
  taskNotPending: '该任务已处理（{status}），不能再次操作',
  taskGone: '该任务已失效：审批单已{status}',
  staleTask: '该任务已发生变化，请刷新后重试',
  instanceClosed: '审批单已{status}，不能再操作',
  notInitiator: '只有发起人可以执行此操作',
  notReturned: '审批单未被退回，无需重新提交',
  returnTargetInvalid: '只能退回给发起人或之前已经过的审批节点',
  recallTooLate: '后续审批人已处理，不能撤回',
  recallNotAllowed: '只能撤回自己已同意的审批',
  addSignerInvalid: '加签人不能是自己或已在本节点审批的人',
  transferInvalid: '不能转交给自己或本节点已有的审批人',
  approverChoiceRequired: '请为节点“{node}”选择审批人',
  conditionFieldMissing: '单据缺少流程条件所需的字段“{field}”',
  nothingToRemind: '当前没有待处理的审批人',
  notParticipant: '只有审批单的参与人可以执行此操作',
  delegationSelf: '不能委托给自己',
  delegationRange: '委托的结束时间须晚于开始时间',
  delegationNotFound: '委托不存在',
  emptyComment: '请填写内容',
  statusRunning: '审批中',
  statusReturned: '退回',
  statusApproved: '通过',
  statusRejected: '驳回',
  statusWithdrawn: '撤销',
  taskApproved: '已同意',
  taskRejected: '已拒绝',
  taskReturned: '已退回',
  taskTransferred: '已转交',
  taskCancelled: '已关闭',
  taskAutoApproved: '已自动通过',
  taskWaiting: '等待加签人审批',
  taskQueued: '尚未轮到',
  problemDuplicateId: '节点标识“{id}”重复',
  problemNoDefaultBranch: '条件分支“{node}”没有默认分支',
  problemManyDefaultBranches: '条件分支“{node}”有多个默认分支',
  problemTooFewBranches: '条件分支“{node}”至少需要两个分支',
  problemUnreachableBranch: '分支“{branch}”永远不会被执行：优先级更高的分支“{by}”没有条件',
  problemUnreachableDefault: '默认分支“{branch}”永远不会被执行：分支“{by}”没有条件',
  problemEmptyApprovers: '节点“{node}”没有设置审批人',
  problemEmptyRecipients: '抄送节点“{node}”没有设置抄送人',
  problemUnknownField: '节点“{node}”的条件引用了单据类型“{type}”中不存在的字段“{field}”',
  problemUnknownApproverField: '节点“{node}”的审批人取自不存在的字段“{field}”',
  problemNoApprovalNode: '流程至少需要一个审批节点',
  problemRatioMissing: '节点“{node}”按比例通过，须设置 1–100 的比例',
  problemTypeMismatch: '流程的单据类型“{type}”与注册的类型“{expected}”不一致',
};

export type WorkflowMessageKey = keyof typeof zh;

const en: Record<WorkflowMessageKey, string> = {
  badRequest: 'Bad request',
  validationFailed: 'Some fields are invalid',
  required: 'This field is required',
  tooLong: 'At most {max} characters',
  invalidValue: 'Invalid value',
  forbidden: 'You are not allowed to do this',
  notFound: 'Not found or not visible to you',
  flowNotFound: 'Flow not found',
  instanceNotFound: 'Approval not found or not visible to you',
  taskNotFound: 'Approval task not found',
  noFlowForType: 'Document type "{type}" has no published approval flow',
  flowExists: 'Document type "{type}" already has a flow; edit that one',
  staleFlow: 'Someone else changed this flow; reload and try again',
  definitionInvalid: 'The flow has {count} problems and cannot be published',
  documentTypeMismatch: 'The definition is for another document type than the flow',
  alreadyInApproval: 'This document is already in approval',
  notYourTask: 'This is not your approval task',
  taskNotPending: 'This task was already handled ({status})',
  taskGone: 'This task is gone: the approval was {status}',
  staleTask: 'This task has changed; reload and try again',
  instanceClosed: 'The approval was {status} and cannot be acted on',
  notInitiator: 'Only the applicant can do this',
  notReturned: 'The approval was not returned; nothing to resubmit',
  returnTargetInvalid: 'You can return to the applicant or to an approval node already passed',
  recallTooLate: 'A later approver has already acted; it cannot be recalled',
  recallNotAllowed: 'Only your own approval can be recalled',
  addSignerInvalid: 'The added signer cannot be you or someone already on this node',
  transferInvalid: 'You cannot transfer to yourself or to an approver of this node',
  approverChoiceRequired: 'Choose the approvers of "{node}"',
  conditionFieldMissing: 'The document lacks the field "{field}" the flow tests',
  nothingToRemind: 'Nobody is currently waited for',
  notParticipant: 'Only participants of the approval can do this',
  delegationSelf: 'You cannot delegate to yourself',
  delegationRange: 'The delegation must end after it starts',
  delegationNotFound: 'Delegation not found',
  emptyComment: 'Write something',
  statusRunning: 'running',
  statusReturned: 'returned',
  statusApproved: 'approved',
  statusRejected: 'rejected',
  statusWithdrawn: 'withdrawn',
  taskApproved: 'approved',
  taskRejected: 'rejected',
  taskReturned: 'returned',
  taskTransferred: 'transferred',
  taskCancelled: 'closed',
  taskAutoApproved: 'approved automatically',
  taskWaiting: 'waiting for the added signer',
  taskQueued: 'not yet due',
  problemDuplicateId: 'The node id "{id}" is used twice',
  problemNoDefaultBranch: 'The branch group "{node}" has no default branch',
  problemManyDefaultBranches: 'The branch group "{node}" has several default branches',
  problemTooFewBranches: 'The branch group "{node}" needs at least two branches',
  problemUnreachableBranch: 'The branch "{branch}" can never run: the earlier branch "{by}" has no conditions',
  problemUnreachableDefault: 'The default branch "{branch}" can never run: the branch "{by}" has no conditions',
  problemEmptyApprovers: 'The node "{node}" has no approvers',
  problemEmptyRecipients: 'The CC node "{node}" has no recipients',
  problemUnknownField: 'A condition of "{node}" tests "{field}", which document type "{type}" does not declare',
  problemUnknownApproverField: 'The node "{node}" takes approvers from the unknown field "{field}"',
  problemNoApprovalNode: 'A flow needs at least one approval node',
  problemRatioMissing: 'The node "{node}" passes by ratio and needs a ratio of 1–100',
  problemTypeMismatch: 'The flow is for "{type}" but the registered type is "{expected}"',
};

const catalogs: Record<AccessLocale, Record<WorkflowMessageKey, string>> = { 'zh-CN': zh, en };

export function workflowMessage(locale: AccessLocale, key: WorkflowMessageKey, vars: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A message in both languages, for problems that are listed rather than thrown. */
export function workflowLabel(key: WorkflowMessageKey, vars: Record<string, string | number> = {}): Label {
  return { 'zh-CN': workflowMessage('zh-CN', key, vars), en: workflowMessage('en', key, vars) };
}

export function isWorkflowMessageKey(key: string): key is WorkflowMessageKey {
  return key in zh;
}

export function workflowLocaleFromAcceptLanguage(header: string | undefined): AccessLocale {
  if (!header) return 'zh-CN';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
