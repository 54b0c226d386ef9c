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

const RECORD_TYPES: Record<string, Label> = {
  role: { 'zh-CN': '角色', en: 'Role' },
  grant: { 'zh-CN': '授权', en: 'Grant' },
  handover: { 'zh-CN': '工作移交', en: 'Handover' },
};

const ACTIONS: Record<string, Label> = {
  created: { 'zh-CN': '新建', en: 'Created' },
  updated: { 'zh-CN': '修改', en: 'Updated' },
  deleted: { 'zh-CN': '删除', en: 'Deleted' },
  'member-added': { 'zh-CN': '添加成员', en: 'Member added' },
  'member-removed': { 'zh-CN': '移除成员', en: 'Member removed' },
  'defaults-applied': { 'zh-CN': '应用默认授权', en: 'Defaults applied' },
  completed: { 'zh-CN': '移交完成', en: 'Handed over' },
  failed: { 'zh-CN': '移交失败', en: 'Handover failed' },
};

export const AUDIT_FILE_NAME: Label = { 'zh-CN': '审计日志', en: 'audit-log' };

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One spreadsheet row per audit entry, in the reader's language. */
export function auditRow(entry: AuditEntry, locale: AccessLocale, actorName: (ref: string) => string): string[] {
  return [
    shanghaiTime(entry.at),
    actorName(entry.actor),
    RECORD_TYPES[entry.recordType]?.[locale] ?? entry.recordType,
    entry.summary ?? entry.recordId,
    ACTIONS[entry.action]?.[locale] ?? entry.action,
    (entry.changes ?? []).map(c => `${c.field}: ${show(c.from)} → ${show(c.to)}`).join('\n'),
  ];
}

/**
 * Streams the workbook: rows are committed as they come, so a long log never
 * sits in memory as a whole.
 */
export async function writeAuditWorkbook(
  out: Writable,
  batches: AsyncIterable<AuditEntry[]>,
  locale: AccessLocale,
  actorName: (ref: string) => string,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet(AUDIT_FILE_NAME[locale]);
  sheet.columns = HEADERS[locale].map((header, i) => ({ header, width: [20, 24, 12, 36, 14, 60][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const batch of batches) {
    for (const entry of batch) sheet.addRow(auditRow(entry, locale, actorName)).commit();
  }
  sheet.commit();
  await workbook.commit();
}
