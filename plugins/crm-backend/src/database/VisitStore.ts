import { Knex } from 'knex';
import { Page, Visit, VisitListQuery } from '@cocrm/plugin-crm-common';
import { AccessFilter, applyAccessFilter } from '../permissions/query';
import { MetaRow, metaFromRow, whereOlderThan } from './rows';
import { fetchPage, toIso, whereTimeRange } from '@cocrm/plugin-access-node';

interface VisitRow extends MetaRow {
  customer_id: string;
  customer_name: string;
  visitor_ref: string;
  visited_at: unknown;
  content: string;
  companions: string;
  next_plan: string | null;
}

const SORT_COLUMNS: Record<string, string> = {
  visitedAt: 'v.visited_at',
  createdAt: 'v.created_at',
  updatedAt: 'v.updated_at',
};
export const VISIT_SORT_KEYS = Object.keys(SORT_COLUMNS);

/** Queries of 客户拜访 (visit row + the contacts met). */
export class VisitStore {
  constructor(private readonly knex: Knex) {}

  private base(db: Knex | Knex.Transaction) {
    return db('crm_visits as v')
      .join('crm_customers as c', 'c.id', 'v.customer_id')
      .whereNull('c.deleted_at')
      .select('v.*', 'c.name as customer_name');
  }

  private async hydrate(rows: VisitRow[], db: Knex | Knex.Transaction): Promise<Visit[]> {
    const contacts = new Map<string, Array<{ id: string; name: string }>>();
    if (rows.length) {
      const list: Array<{ visit_id: string; contact_id: string; name: string }> = await db('crm_visit_contacts as vc')
        .join('crm_contacts as p', 'p.id', 'vc.contact_id')
        .whereIn('vc.visit_id', rows.map(r => r.id))
        .select('vc.visit_id', 'vc.contact_id', 'p.name')
        .orderBy('p.name');
      for (const c of list) contacts.set(c.visit_id, [...(contacts.get(c.visit_id) ?? []), { id: c.contact_id, name: c.name }]);
    }
    return rows.map(r => ({
      ...metaFromRow(r),
      customerId: r.customer_id,
      customerName: r.customer_name,
      visitorRef: r.visitor_ref,
      visitedAt: toIso(r.visited_at),
      contactIds: (contacts.get(r.id) ?? []).map(c => c.id),
      contactNames: (contacts.get(r.id) ?? []).map(c => c.name),
      content: r.content,
      companions: JSON.parse(r.companions) as string[],
      nextPlan: r.next_plan,
    }));
  }

  async get(id: string, filter: AccessFilter, opts: { includeDeleted?: boolean; db?: Knex | Knex.Transaction } = {}) {
    const db = opts.db ?? this.knex;
    const qb = this.base(db).where('v.id', id);
    if (!opts.includeDeleted) qb.whereNull('v.deleted_at');
    applyAccessFilter(qb, filter, 'v.customer_id', this.knex);
    const row = await qb.first();
    return row ? (await this.hydrate([row], db))[0] : undefined;
  }

  async list(query: Required<Pick<VisitListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & VisitListQuery & { deleted?: boolean }, filter: AccessFilter): Promise<Page<Visit>> {
    const where = (qb: Knex.QueryBuilder) => {
      if (query.deleted) qb.whereNotNull('v.deleted_at');
      else qb.whereNull('v.deleted_at');
      if (query.customerId) qb.where('v.customer_id', query.customerId);
      if (query.visitorRef) qb.where('v.visitor_ref', query.visitorRef);
      if (query.contactId) {
        qb.whereExists(this.knex('crm_visit_contacts as vc').select(this.knex.raw('1')).whereRaw('vc.visit_id = v.id').where('vc.contact_id', query.contactId));
      }
      whereTimeRange(qb, 'v.visited_at', query.from, query.to);
      applyAccessFilter(qb, filter, 'v.customer_id', this.knex);
    };
    const count = this.knex('crm_visits as v').join('crm_customers as c', 'c.id', 'v.customer_id').whereNull('c.deleted_at').count({ n: '*' });
    where(count);
    const rows = this.base(this.knex);
    where(rows);
    return fetchPage({
      count,
      rows,
      sortColumn: SORT_COLUMNS[query.sort] ?? 'v.visited_at',
      idColumn: 'v.id',
      request: query,
      hydrate: (list: VisitRow[]) => this.hydrate(list, this.knex),
    });
  }

  /** Visits of a customer older than the cursor, newest first (timeline feed). */
  async timeline(customerId: string, before: { at: Date; id: string } | undefined, limit: number, filter: AccessFilter): Promise<Visit[]> {
    const qb = this.base(this.knex).where('v.customer_id', customerId).whereNull('v.deleted_at');
    applyAccessFilter(qb, filter, 'v.customer_id', this.knex);
    if (before) {
      whereOlderThan(this.knex, qb, { at: 'v.visited_at', id: 'v.id' }, before);
    }
    const rows = await qb.orderBy('v.visited_at', 'desc').orderBy('v.id', 'desc').limit(limit);
    return this.hydrate(rows as VisitRow[], this.knex);
  }

  async insert(tx: Knex.Transaction, row: Record<string, unknown> & { id: string }, contactIds: string[]) {
    await tx('crm_visits').insert(row);
    await this.replaceContacts(tx, row.id, contactIds);
  }

  async update(tx: Knex.Transaction, id: string, version: number, patch: Record<string, unknown>) {
    return (await tx('crm_visits').where({ id, version }).update({ ...patch, version: version + 1 })) === 1;
  }

  async replaceContacts(tx: Knex.Transaction, id: string, contactIds: string[]) {
    await tx('crm_visit_contacts').where('visit_id', id).delete();
    if (contactIds.length) await tx('crm_visit_contacts').insert(contactIds.map(contact_id => ({ visit_id: id, contact_id })));
  }
}
