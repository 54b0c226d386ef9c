import { localeFromAcceptLanguage, messageCatalog } from '@cocrm/plugin-access-common';
/**
 * Validation and error messages the backend sends, in the caller's language
 * (Accept-Language). The frontend has its own translation refs for UI text;
 * these are the texts that travel in API error bodies.
 */
export type CrmLocale = 'zh-CN' | 'en';

const zh = {
  required: '此项必填',
  tooLong: '不能超过 {max} 个字符',
  tooShort: '至少 {min} 个字符',
  invalidValue: '取值无效',
  invalidType: '类型不正确',
  invalidDate: '日期格式应为 YYYY-MM-DD',
  invalidDateTime: '时间格式不正确',
  invalidEmail: '邮箱格式不正确',
  invalidPhone: '电话格式不正确（例如 021-58881234 或 13812345678）',
  invalidMobile: '手机号格式不正确（11 位，以 1 开头）',
  invalidPostcode: '邮编应为 6 位数字',
  invalidUrl: '网址格式不正确',
  invalidUscc: '统一社会信用代码无效（18 位，校验位需符合 GB 32100）',
  invalidIndustry: '行业代码不存在（GB/T 4754）',
  invalidRegion: '地区代码不存在（GB/T 2260）',
  invalidMoney: '金额应为非负整数（单位：分）',
  invalidUserRef: '用户标识无效',
  invalidPhoto: '照片须为不超过 256 KB 的 PNG、JPEG 或 WebP 图片',
  tooMany: '最多 {max} 项',
  notInteger: '应为非负整数',
  badRequest: '请求参数有误',
  validationFailed: '提交的数据有误，请检查标红的字段',
  notFound: '记录不存在或无权查看',
  customerNotFound: '客户不存在或无权查看',
  contactNotFound: '联系人不存在或无权查看',
  visitNotFound: '拜访记录不存在或无权查看',
  relationNotFound: '关系不存在或无权查看',
  parentNotFound: '上级单位不存在或无权查看',
  groupNotFound: '隶属集团不存在或无权查看',
  parentCycle: '上级单位不能是本客户或其下级单位',
  contactNotOfCustomer: '联系人不属于该客户',
  relationSelf: '不能与自己建立关系',
  relationExists: '这两位联系人之间已存在该关系',
  userNotFound: '用户 {ref} 不存在',
  duplicateName: '客户名称“{name}”已存在（{number}）',
  duplicateUscc: '统一社会信用代码已被客户“{name}”（{number}）使用',
  staleVersion: '该记录已被他人修改，请刷新后重试',
  notDeleted: '该记录未被删除',
  forbidden: '没有执行此操作的权限',
  hasChildren: '该客户仍是其他客户的上级单位或集团，不能删除',
  fieldNotWritable: '无权修改此字段',
  fieldNotQueryable: '无权按此字段排序或筛选',
  departmentNotFound: '部门 {ref} 不存在',
  exportTooLarge: '一次最多导出 {max} 条记录，请缩小筛选范围',
  handoverConflict: '{title} 已不属于移交人，移交未执行，请重新预览',
};

type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  required: 'This field is required',
  tooLong: 'At most {max} characters',
  tooShort: 'At least {min} characters',
  invalidValue: 'Invalid value',
  invalidType: 'Wrong type',
  invalidDate: 'Use the date format YYYY-MM-DD',
  invalidDateTime: 'Invalid date and time',
  invalidEmail: 'Invalid e-mail address',
  invalidPhone: 'Invalid phone number (e.g. 021-58881234 or 13812345678)',
  invalidMobile: 'Invalid mobile number (11 digits starting with 1)',
  invalidPostcode: 'A postcode has 6 digits',
  invalidUrl: 'Invalid web address',
  invalidUscc: 'Invalid unified social credit code (18 characters, GB 32100 check digit)',
  invalidIndustry: 'Unknown industry code (GB/T 4754)',
  invalidRegion: 'Unknown region code (GB/T 2260)',
  invalidMoney: 'Amount must be a non-negative integer (in fen)',
  invalidUserRef: 'Invalid user reference',
  invalidPhoto: 'The photo must be a PNG, JPEG or WebP image of at most 256 KB',
  tooMany: 'At most {max} items',
  notInteger: 'Must be a non-negative whole number',
  badRequest: 'Bad request',
  validationFailed: 'Some fields are invalid; please check the highlighted fields',
  notFound: 'The record does not exist or you may not see it',
  customerNotFound: 'The customer does not exist or you may not see it',
  contactNotFound: 'The contact does not exist or you may not see it',
  visitNotFound: 'The visit does not exist or you may not see it',
  relationNotFound: 'The relation does not exist or you may not see it',
  parentNotFound: 'The parent customer does not exist or you may not see it',
  groupNotFound: 'The group customer does not exist or you may not see it',
  parentCycle: 'The parent cannot be this customer or one of its subsidiaries',
  contactNotOfCustomer: 'The contact does not belong to this customer',
  relationSelf: 'A contact cannot be related to itself',
  relationExists: 'This relation between the two contacts already exists',
  userNotFound: 'User {ref} does not exist',
  duplicateName: 'A customer named "{name}" already exists ({number})',
  duplicateUscc: 'The unified social credit code is already used by "{name}" ({number})',
  staleVersion: 'Someone else changed this record; reload and try again',
  notDeleted: 'The record is not deleted',
  forbidden: 'You are not allowed to do this',
  hasChildren: 'This customer is still the parent or group of other customers and cannot be deleted',
  fieldNotWritable: 'You may not change this field',
  fieldNotQueryable: 'You may not sort or filter by this field',
  departmentNotFound: 'Department {ref} does not exist',
  exportTooLarge: 'At most {max} records can be exported at once; narrow the filters',
  handoverConflict: '{title} no longer belongs to the person handing over; nothing was moved, preview again',
};

export type CrmMessageKey = MessageKey;

const catalog = messageCatalog(zh, en);

export const crmMessage = catalog.message;
export const isCrmMessageKey = catalog.isKey;
export { localeFromAcceptLanguage };
