import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { AccessLocale } from '@cocrm/plugin-access-common';
import { shanghaiDay } from '@cocrm/plugin-access-node';
import { ReportResult, ReportRow, WorkflowMessageKey, reportQuerySchema, workflowMessage } from '@cocrm/plugin-workflow-common';
import { parseInput } from '../errors';
import { ReportStore } from '../database/ReportStore';
import type { OrgSource } from './RoutePlanner';

const HOUR_MS = 3_600_000;
/** hours with one decimal, as a number so the sheet can sum and sort it; empty where nothing was measured */
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR_MS) * 10) / 10);

/**
 * 审批报表: per flow, node or approver — time to first view and to decide
 * (median, p90), SLA breaches, open tasks and the oldest one's age — as JSON
 * and as a workbook in the reader's language.
 */
export class ReportService {
  private readonly now: () => Date;

  constructor(private readonly deps: { reports: ReportStore; org: OrgSource; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  async report(query: unknown): Promise<ReportResult> {
    const q = parseInput(reportQuerySchema, query);
    const now = this.now();
    const items = await this.deps.reports.rows(q, now);
    items.sort(
      (a, b) =>
        (a.flowName ?? '').localeCompare(b.flowName ?? '', 'zh-CN') ||
        (a.nodeName ?? '').localeCompare(b.nodeName ?? '', 'zh-CN') ||
        (a.approver ?? '').localeCompare(b.approver ?? ''),
    );
    return { groupBy: q.groupBy, generatedAt: now.toISOString(), items };
  }

  /**
   * The report as .xlsx: computed (and the query checked) first, so a bad
   * query is still a 400; then `write` streams the workbook.
   */
  async export(query: unknown, locale: AccessLocale): Promise<{ filename: string; write: (out: Writable) => Promise<void> }> {
    const report = await this.report(query);
    const org = await this.deps.org.snapshot();
    const text = (key: WorkflowMessageKey) => workflowMessage(locale, key);
    const keys: Array<{ header: WorkflowMessageKey; width: number; value: (r: ReportRow) => string | number | null }> = [];
    if (report.groupBy !== 'approver') keys.push({ header: 'reportFlow', width: 24, value: r => r.flowName ?? r.flowId });
    if (report.groupBy === 'node') keys.push({ header: 'reportNode', width: 20, value: r => r.nodeName ?? r.stepId });
    if (report.groupBy === 'approver') {
      keys.push({ header: 'reportApprover', width: 20, value: r => (r.approver ? org.users.get(r.approver)?.displayName ?? r.approver : null) });
    }
    const columns = [
      ...keys,
      { header: 'reportTasks' as const, width: 10, value: (r: ReportRow) => r.tasks },
      { header: 'reportDecided' as const, width: 10, value: (r: ReportRow) => r.decided },
      { header: 'reportFirstViewP50' as const, width: 16, value: (r: ReportRow) => hours(r.firstViewMs.p50) },
      { header: 'reportFirstViewP90' as const, width: 16, value: (r: ReportRow) => hours(r.firstViewMs.p90) },
      { header: 'reportDecideP50' as const, width: 16, value: (r: ReportRow) => hours(r.decideMs.p50) },
      { header: 'reportDecideP90' as const, width: 16, value: (r: ReportRow) => hours(r.decideMs.p90) },
      { header: 'reportSlaBreaches' as const, width: 10, value: (r: ReportRow) => r.slaBreaches },
      { header: 'reportOpen' as const, width: 10, value: (r: ReportRow) => r.open },
      { header: 'reportOldestOpen' as const, width: 16, value: (r: ReportRow) => hours(r.oldestOpenAgeMs) },
    ];
    const write = async (out: Writable) => {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
      const sheet = workbook.addWorksheet(text('reportFileName'));
      sheet.columns = columns.map(c => ({ header: text(c.header), width: c.width }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      for (const r of report.items) sheet.addRow(columns.map(c => c.value(r) ?? '')).commit();
      sheet.commit();
      await workbook.commit();
    };
    return { filename: `${text('reportFileName')}-${shanghaiDay(new Date(report.generatedAt))}.xlsx`, write };
  }
}
