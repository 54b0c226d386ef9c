import { industryLabel, regionLabel } from '@cocrm/plugin-crm-common';
import type { Money } from '@cocrm/plugin-crm-common';
import type { CrmT, EnumGroup } from './i18n';
import { formatDate, formatDateTime, formatMoney } from './format';

const ENUM_FIELDS: Record<string, EnumGroup> = {
  type: 'type',
  level: 'level',
  status: 'status',
  industryPosition: 'industryPosition',
  channel: 'channel',
  source: 'source',
  gender: 'gender',
  strength: 'strength',
  relationType: 'relation',
  contractType: 'contractType',
  format: 'contractFormat',
  approvalStatus: 'contractStatus',
};
const MONEY_FIELDS = new Set(['annualRevenue', 'expectedPurchase', 'amount']);
const USER_FIELDS = new Set(['accountManagers', 'companions', 'visitorRef', 'createdBy', 'updatedBy', 'deletedBy', 'owner']);
const DATE_FIELDS = new Set(['foundedOn', 'birthday', 'signedAt', 'startDate', 'endDate']);
const DATETIME_FIELDS = new Set(['visitedAt', 'createdAt', 'updatedAt', 'deletedAt']);

function isMoney(v: unknown): v is Money {
  return !!v && typeof v === 'object' && typeof (v as Money).amount === 'number';
}

/**
 * A field value as text for display (timeline changes, overview): enum labels,
 * industry/region labels, money, user display names, dates. Never HTML.
 */
export function formatFieldValue(
  field: string,
  value: unknown,
  ctx: { t: CrmT; userName: (ref: string) => string; departmentName?: (ref: string) => string },
): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '';
    if (USER_FIELDS.has(field)) return value.map(v => ctx.userName(String(v))).join('、');
    return value.map(v => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('、');
  }
  if (typeof value === 'boolean') return value ? ctx.t.t('common.yes') : ctx.t.t('common.no');
  if (MONEY_FIELDS.has(field) || isMoney(value)) {
    if (isMoney(value)) return formatMoney(value);
    if (typeof value === 'number') return formatMoney({ amount: value, currency: 'CNY' });
  }
  if (typeof value === 'string') {
    if (ENUM_FIELDS[field]) return ctx.t.enumLabel(ENUM_FIELDS[field], value);
    if (field === 'industryCode') return industryLabel(value) || value;
    if (field === 'regionCode') return regionLabel(value) || value;
    if (USER_FIELDS.has(field)) return ctx.userName(value);
    if (field === 'ownerDepartment' && ctx.departmentName) return ctx.departmentName(value);
    if (DATE_FIELDS.has(field)) return formatDate(value);
    if (DATETIME_FIELDS.has(field)) return formatDateTime(value);
    return value;
  }
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
