import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { AccessLocale, AuditEntry, Label } from '@cocrm/plugin-access-common';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Asia/Shanghai has no daylight saving time: a fixed +08:00 is exact. */
export function shanghaiTime(iso: string): string {
  return new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function shanghaiDay(date: Date): string {
  return new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

const HEADERS: Record<AccessLocale, string[]> = {
  'zh-CN': ['时间', '操作人', '记录类型', '记录', '操作', '变更'],
  en: ['Time', 'Actor', 'Record type', 'Record', 'Action', 'Changes'],
};

/** How a plugin names its record types and actions in the exported log. */
export interface AuditLabels {
  recordTypes: Record<string, Label>;
  actions: Record<string, Label>;
}

/** Actions every plugin records. */
const COMMON_ACTIONS: Record<string, Label> = {
  created: { 'zh-CN': '新建', en: 'Created' },
  updated: { 'zh-CN': '修改', en: 'Updated' },
  deleted: { 'zh-CN': '删除', en: 'Deleted' },
  restored: { 'zh-CN': '恢复', en: 'Restored' },
};

export const AUDIT_FILE_NAME: Label = { 'zh-CN': '审计日志', en: 'audit-log' };

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One spreadsheet row per audit entry, in the reader's language. */
export function auditRow(entry: AuditEntry, locale: AccessLocale, actorName: (ref: string) => string, labels: AuditLabels): string[] {
  const action = labels.actions[entry.action] ?? COMMON_ACTIONS[entry.action];
  return [
    shanghaiTime(entry.at),
    actorName(entry.actor),
    labels.recordTypes[entry.recordType]?.[locale] ?? entry.recordType,
    entry.summary ?? entry.recordId,
    action?.[locale] ?? entry.action,
    (entry.changes ?? []).map(c => `${c.field}: ${show(c.from)} → ${show(c.to)}`).join('\n'),
  ];
}

/**
 * The suite's one audit export (every plugin's `/audit/export`). Streams the
 * workbook: rows are committed as they come, so a long log never sits in
 * memory as a whole.
 */
export async function writeAuditWorkbook(
  out: Writable,
  batches: AsyncIterable<AuditEntry[]>,
  locale: AccessLocale,
  actorName: (ref: string) => string,
  labels: AuditLabels,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet(AUDIT_FILE_NAME[locale]);
  sheet.columns = HEADERS[locale].map((header, i) => ({ header, width: [20, 24, 12, 36, 14, 60][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const batch of batches) {
    for (const entry of batch) sheet.addRow(auditRow(entry, locale, actorName, labels)).commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** RFC 6266: an ASCII fallback for old clients and the UTF-8 name (审计日志-….xlsx) for the rest. */
export function attachmentDisposition(filename: string): string {
  // eslint-disable-next-line no-control-regex
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
