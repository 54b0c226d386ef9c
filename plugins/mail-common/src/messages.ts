import { messageCatalog } from '@cocrm/plugin-access-common';

/** Texts the mail backend sends in API errors and sync failures, in the caller's language. */
const zh = {
  badRequest: '请求参数有误',
  validationFailed: '提交的数据有误，请检查标红的字段',
  required: '此项必填',
  tooLong: '内容过长',
  invalidValue: '取值无效',
  invalidEmail: '邮箱地址格式不正确',
  forbidden: '没有执行此操作的权限',
  accountNotFound: '邮箱账户不存在或无权查看',
  messageNotFound: '邮件不存在或无权查看',
  staleAccount: '该邮箱账户已被他人修改，请刷新后重试',
  notFailed: '该邮件没有解析失败，无需重试',
  syncFailed: '同步失败：{reason}',
};

export type MailMessageKey = keyof typeof zh;

const en: Record<MailMessageKey, string> = {
  badRequest: 'Bad request',
  validationFailed: 'Some fields are invalid; please check the highlighted fields',
  required: 'Required',
  tooLong: 'Too long',
  invalidValue: 'Invalid value',
  invalidEmail: 'Invalid mail address',
  forbidden: 'You are not allowed to do this',
  accountNotFound: 'The mail account does not exist or you may not see it',
  messageNotFound: 'The message does not exist or you may not see it',
  staleAccount: 'Someone else changed this mail account; reload and try again',
  notFailed: 'This message did not fail to parse; there is nothing to retry',
  syncFailed: 'Sync failed: {reason}',
};

const catalog = messageCatalog(zh, en);

export const mailMessage = catalog.message;
export const isMailMessageKey = catalog.isKey;
