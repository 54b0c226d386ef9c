import { AccessLocale } from './model';

/** Texts the access backend sends in API errors, in the caller's language. */
const zh = {
  badRequest: '请求参数有误',
  validationFailed: '提交的数据有误，请检查标红的字段',
  required: '此项必填',
  tooLong: '不能超过 {max} 个字符',
  invalidValue: '取值无效',
  forbidden: '没有执行此操作的权限',
  notFound: '记录不存在或无权查看',
  roleNotFound: '角色不存在',
  roleKeyTaken: '角色标识“{key}”已被使用',
  roleNameTaken: '角色名称“{name}”已被使用',
  builtinRole: '内置角色“{name}”不能删除',
  roleInUse: '角色“{name}”仍分配给 {count} 个用户或部门，请先移除这些成员再删除',
  staleVersion: '该记录已被他人修改，请刷新后重试',
  userNotFound: '用户 {ref} 不存在',
  departmentNotFound: '部门 {ref} 不存在',
  unknownResource: '资源类型 {resourceType} 不存在',
  unknownAction: '资源“{resource}”没有“{action}”操作',
  unknownField: '资源“{resource}”没有字段 {field}',
  scopeNotApplicable: '“{resource}”的“{action}”不区分数据范围，只能授予“全部”',
  specifiedNeedsDepartments: '“指定部门”须至少选择一个部门',
  duplicateGrant: '同一资源的同一操作只能授权一次',
  duplicateFieldRule: '同一资源的同一字段只能设置一条规则',
  grantNotFound: '授权不存在',
  memberNotFound: '角色成员不存在',
  memberExists: '该成员已拥有此角色',
  handoverSelf: '接收人不能是移交人本人',
  handoverNoReceiver: '请至少选择一位接收人',
  handoverDepartmentReceiver: '部门移交须选择一个接收部门',
  handoverReceiverLacksPermission: '接收人 {receiver} 没有“{permission}”权限，不能接收{type}',
  handoverNothing: '没有需要移交的记录',
  handoverFailed: '移交失败，已全部回滚：{reason}',
  handoverRevertFailed: '移交失败，且 {provider} 未能回滚，请联系管理员处理：{reason}',
  handoverProviderUnavailable: '{provider} 暂时无法访问，未做任何移交',
  handoverBlocked: '存在无法移交的问题，请先处理',
};

export type AccessMessageKey = keyof typeof zh;

const en: Record<AccessMessageKey, string> = {
  badRequest: 'Bad request',
  validationFailed: 'Some fields are invalid',
  required: 'This field is required',
  tooLong: 'At most {max} characters',
  invalidValue: 'Invalid value',
  forbidden: 'You are not allowed to do this',
  notFound: 'Not found or not visible to you',
  roleNotFound: 'Role not found',
  roleKeyTaken: 'The role id "{key}" is taken',
  roleNameTaken: 'The role name "{name}" is taken',
  builtinRole: 'The built-in role "{name}" cannot be deleted',
  roleInUse: 'The role "{name}" is still given to {count} users or departments; remove them first',
  staleVersion: 'Someone else changed this record; reload and try again',
  userNotFound: 'User {ref} does not exist',
  departmentNotFound: 'Department {ref} does not exist',
  unknownResource: 'Unknown resource type {resourceType}',
  unknownAction: '"{resource}" has no action "{action}"',
  unknownField: '"{resource}" has no field {field}',
  scopeNotApplicable: '"{action}" on "{resource}" has no data scope; only "all" can be granted',
  specifiedNeedsDepartments: 'Choose at least one department for "specified departments"',
  duplicateGrant: 'Each action of a resource can be granted once',
  duplicateFieldRule: 'Each field of a resource can have one rule',
  grantNotFound: 'Grant not found',
  memberNotFound: 'Role member not found',
  memberExists: 'This member already has the role',
  handoverSelf: 'The receiver cannot be the person handing over',
  handoverNoReceiver: 'Choose at least one receiver',
  handoverDepartmentReceiver: 'A department handover needs exactly one receiving department',
  handoverReceiverLacksPermission: 'Receiver {receiver} lacks "{permission}" and cannot take {type}',
  handoverNothing: 'There is nothing to hand over',
  handoverFailed: 'The handover failed and was rolled back completely: {reason}',
  handoverRevertFailed: 'The handover failed and {provider} could not be rolled back; ask an administrator: {reason}',
  handoverProviderUnavailable: '{provider} is unavailable; nothing was handed over',
  handoverBlocked: 'Resolve the problems before handing over',
};

const catalogs: Record<AccessLocale, Record<AccessMessageKey, string>> = { 'zh-CN': zh, en };

export function accessMessage(locale: AccessLocale, key: AccessMessageKey, vars: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function isAccessMessageKey(key: string): key is AccessMessageKey {
  return key in zh;
}

export function accessLocaleFromAcceptLanguage(header: string | undefined): AccessLocale {
  if (!header) return 'zh-CN';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
