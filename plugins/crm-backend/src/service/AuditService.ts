import { Knex } from 'knex';
import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import {
  AuditEntry,
  AuditQuery,
  suiteAuditExportPermission,
  suiteAuditReadPermission,
} from '@cocrm/plugin-access-common';
import { Page } from '@cocrm/plugin-crm-common';
import { whereTimeRange } from '../database/paging';
import { likeContains, toIso } from '../database/rows';
import { Access } from './Access';
import { FieldRules } from './FieldRules';
import { RequestContext } from './RequestContext';

const KINDS: Record<string, 'customer' | 'contact' | 'visit' | undefined> = { customer: 'customer', contact: 'contact', visit: 'visit' };
const EXPORT_MAX_ROWS = 100_000;

type AuditRow = { id: string; record_type: string; record_id: string; action: string; actor: string; at: unknown; summary: string | null; changes: string | null };

/**
 * The CRM's record history for the suite's audit viewer, in the contract
 * every plugin answers (access-common `AuditEntry`, `auditQuerySchema`).
 * Field rules still apply: an auditor does not see hidden values either.
 */
export class AuditService {
  constructor(
    private readonly knex: Knex,
    private readonly access: Access,
    private readonly fieldRules: FieldRules,
  ) {}

  async list(query: AuditQuery, ctx: RequestContext): Promise<Page<AuditEntry>> {
    await this.access.check(suiteAuditReadPermission, ctx.credentials);
    const count = this.filtered(query).count({ n: '*' });
    const rows: AuditRow[] = await this.filtered(query)
      .select('*')
      .orderBy('at', query.order)
      .orderBy('id', query.order)
      .limit(query.pageSize)
      .offset(query.page * query.pageSize);
    const n = Number(((await count.first()) as { n: number | string } | undefined)?.n ?? 0);
    const fields = await this.fieldRules.forCaller(ctx);
    return { items: rows.map(r => this.entry(r, fields)), totalCount: n, page: query.page, pageSize: query.pageSize };
  }

  async prepareExport(query: AuditQuery, ctx: RequestContext) {
    await this.access.check(suiteAuditExportPermission, ctx.credentials);
    const fields = await this.fieldRules.forCaller(ctx);
    return {
      filename: `审计日志-客户管理-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.xlsx`,
      write: async (out: Writable) => {
        const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
        const sheet = workbook.addWorksheet('审计日志');
        sheet.columns = [
          { header: '时间', key: 'at', width: 22 },
          { header: '操作人', key: 'actor', width: 28 },
          { header: '记录类型', key: 'recordType', width: 12 },
          { header: '记录', key: 'summary', width: 36 },
          { header: '操作', key: 'action', width: 12 },
          { header: '变更', key: 'changes', width: 80 },
        ];
        sheet.getRow(1).font = { bold: true };
        sheet.getRow(1).commit();
        const batch = 1000;
        for (let page = 0; page * batch < EXPORT_MAX_ROWS; page++) {
          const rows: AuditRow[] = await this.filtered(query).select('*').orderBy('at', query.order).orderBy('id', query.order).limit(batch).offset(page * batch);
          for (const r of rows) {
            const e = this.entry(r, fields);
            sheet
              .addRow({
                at: new Date(e.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
                actor: e.actor,
                recordType: e.recordType,
                summary: e.summary ?? '',
                action: e.action,
                changes: (e.changes ?? []).map(c => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('\n'),
              })
              .commit();
          }
          if (rows.length < batch) break;
        }
        sheet.commit();
        await workbook.commit();
      },
    };
  }

  private filtered(query: AuditQuery) {
    const qb = this.knex('crm_audit');
    if (query.actor) qb.where('actor', query.actor);
    if (query.recordType) qb.where('record_type', query.recordType);
    if (query.recordId) qb.where('record_id', query.recordId);
    if (query.action) qb.where('action', query.action);
    if (query.q) qb.whereRaw(`LOWER(summary) LIKE ? ESCAPE '\\'`, [likeContains(query.q.toLowerCase())]);
    whereTimeRange(qb, 'at', query.from, query.to);
    return qb;
  }

  private entry(r: AuditRow, fields: Awaited<ReturnType<FieldRules['forCaller']>>): AuditEntry {
    const kind = KINDS[r.record_type];
    const changes = r.changes ? (JSON.parse(r.changes) as NonNullable<AuditEntry['changes']>) : null;
    return {
      id: r.id,
      source: 'crm',
      recordType: r.record_type,
      recordId: r.record_id,
      summary: r.summary,
      action: r.action,
      actor: r.actor,
      at: toIso(r.at),
      changes: changes && kind ? fields.redactChanges(kind, changes) : changes,
    };
  }
}
