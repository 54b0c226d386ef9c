import { Knex } from 'knex';
import { toIsoOrNull, whereTimeRange } from '@cocrm/plugin-access-node';
import type { DurationStats, ReportGroup, ReportQuery, ReportRow } from '@cocrm/plugin-workflow-common';

const GROUP_COLUMNS: Record<ReportGroup, string[]> = {
  flow: ['flow_id'],
  node: ['flow_id', 'step_id'],
  approver: ['approver'],
};

type Num = number | string | null;
const num = (v: Num | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const keyOf = (r: Record<string, unknown>, cols: string[]) => cols.map(c => String(r[c] ?? '')).join('\u0000');

const isPostgres = (db: Knex) => ['pg', 'postgres', 'postgresql'].includes(String(db.client.config.client));

/**
 * 审批报表 in SQL on both databases: counts, SLA breaches and open tasks as
 * plain aggregates; median and p90 as nearest-rank percentiles through
 * ROW_NUMBER() windows (SQLite has no percentile_cont). The population: tasks
 * that reached an approver (`pending_at`) in the range — not the ones the
 * duplicate-approver policy passed before anyone saw them.
 */
export class ReportStore {
  constructor(private readonly db: Knex) {}

  /** Milliseconds from `from` to `to`: timestamptz on PostgreSQL, epoch milliseconds on SQLite. */
  private duration(to: string, from: string): string {
    return isPostgres(this.db) ? `(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000)` : `(${to} - ${from})`;
  }

  private base(q: ReportQuery) {
    const qb = this.db('workflow_tasks as t')
      .join('workflow_instances as i', 'i.id', 't.instance_id')
      .join('workflow_nodes as n', 'n.id', 't.node_id')
      .whereNotNull('t.pending_at')
      .whereNot(b => b.where('t.status', 'autoApproved').whereNull('t.decided_by'))
      .select(
        'i.flow_id',
        'n.step_id',
        'n.name as node_name',
        't.assignee as approver',
        't.status',
        't.decided_by',
        't.pending_at',
        't.due_at',
        't.decided_at',
        // a view before the task (last) reached the approver says nothing about this wait
        this.db.raw(`CASE WHEN t.viewed_at >= t.pending_at THEN ${this.duration('t.viewed_at', 't.pending_at')} END AS view_ms`),
        this.db.raw(`CASE WHEN t.decided_by IS NOT NULL THEN ${this.duration('t.decided_at', 't.pending_at')} END AS decide_ms`),
      );
    whereTimeRange(qb, 't.pending_at', q.from, q.to);
    if (q.flowId) qb.where('i.flow_id', q.flowId);
    return qb;
  }

  private async percentiles(q: ReportQuery, column: 'view_ms' | 'decide_ms'): Promise<Map<string, DurationStats>> {
    const cols = GROUP_COLUMNS[q.groupBy];
    const partition = cols.join(', ');
    const rows: Array<Record<string, unknown> & { p50: Num; p90: Num }> = await this.db
      .with('base', this.base(q))
      .with('ranked', qb =>
        qb
          .from('base')
          .whereNotNull(column)
          .select(
            ...cols,
            `${column} as v`,
            this.db.raw(`ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${column}) AS rn`),
            this.db.raw(`COUNT(*) OVER (PARTITION BY ${partition}) AS cnt`),
          ),
      )
      .from('ranked')
      .select(...cols, this.db.raw('MIN(CASE WHEN rn * 100 >= 50 * cnt THEN v END) AS p50'), this.db.raw('MIN(CASE WHEN rn * 100 >= 90 * cnt THEN v END) AS p90'))
      .groupBy(cols);
    return new Map(rows.map(r => [keyOf(r, cols), { p50: num(r.p50), p90: num(r.p90) }]));
  }

  async rows(q: ReportQuery, now: Date): Promise<ReportRow[]> {
    const cols = GROUP_COLUMNS[q.groupBy];
    const totals: Array<Record<string, unknown> & { tasks: Num; decided: Num; breaches: Num; open_tasks: Num; oldest: unknown; node_name: string | null }> =
      await this.db
        .with('base', this.base(q))
        .from('base')
        .select(
          ...cols,
          this.db.raw('COUNT(*) AS tasks'),
          this.db.raw('SUM(CASE WHEN decided_by IS NOT NULL THEN 1 ELSE 0 END) AS decided'),
          this.db.raw(
            `SUM(CASE WHEN due_at IS NOT NULL AND ((decided_by IS NOT NULL AND decided_at > due_at) OR (status = 'pending' AND due_at < ?)) THEN 1 ELSE 0 END) AS breaches`,
            [now],
          ),
          this.db.raw(`SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS open_tasks`),
          this.db.raw(`MIN(CASE WHEN status = 'pending' THEN pending_at END) AS oldest`),
          // a node keeps its step id across versions; its latest name is as good as any
          this.db.raw('MAX(node_name) AS node_name'),
        )
        .groupBy(cols);
    const views = await this.percentiles(q, 'view_ms');
    const decisions = await this.percentiles(q, 'decide_ms');
    const flowIds = [...new Set(totals.map(t => t.flow_id as string | undefined).filter((x): x is string => !!x))];
    const flows: Array<{ id: string; name: string; document_type: string }> = flowIds.length
      ? await this.db('workflow_flows').whereIn('id', flowIds).select('id', 'name', 'document_type')
      : [];
    const flowById = new Map(flows.map(f => [f.id, f]));
    const none: DurationStats = { p50: null, p90: null };
    return totals.map(t => {
      const key = keyOf(t, cols);
      const flow = t.flow_id ? flowById.get(t.flow_id as string) : undefined;
      const oldest = toIsoOrNull(t.oldest);
      return {
        flowId: (t.flow_id as string | undefined) ?? null,
        flowName: flow?.name ?? null,
        documentType: flow?.document_type ?? null,
        stepId: (t.step_id as string | undefined) ?? null,
        nodeName: q.groupBy === 'node' ? t.node_name : null,
        approver: (t.approver as string | undefined) ?? null,
        tasks: Number(t.tasks),
        decided: Number(t.decided ?? 0),
        firstViewMs: views.get(key) ?? none,
        decideMs: decisions.get(key) ?? none,
        slaBreaches: Number(t.breaches ?? 0),
        open: Number(t.open_tasks ?? 0),
        oldestOpenAgeMs: oldest ? Math.max(0, now.getTime() - Date.parse(oldest)) : null,
      };
    });
  }
}
