import { Knex } from 'knex';
import { fetchPage, likeContains, toIso, toIsoOrNull, whereTimeRange } from '@cocrm/plugin-access-node';
import type { Page } from '@cocrm/plugin-access-common';
import type {
  ApprovalCounts,
  CcListItem,
  CcQuery,
  DoneQuery,
  InboxQuery,
  InstanceListItem,
  InstanceStatus,
  InstanceSummary,
  InstancesQuery,
  MineQuery,
  TaskListItem,
} from '@cocrm/plugin-workflow-common';
import { InstanceRow, TaskRow, instanceFromRow, taskFromRow } from './rows';
import { InstanceScope, ScopedInstances, whereInstanceInScope } from '../service/InstanceAccess';

/** What every list filters on (the instance's fields; `from`/`to` = when it was submitted). */
type InstanceFilters = Pick<InboxQuery, 'q' | 'documentType' | 'status' | 'from' | 'to'>;

const SUMMARY_COLUMNS = [
  'id',
  'title',
  'document_type',
  'document_id',
  'applicant',
  'department',
  'amount',
  'currency',
  'status',
  'flow_version',
  'created_at',
  'updated_at',
  'finished_at',
] as const;
type SummaryRow = { [K in (typeof SUMMARY_COLUMNS)[number] as `i_${K}`]: unknown };

/** What taskFromRow reads: the page never carries plan, fields or other large columns. */
const TASK_COLUMNS = [
  'id',
  'instance_id',
  'node_id',
  'assignee',
  'on_behalf_of',
  'status',
  'origin',
  'parent_task_id',
  'seq',
  'version',
  'comment',
  'decided_by',
  'decided_at',
  'created_at',
  'pending_at',
  'due_at',
] as const;

/** Everything instanceFromRow reads; not the route plan. */
const INSTANCE_COLUMNS = [
  ...SUMMARY_COLUMNS,
  'flow_id',
  'flow_version_id',
  'fields',
  'outcome',
  'round',
  'current_position',
  'version',
].map(c => `i.${c}`);

const summaryColumns = (alias: string) => SUMMARY_COLUMNS.map(c => `${alias}.${c} as i_${c}`);
const taskColumns = (alias: string) => TASK_COLUMNS.map(c => `${alias}.${c}`);

function summaryFromRow(r: SummaryRow): InstanceSummary {
  return {
    id: r.i_id as string,
    title: r.i_title as string,
    documentType: r.i_document_type as string,
    documentId: r.i_document_id as string,
    applicant: r.i_applicant as string,
    department: (r.i_department as string | null) ?? null,
    amount: r.i_amount === null || r.i_amount === undefined ? null : Number(r.i_amount),
    currency: (r.i_currency as string | null) ?? null,
    status: r.i_status as InstanceStatus,
    flowVersion: Number(r.i_flow_version),
    createdAt: toIso(r.i_created_at),
    updatedAt: toIso(r.i_updated_at),
    finishedAt: toIsoOrNull(r.i_finished_at),
  };
}

/** Sort key → column, per list; nullable columns sort their nulls last in both dialects. */
const INBOX_SORT: Record<InboxQuery['sort'], string> = { since: 't.pending_at', dueAt: 't.due_at', createdAt: 'i.created_at', amount: 'i.amount', title: 'i.title' };
const DONE_SORT: Record<DoneQuery['sort'], string> = { decidedAt: 'd.decided_at', createdAt: 'i.created_at', updatedAt: 'i.updated_at' };
const INSTANCE_SORT: Record<MineQuery['sort'], string> = { createdAt: 'i.created_at', updatedAt: 'i.updated_at', amount: 'i.amount', title: 'i.title' };
const NULLABLE = new Set(['t.due_at', 'i.amount']);

const page = (q: { page: number; pageSize: number; order: 'asc' | 'desc' }) => ({ page: q.page, pageSize: q.pageSize, order: q.order });

/**
 * The approval lists, server-paged the suite's way (fetchPage), each filtered
 * by whose list it is — and 审批查询 by the caller's data scope — in SQL.
 */
export class ListStore implements ScopedInstances {
  constructor(private readonly db: Knex) {}

  private filterInstances(qb: Knex.QueryBuilder, f: InstanceFilters, alias = 'i') {
    if (f.q) {
      const pattern = likeContains(f.q.toLowerCase());
      qb.where(b =>
        b.whereRaw(`LOWER(${alias}.title) LIKE ? ESCAPE '\\'`, [pattern]).orWhereRaw(`LOWER(${alias}.document_id) LIKE ? ESCAPE '\\'`, [pattern]),
      );
    }
    if (f.documentType) qb.where(`${alias}.document_type`, f.documentType);
    if (f.status?.length) qb.whereIn(`${alias}.status`, f.status);
    whereTimeRange(qb, `${alias}.created_at`, f.from, f.to);
  }

  private static hasInstanceFilters(f: InstanceFilters) {
    return !!(f.q || f.documentType || f.status?.length || f.from || f.to);
  }

  /** Orders nullable sort columns' nulls last before fetchPage adds the column itself. */
  private static nullsLast(qb: Knex.QueryBuilder, column: string) {
    if (NULLABLE.has(column)) qb.orderByRaw(`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`);
  }

  /**
   * 待办: pending tasks of the user, as assignee or as the delegator they are
   * held for. Sorted by `since`, PostgreSQL walks the open tasks in order
   * (workflow_tasks_open_since_idx) and stops after a page of the user's;
   * an OR, not a UNION, because PostgreSQL 15 sorts a UNION's rows after
   * joining them (bench/README.md, workflow section).
   */
  inbox(userRef: string, q: InboxQuery): Promise<Page<TaskListItem>> {
    const mine = (qb: Knex.QueryBuilder) => qb.where('t.status', 'pending').where(b => b.where('t.assignee', userRef).orWhere('t.on_behalf_of', userRef));
    const withInstance = () => {
      const qb = mine(this.db('workflow_tasks as t').join('workflow_instances as i', 'i.id', 't.instance_id'));
      this.filterInstances(qb, q);
      return qb;
    };
    // without instance filters the count needs no join: the (assignee, status) indexes answer it
    const count = ListStore.hasInstanceFilters(q) ? withInstance() : mine(this.db('workflow_tasks as t'));
    const rows = withInstance()
      .join('workflow_nodes as n', 'n.id', 't.node_id')
      .select(...taskColumns('t'), ...summaryColumns('i'), 'n.name as n_name');
    const sortColumn = INBOX_SORT[q.sort];
    ListStore.nullsLast(rows, sortColumn);
    return fetchPage<TaskRow & SummaryRow & { n_name: string }, TaskListItem>({
      count: count.count({ n: '*' }),
      rows,
      sortColumn,
      idColumn: 't.id',
      request: page(q),
      hydrate: rs => rs.map(r => ({ task: taskFromRow(r), instance: summaryFromRow(r), nodeName: r.n_name })),
    });
  }

  /**
   * 已办: instances on which the user decided a task (or their delegate did for
   * them), one row per instance with the latest such decision and the
   * instance's current status.
   */
  done(userRef: string, q: DoneQuery): Promise<Page<TaskListItem>> {
    const decisions = this.db('workflow_tasks as t')
      .where(b =>
        b.where('t.decided_by', userRef).orWhere(o => o.where('t.on_behalf_of', userRef).whereNotNull('t.decided_by').whereNot('t.decided_by', 'system')),
      )
      .select(...taskColumns('t'), this.db.raw('ROW_NUMBER() OVER (PARTITION BY t.instance_id ORDER BY t.decided_at DESC, t.id DESC) AS rn'));
    const base = () => {
      const qb = this.db.from(decisions.as('d')).join('workflow_instances as i', 'i.id', 'd.instance_id').where('d.rn', 1);
      this.filterInstances(qb, q);
      return qb;
    };
    return fetchPage<TaskRow & SummaryRow & { n_name: string }, TaskListItem>({
      count: base().count({ n: '*' }),
      rows: base()
        .join('workflow_nodes as n', 'n.id', 'd.node_id')
        .select(...taskColumns('d'), ...summaryColumns('i'), 'n.name as n_name'),
      sortColumn: DONE_SORT[q.sort],
      idColumn: 'd.id',
      request: page(q),
      hydrate: rs => rs.map(r => ({ task: taskFromRow(r), instance: summaryFromRow(r), nodeName: r.n_name })),
    });
  }

  /** 我发起的 */
  mine(userRef: string, q: MineQuery): Promise<Page<InstanceListItem>> {
    return this.instancePage(q, qb => qb.where('i.applicant', userRef));
  }

  /** 审批查询: what the scope allows, and always the caller's own approvals (as applicant, approver or CC). */
  instances(userRef: string, scope: InstanceScope, q: InstancesQuery): Promise<Page<InstanceListItem>> {
    return this.instancePage(q, qb => {
      if (scope.kind === 'all') return;
      qb.where(b => {
        b.where('i.applicant', userRef)
          .orWhereExists(
            this.db('workflow_tasks as pt')
              .select(this.db.raw('1'))
              .whereRaw('pt.instance_id = i.id')
              .where(p => p.where('pt.assignee', userRef).orWhere('pt.on_behalf_of', userRef)),
          )
          .orWhereExists(this.db('workflow_cc as pc').select(this.db.raw('1')).whereRaw('pc.instance_id = i.id').where('pc.user_ref', userRef));
        if (scope.kind === 'filter') b.orWhere(s => whereInstanceInScope(s, scope.criteria, 'i'));
      });
    });
  }

  private async instancePage(q: MineQuery, restrict: (qb: Knex.QueryBuilder) => void): Promise<Page<InstanceListItem>> {
    const base = () => {
      const qb = this.db('workflow_instances as i');
      restrict(qb);
      this.filterInstances(qb, q);
      return qb;
    };
    const rows = base().select(INSTANCE_COLUMNS);
    const sortColumn = INSTANCE_SORT[q.sort];
    ListStore.nullsLast(rows, sortColumn);
    return fetchPage<Omit<InstanceRow, 'plan'>, InstanceListItem>({
      count: base().count({ n: '*' }),
      rows,
      sortColumn,
      idColumn: 'i.id',
      request: page(q),
      hydrate: async rs => {
        const waiting = await this.waitingOn(rs.map(r => r.id));
        return rs.map(r => ({
          ...instanceFromRow({ ...r, plan: '' }),
          currentNodeNames: [...new Set((waiting.get(r.id) ?? []).map(w => w.node))],
          pendingApprovers: [...new Set((waiting.get(r.id) ?? []).map(w => w.assignee))],
        }));
      },
    });
  }

  /** The pending tasks of a page of instances: which nodes wait, for whom. */
  private async waitingOn(instanceIds: string[]): Promise<Map<string, Array<{ node: string; assignee: string }>>> {
    const out = new Map<string, Array<{ node: string; assignee: string }>>();
    if (!instanceIds.length) return out;
    const rows: Array<{ instance_id: string; assignee: string; name: string }> = await this.db('workflow_tasks as t')
      .join('workflow_nodes as n', 'n.id', 't.node_id')
      .whereIn('t.instance_id', instanceIds)
      .where('t.status', 'pending')
      .orderBy('n.position')
      .orderBy('t.seq')
      .orderBy('t.id')
      .select('t.instance_id', 't.assignee', 'n.name');
    for (const r of rows) out.set(r.instance_id, [...(out.get(r.instance_id) ?? []), { node: r.name, assignee: r.assignee }]);
    return out;
  }

  /** 抄送我的, with read / unread. */
  cc(userRef: string, q: CcQuery): Promise<Page<CcListItem>> {
    const base = () => {
      const qb = this.db('workflow_cc as c').join('workflow_instances as i', 'i.id', 'c.instance_id').where('c.user_ref', userRef);
      if (q.read === 'read') qb.whereNotNull('c.read_at');
      if (q.read === 'unread') qb.whereNull('c.read_at');
      this.filterInstances(qb, q);
      return qb;
    };
    type CcRow = SummaryRow & { id: string; by: string; node_id: string | null; created_at: unknown; read_at: unknown };
    return fetchPage<CcRow, CcListItem>({
      count: base().count({ n: '*' }),
      rows: base().select('c.id', 'c.by', 'c.node_id', 'c.created_at', 'c.read_at', ...summaryColumns('i')),
      sortColumn: 'c.created_at',
      idColumn: 'c.id',
      request: page(q),
      hydrate: rs =>
        rs.map(r => ({ id: r.id, instance: summaryFromRow(r), by: r.by, nodeId: r.node_id, createdAt: toIso(r.created_at), readAt: toIsoOrNull(r.read_at) })),
    });
  }

  /** The sidebar badge: two indexed counts. */
  async counts(userRef: string): Promise<ApprovalCounts> {
    const todo = await this.db('workflow_tasks')
      .where('status', 'pending')
      .where(b => b.where('assignee', userRef).orWhere('on_behalf_of', userRef))
      .count({ n: '*' })
      .first();
    const cc = await this.db('workflow_cc').where('user_ref', userRef).whereNull('read_at').count({ n: '*' }).first();
    return { todo: Number((todo as { n: number | string }).n), ccUnread: Number((cc as { n: number | string }).n) };
  }

  /**
   * Marks the user's copy read: `id` is the CC row's id or the instance's (then
   * every copy of it the user holds). False when the user holds no such copy.
   */
  async markCcRead(userRef: string, id: string, now: Date): Promise<boolean> {
    const mine = () => this.db('workflow_cc').where('user_ref', userRef).where(b => b.where('id', id).orWhere('instance_id', id));
    await mine().whereNull('read_at').update({ read_at: now });
    return !!(await mine().first('id'));
  }

  /** The assignee's first opening of an approval while their task waits (reports: time to first view). */
  async markViewed(userRef: string, instanceId: string, now: Date): Promise<void> {
    await this.db('workflow_tasks')
      .where({ instance_id: instanceId, status: 'pending' })
      .whereNull('viewed_at')
      .where(b => b.where('assignee', userRef).orWhere('on_behalf_of', userRef))
      .update({ viewed_at: now });
  }

  async inScope(instanceId: string, scope: InstanceScope): Promise<boolean> {
    if (scope.kind === 'none') return false;
    const qb = this.db('workflow_instances as i').where('i.id', instanceId);
    if (scope.kind === 'filter') qb.where(b => whereInstanceInScope(b, scope.criteria, 'i'));
    return !!(await qb.first('i.id'));
  }
}
