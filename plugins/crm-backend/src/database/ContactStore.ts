import { Knex } from 'knex';
import { Contact, ContactListQuery, Page, ageOn, todayInShanghai } from '@cocrm/plugin-crm-common';
import { AccessFilter, applyAccessFilter } from '../permissions/query';
import { MetaRow, metaFromRow, whereSearch, whereSearchColumns } from './rows';
import { fetchPage, toBool, whereTimeRange } from '@cocrm/plugin-access-node';

export interface ContactRow extends MetaRow {
  customer_id: string;
  name: string;
  gender: string;
  department: string | null;
  title: string | null;
  position: string | null;
  mobile: string | null;
  phone: string | null;
  wechat: string | null;
  birthday: string | null;
  hobbies: string | null;
  personal_needs: string | null;
  photo: string | null;
  key_decision_maker: boolean | number;
  remark: string | null;
  search_text: string;
}

type JoinedRow = Omit<ContactRow, 'search_text'> & { customer_name: string };

/* Everything but the search columns, which never leave the database. */
const CONTACT_COLUMNS = [
  'id', 'customer_id', 'name', 'gender', 'department', 'title', 'position', 'mobile', 'phone',
  'wechat', 'birthday', 'hobbies', 'personal_needs', 'photo', 'key_decision_maker', 'remark',
  'version', 'created_by', 'created_at', 'updated_by', 'updated_at', 'deleted_at', 'deleted_by',
].map(col => `p.${col}`);

const SORT_COLUMNS: Record<string, string> = {
  name: 'p.name',
  customerName: 'c.name_key',
  createdAt: 'p.created_at',
  updatedAt: 'p.updated_at',
};
export const CONTACT_SORT_KEYS = Object.keys(SORT_COLUMNS);

function fromRow(row: JoinedRow, emails: string[], today: string): Contact {
  return {
    ...metaFromRow(row),
    customerId: row.customer_id,
    customerName: row.customer_name,
    name: row.name,
    gender: row.gender as Contact['gender'],
    department: row.department,
    title: row.title,
    position: row.position,
    mobile: row.mobile,
    phone: row.phone,
    emails,
    wechat: row.wechat,
    birthday: row.birthday,
    age: ageOn(row.birthday, today),
    hobbies: row.hobbies,
    personalNeeds: row.personal_needs,
    photo: row.photo,
    keyDecisionMaker: toBool(row.key_decision_maker),
    remark: row.remark,
  };
}

/** Queries of the contact aggregate (contact row + its e-mail addresses). */
export class ContactStore {
  constructor(private readonly knex: Knex) {}

  private base(db: Knex | Knex.Transaction) {
    return db('crm_contacts as p')
      .join('crm_customers as c', 'c.id', 'p.customer_id')
      .select(...CONTACT_COLUMNS, 'c.name as customer_name');
  }

  private async hydrate(rows: JoinedRow[], db: Knex | Knex.Transaction) {
    const emails = new Map<string, string[]>();
    if (rows.length) {
      const list: Array<{ contact_id: string; email: string }> = await db('crm_contact_emails')
        .whereIn('contact_id', rows.map(r => r.id))
        .orderBy(['contact_id', 'position']);
      for (const e of list) emails.set(e.contact_id, [...(emails.get(e.contact_id) ?? []), e.email]);
    }
    const today = todayInShanghai();
    return rows.map(r => fromRow(r, emails.get(r.id) ?? [], today));
  }

  async get(id: string, filter: AccessFilter, opts: { includeDeleted?: boolean; db?: Knex | Knex.Transaction } = {}) {
    const db = opts.db ?? this.knex;
    const qb = this.base(db).where('p.id', id).whereNull('c.deleted_at');
    if (!opts.includeDeleted) qb.whereNull('p.deleted_at');
    applyAccessFilter(qb, filter, 'p.customer_id', this.knex);
    const row = (await qb.first()) as JoinedRow | undefined;
    return row ? (await this.hydrate([row], db))[0] : undefined;
  }

  /** Live contacts among `ids` that the filter lets through. */
  async getMany(ids: string[], filter: AccessFilter, db: Knex | Knex.Transaction = this.knex) {
    if (!ids.length) return [];
    const qb = this.base(db).whereIn('p.id', ids).whereNull('p.deleted_at').whereNull('c.deleted_at');
    applyAccessFilter(qb, filter, 'p.customer_id', this.knex);
    return this.hydrate((await qb) as JoinedRow[], db);
  }

  /** A page of contacts; `hiddenSearchFields` as in CustomerStore.list. */
  async list(
    query: Required<Pick<ContactListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & ContactListQuery,
    filter: AccessFilter,
    opts: { hiddenSearchFields?: string[] } = {},
  ): Promise<Page<Contact>> {
    const where = (qb: Knex.QueryBuilder) => {
      qb.whereNull('c.deleted_at');
      if (query.deleted) qb.whereNotNull('p.deleted_at');
      else qb.whereNull('p.deleted_at');
      if (query.q) {
        const hidden = new Set(opts.hiddenSearchFields ?? []);
        if (hidden.size === 0) {
          whereSearch(this.knex, qb, 'p.search_text', query.q);
        } else {
          const cols: Array<string | Knex.QueryBuilder> = (['name', 'mobile', 'phone', 'wechat'] as const)
            .filter(f => !hidden.has(f))
            .map(f => `p.${f}`);
          if (!hidden.has('emails')) cols.push(this.knex('crm_contact_emails').select(this.knex.raw('1')).whereRaw('contact_id = p.id'));
          whereSearchColumns(qb, cols, query.q);
        }
      }
      if (query.customerId) qb.where('p.customer_id', query.customerId);
      if (query.keyDecisionMaker !== undefined) qb.where('p.key_decision_maker', query.keyDecisionMaker);
      whereTimeRange(qb, 'p.created_at', query.createdFrom, query.createdTo);
      whereTimeRange(qb, 'p.updated_at', query.updatedFrom, query.updatedTo);
      applyAccessFilter(qb, filter, 'p.customer_id', this.knex);
    };
    const count = this.knex('crm_contacts as p').join('crm_customers as c', 'c.id', 'p.customer_id').count({ n: '*' });
    where(count);
    const rows = this.base(this.knex);
    where(rows);
    return fetchPage({
      count,
      rows,
      sortColumn: SORT_COLUMNS[query.sort] ?? 'p.updated_at',
      idColumn: 'p.id',
      request: query,
      hydrate: (list: JoinedRow[]) => this.hydrate(list, this.knex),
    });
  }

  /** All live contacts of a customer (for the graph), capped. */
  async ofCustomer(customerId: string, limit = 500) {
    const rows = await this.base(this.knex).where('p.customer_id', customerId).whereNull('p.deleted_at').orderBy('p.name').limit(limit);
    return this.hydrate(rows as JoinedRow[], this.knex);
  }

  async insert(tx: Knex.Transaction, row: Partial<ContactRow> & { id: string }, emails: string[]) {
    await tx('crm_contacts').insert(row);
    await this.replaceEmails(tx, row.id, emails);
  }

  async update(tx: Knex.Transaction, id: string, version: number, patch: Partial<ContactRow>) {
    const n = await tx('crm_contacts').where({ id, version }).update({ ...patch, version: version + 1 });
    return n === 1;
  }

  async replaceEmails(tx: Knex.Transaction, id: string, emails: string[]) {
    await tx('crm_contact_emails').where('contact_id', id).delete();
    if (emails.length) {
      await tx('crm_contact_emails').insert(emails.map((email, position) => ({ contact_id: id, email, position })));
    }
  }
}
