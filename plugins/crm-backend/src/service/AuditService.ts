import { Knex } from 'knex';
import { Writable } from 'node:stream';
import {
  AuditEntry,
  AuditQuery,
  suiteAuditExportPermission,
  suiteAuditReadPermission,
} from '@cocrm/plugin-access-common';
import { Page } from '@cocrm/plugin-crm-common';
import { AUDIT_FILE_NAME, AuditLabels, likeContains, shanghaiDay, toIso, whereTimeRange, writeAuditWorkbook } from '@cocrm/plugin-access-node';
import { Access } from './Access';
import { FieldRules } from './FieldRules';
import { RequestContext } from './RequestContext';

const KINDS: Record<string, 'customer' | 'contact' | 'visit' | 'contract' | undefined> = { customer: 'customer', contact: 'contact', visit: 'visit', contract: 'contract' };
const EXPORT_MAX_ROWS = 100_000;

const LABELS: AuditLabels = {
  recordTypes: {
    customer: { 'zh-CN': '客户', en: 'Customer' },
    contact: { 'zh-CN': '联系人', en: 'Contact' },
    relation: { 'zh-CN': '联系人关系', en: 'Relation' },
    visit: { 'zh-CN': '拜访', en: 'Visit' },
    contract: { 'zh-CN': '合同', en: 'Contract' },
  },
  actions: {
    handedOver: { 'zh-CN': '工作移交', en: 'Handed over' },
    handoverReverted: { 'zh-CN': '撤销移交', en: 'Handover reverted' },
    submitted: { 'zh-CN': '提交审批', en: 'Submitted for approval' },
    resubmitted: { 'zh-CN': '重新提交', en: 'Resubmitted' },
    returned: { 'zh-CN': '审批退回', en: 'Returned' },
    approved: { 'zh-CN': '审批通过', en: 'Approved' },
    rejected: { 'zh-CN': '审批驳回', en: 'Rejected' },
    withdrawn: { 'zh-CN': '撤销审批', en: 'Withdrawn' },
    attachmentAdded: { 'zh-CN': '上传附件', en: 'Attachment added' },
    attachmentRemoved: { 'zh-CN': '删除附件', en: 'Attachment removed' },
  },
};

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
    private readonly displayNames: () => Promise<Map<string, string>>,
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
    const names = await this.displayNames();
    const actorName = (ref: string) => (names.has(ref) ? `${names.get(ref)} (${ref})` : ref);
    const batches = async function* auditBatches(this: AuditService) {
      const batch = 1000;
      for (let page = 0; page * batch < EXPORT_MAX_ROWS; page++) {
        const rows: AuditRow[] = await this.filtered(query).select('*').orderBy('at', query.order).orderBy('id', query.order).limit(batch).offset(page * batch);
        yield rows.map(r => this.entry(r, fields));
        if (rows.length < batch) return;
      }
    }.call(this);
    return {
      filename: `${AUDIT_FILE_NAME[ctx.locale]}-${ctx.locale === 'en' ? 'crm' : '客户管理'}-${shanghaiDay(new Date())}.xlsx`,
      write: (out: Writable) => writeAuditWorkbook(out, batches, ctx.locale, actorName, LABELS),
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
