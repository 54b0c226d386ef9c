import type { AccessLocale } from '@cocrm/plugin-access-common';
import type { DocumentFieldKind, DocumentTypeSpec, WorkflowInstance } from '@cocrm/plugin-workflow-common';

/** A document as a person reads it in a mail, a notification or the confirmation page. */
export interface DocumentSummary {
  typeLabel: string;
  title: string;
  /** formatted in 元 (or the currency's major unit), null without an amount */
  amount: string | null;
  applicant: string;
  department: string | null;
  /** the registered fields of the snapshot, labelled, in the type's order */
  fields: Array<{ label: string; value: string }>;
}

const SYMBOLS: Record<string, string> = { CNY: '¥' };

/** 分 → `¥1,500,000.00`; integer arithmetic only, so no amount is ever rounded wrongly. */
export function formatAmount(minor: number, currency: string | null): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  const major = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${major}.${String(abs % 100).padStart(2, '0')}`;
  const code = currency ?? 'CNY';
  return SYMBOLS[code] ? `${sign}${SYMBOLS[code]}${text}` : `${sign}${code} ${text}`;
}

const TEXT = {
  'zh-CN': { yes: '是', no: '否', separator: '、' },
  en: { yes: 'Yes', no: 'No', separator: ', ' },
};

const isRef = (v: unknown): v is string => typeof v === 'string' && /^(user|group):/.test(v);

function formatValue(kind: DocumentFieldKind, value: unknown, currency: string | null, name: (ref: string) => string, locale: AccessLocale): string {
  const t = TEXT[locale];
  if (kind === 'money' && typeof value === 'number') return formatAmount(value, currency);
  if (kind === 'boolean' && typeof value === 'boolean') return value ? t.yes : t.no;
  if (Array.isArray(value)) return value.map(v => formatValue(kind === 'list' ? 'string' : kind, v, currency, name, locale)).join(t.separator);
  if (isRef(value)) return name(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

export function summarize(
  instance: Pick<WorkflowInstance, 'documentType' | 'title' | 'amount' | 'currency' | 'applicant' | 'department' | 'fields'>,
  spec: DocumentTypeSpec | undefined,
  name: (ref: string) => string,
  locale: AccessLocale,
): DocumentSummary {
  const fields: DocumentSummary['fields'] = [];
  for (const f of spec?.fields ?? []) {
    const value = instance.fields[f.name];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    fields.push({ label: f.label[locale], value: formatValue(f.kind, value, instance.currency, name, locale) });
  }
  return {
    typeLabel: spec?.label[locale] ?? instance.documentType,
    title: instance.title,
    amount: instance.amount === null ? null : formatAmount(instance.amount, instance.currency),
    applicant: name(instance.applicant),
    department: instance.department ? name(instance.department) : null,
    fields,
  };
}
