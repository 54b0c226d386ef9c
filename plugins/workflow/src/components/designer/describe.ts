import type { ApprovalStep, ApproverRule, Condition, ConditionValue, DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { conditionFields } from './fields';
import type { DesignerT } from './i18n';
import { fenToYuan } from './money';
import type { Names } from './directory';

/*
 * The one-line texts the node cards show: who approves, how, and what a
 * branch tests, in the UI language.
 */

export function fieldLabel(field: string, docType: DocumentTypeSpec | undefined, i18n: DesignerT): string {
  const f = conditionFields(docType).find(x => x.name === field);
  if (!f) return i18n.t('conditions.unknownField', { field });
  if (f.builtin) return i18n.t(`conditions.builtin_${field as 'amount' | 'department' | 'type' | 'applicant'}`);
  return i18n.label(f.label, field);
}

export function describeRule(rule: ApproverRule, docType: DocumentTypeSpec | undefined, i18n: DesignerT, names: Names): string {
  const { t } = i18n;
  switch (rule.kind) {
    case 'users':
      return t('rules.usersSummary', { names: rule.users.map(names.user).join(t('common.listSeparator')) });
    case 'role':
      return t('rules.roleSummary', { role: names.role(rule.role) });
    case 'departmentLeader':
      return t('rules.departmentLeader');
    case 'supervisor':
      return t('rules.supervisorSummary', { level: rule.level });
    case 'supervisorChain':
      return t('rules.chainSummary', { level: rule.upToLevel });
    case 'applicantChoice':
      return t('rules.applicantChoice');
    case 'documentField':
      return t('rules.fieldSummary', { field: fieldLabel(rule.field, docType, i18n) });
    default:
      return '';
  }
}

export function describeRules(rules: ApproverRule[], docType: DocumentTypeSpec | undefined, i18n: DesignerT, names: Names): string {
  return rules
    .map(r => describeRule(r, docType, i18n, names))
    .filter(Boolean)
    .join(i18n.t('common.ruleSeparator'));
}

export function describeMode(step: ApprovalStep, i18n: DesignerT): string {
  const { t } = i18n;
  switch (step.mode) {
    case 'all':
      return t('modes.allShort');
    case 'any':
      return t('modes.anyShort');
    case 'ratio':
      return t('modes.ratioSummary', { ratio: step.ratio ?? '?' });
    default:
      return t('modes.sequentialShort');
  }
}

function valueText(c: Condition, docType: DocumentTypeSpec | undefined, i18n: DesignerT, names: Names): string {
  const kind = conditionFields(docType).find(f => f.name === c.field)?.kind;
  const one = (v: string | number | boolean): string => {
    if (kind === 'money' && typeof v === 'number') return i18n.t('conditions.amountValue', { amount: fenToYuan(v) });
    if (kind === 'user' && typeof v === 'string') return names.user(v);
    if (kind === 'department' && typeof v === 'string') return names.department(v);
    if (typeof v === 'boolean') return v ? i18n.t('conditions.yes') : i18n.t('conditions.no');
    return String(v);
  };
  const v: ConditionValue = c.value;
  return Array.isArray(v) ? v.map(one).join(i18n.t('common.listSeparator')) : one(v);
}

export function describeCondition(c: Condition, docType: DocumentTypeSpec | undefined, i18n: DesignerT, names: Names): string {
  return `${fieldLabel(c.field, docType, i18n)} ${i18n.t(`conditions.sym_${c.op}`)} ${valueText(c, docType, i18n, names)}`;
}

export function describeConditions(conditions: Condition[], docType: DocumentTypeSpec | undefined, i18n: DesignerT, names: Names): string {
  return conditions.map(c => describeCondition(c, docType, i18n, names)).join(i18n.t('nodes.and'));
}
