import { messageCatalog } from '@cocrm/plugin-access-common';

/**
 * Texts people read outside the portal's UI: approval mails, notifications
 * (both in Chinese: the recipient's language is not known when they are sent)
 * and the mail-approval pages (in the browser's language).
 */
const zh = {
  // document summary
  fieldType: '单据类型',
  fieldTitle: '标题',
  fieldAmount: '金额',
  fieldApplicant: '申请人',
  fieldDepartment: '部门',
  fieldNode: '当前节点',
  onBehalfOf: '代 {name} 审批',
  decisionApprove: '同意',
  decisionReject: '驳回',
  // approval mail
  mailSubject: '待审批：{type} {title}',
  mailSubjectAmount: '待审批：{type} {title}（{amount}）',
  mailLead: '{applicant} 提交的{type}等待您审批。',
  mailLeadBehalf: '{applicant} 提交的{type}等待您审批（代 {name} 审批）。',
  mailActions: '直接审批（打开后需再确认一次）：',
  mailPortal: '在门户中查看详情：',
  mailExpiry: '以上链接仅能使用一次，有效期至 {time}（北京时间）。',
  mailFooter: '此邮件由协同客户管理系统自动发送，请勿直接回复。',
  // notifications
  notifyTask: '待审批：{type} {title}',
  notifyTaskBehalf: '待审批（代 {name} 审批）：{type} {title}',
  notifyTaskDescription: '{applicant} 提交，当前节点：{node}',
  notifyRemind: '催办：{type} {title}',
  notifyRemindDescription: '{by} 催您尽快审批',
  notifyCc: '抄送：{type} {title}',
  notifyCcDescription: '{by} 抄送给您',
  notifyCcByFlow: '审批流程抄送给您',
  notifyApproved: '审批通过：{type} {title}',
  notifyRejected: '审批驳回：{type} {title}',
  notifyReturned: '审批退回：{type} {title}',
  notifyOutcomeBy: '处理人：{by}',
  notifyReturnedDescription: '{by} 退回了您的申请，请修改后重新提交',
  // mail-approval pages
  pageConfirmTitle: '确认审批',
  pageConfirmLead: '请确认是否{decision}以下审批：',
  pageComment: '审批意见（选填）',
  pageConfirm: '确认{decision}',
  pagePortal: '在门户中查看',
  pageDoneApprove: '已同意',
  pageDoneReject: '已驳回',
  pageDoneLead: '您的审批意见已记录，感谢！',
  pageErrorTitle: '无法完成审批',
  tokenUnknown: '链接无效：找不到对应的审批。',
  tokenUsed: '此链接已经使用过，每个链接只能使用一次。',
  tokenExpired: '此链接已过期，请在门户中审批。',
  tokenSpent: '此链接已作废（每个链接只能使用一次），请在门户中继续处理。',
  commentTooLong: '审批意见不能超过 {max} 个字符。',
};

type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  fieldType: 'Document type',
  fieldTitle: 'Title',
  fieldAmount: 'Amount',
  fieldApplicant: 'Applicant',
  fieldDepartment: 'Department',
  fieldNode: 'Current step',
  onBehalfOf: 'on behalf of {name}',
  decisionApprove: 'approve',
  decisionReject: 'reject',
  mailSubject: 'To approve: {type} {title}',
  mailSubjectAmount: 'To approve: {type} {title} ({amount})',
  mailLead: '{applicant} submitted a {type} for your approval.',
  mailLeadBehalf: '{applicant} submitted a {type} for your approval (on behalf of {name}).',
  mailActions: 'Decide right away (you confirm once more after opening):',
  mailPortal: 'Details in the portal:',
  mailExpiry: 'Each link works once and expires at {time} (Beijing time).',
  mailFooter: 'Sent automatically by the CRM suite; replies are not read.',
  notifyTask: 'To approve: {type} {title}',
  notifyTaskBehalf: 'To approve (on behalf of {name}): {type} {title}',
  notifyTaskDescription: 'Submitted by {applicant}, current step: {node}',
  notifyRemind: 'Reminder: {type} {title}',
  notifyRemindDescription: '{by} asks you to decide soon',
  notifyCc: 'For your information: {type} {title}',
  notifyCcDescription: '{by} copied you in',
  notifyCcByFlow: 'The approval flow copied you in',
  notifyApproved: 'Approved: {type} {title}',
  notifyRejected: 'Rejected: {type} {title}',
  notifyReturned: 'Returned: {type} {title}',
  notifyOutcomeBy: 'By {by}',
  notifyReturnedDescription: '{by} returned your request; change it and submit again',
  pageConfirmTitle: 'Confirm your decision',
  pageConfirmLead: 'Please confirm that you {decision} this request:',
  pageComment: 'Comment (optional)',
  pageConfirm: 'Confirm: {decision}',
  pagePortal: 'Open in the portal',
  pageDoneApprove: 'Approved',
  pageDoneReject: 'Rejected',
  pageDoneLead: 'Your decision has been recorded. Thank you!',
  pageErrorTitle: 'The decision could not be made',
  tokenUnknown: 'This link is not valid: no approval belongs to it.',
  tokenUsed: 'This link has already been used; each link works once.',
  tokenExpired: 'This link has expired; please decide in the portal.',
  tokenSpent: 'The link is now spent (each link works once); please continue in the portal.',
  commentTooLong: 'The comment may have at most {max} characters.',
};

const catalog = messageCatalog(zh, en);

export type { TextKey };
export const text = catalog.message;
