import { Knex } from 'knex';
import { Customer, CustomerListQuery, Page } from '@cocrm/plugin-crm-common';
import { industryDivisionCodesOf, regionPrefix } from '@cocrm/plugin-crm-common';
import { AccessFilter, ScopeColumns, applyAccessFilter } from '../permissions/query';
import { MetaRow, metaFromRow, toNumberOrNull, whereSearch, whereSearchColumns } from './rows';
import { fetchPage, whereTimeRange } from '@cocrm/plugin-access-node';

export interface CustomerRow extends MetaRow {
  number: string;
  name: string;
  name_key: string;
  short_name: string | null;
  uscc: string | null;
  type: string;
  level: string | null;
  industry_code: string | null;
  industry_position: string | null;
  region_code: string | null;
  address: string | null;
  postcode: string | null;
  phone: string | null;
  website: string | null;
  /** JSON array of 邮箱域名 */
  mail_domains: string;
  annual_revenue: number | string | null;
  annual_revenue_currency: string | null;
  founded_on: string | null;
  employee_count: number | null;
  main_customers: string | null;
  management_style: string | null;
  expected_purchase: number | string | null;
  expected_purchase_currency: string | null;
  parent_id: string | null;
  group_id: string | null;
  channel: string | null;
  source: string | null;
  status: string;
  remark: string | null;
  owner_department: string | null;
  search_text: string;
}

/** Customers carry their 归属部门 themselves. */
const CUSTOMER_SCOPE: ScopeColumns = { customerId: 'c.id', ownerDepartment: 'c.owner_department' };

type JoinedRow = Omit<CustomerRow, 'search_text'> & { parent_name: string | null; group_name: string | null };

/* Everything but the search columns, which are large and never leave the database. */
const CUSTOMER_COLUMNS = [
  'id', 'number', 'name', 'name_key', 'short_name', 'uscc', 'type', 'level', 'industry_code',
  'industry_position', 'region_code', 'address', 'postcode', 'phone', 'website', 'mail_domains', 'annual_revenue',
  'annual_revenue_currency', 'founded_on', 'employee_count', 'main_customers', 'management_style',
  'expected_purchase', 'expected_purchase_currency', 'parent_id', 'group_id', 'channel', 'source',
  'status', 'remark', 'owner_department', 'version', 'created_by', 'created_at', 'updated_by', 'updated_at',
  'deleted_at', 'deleted_by',
].map(col => `c.${col}`);

const SORT_COLUMNS: Record<string, string> = {
  number: 'c.number',
  name: 'c.name_key',
  level: 'c.level',
  status: 'c.status',
  industryCode: 'c.industry_code',
  annualRevenue: 'c.annual_revenue',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
};
export const CUSTOMER_SORT_KEYS = Object.keys(SORT_COLUMNS);

/** The fields search_text is made of, by the column that holds each. */
export const CUSTOMER_SEARCH_COLUMNS: Record<string, string> = {
  number: 'c.number',
  name: 'c.name',
  shortName: 'c.short_name',
  unifiedSocialCreditCode: 'c.uscc',
  phone: 'c.phone',
  website: 'c.website',
};

function money(amount: unknown, currency: string | null) {
  const n = toNumberOrNull(amount);
  return n === null ? null : { amount: n, currency: currency ?? 'CNY' };
}

function parseMailDomains(value: string | null | undefined): string[] {
  if (!value) return [];
  const list = JSON.parse(value) as unknown;
  return Array.isArray(list) ? list.map(String) : [];
}

export function customerFromRow(row: JoinedRow, managers: string[]): Customer {
  return {
    ...metaFromRow(row),
    number: row.number,
    name: row.name,
    shortName: row.short_name,
    unifiedSocialCreditCode: row.uscc,
    type: row.type as Customer['type'],
    level: row.level as Customer['level'],
    industryCode: row.industry_code,
    industryPosition: row.industry_position as Customer['industryPosition'],
    regionCode: row.region_code,
    address: row.address,
    postcode: row.postcode,
    phone: row.phone,
    website: row.website,
    mailDomains: parseMailDomains(row.mail_domains),
    annualRevenue: money(row.annual_revenue, row.annual_revenue_currency),
    foundedOn: row.founded_on,
    employeeCount: row.employee_count === null ? null : Number(row.employee_count),
    mainCustomers: row.main_customers,
    managementStyle: row.management_style,
    expectedPurchase: money(row.expected_purchase, row.expected_purchase_currency),
    parentId: row.parent_id,
    parentName: row.parent_name ?? null,
    groupId: row.group_id,
    groupName: row.group_name ?? null,
    channel: row.channel as Customer['channel'],
    source: row.source as Customer['source'],
    status: row.status as Customer['status'],
    accountManagers: managers,
    ownerDepartment: row.owner_department ?? null,
    remark: row.remark,
  };
}

/** Queries of the customer aggregate (customer row + its account managers). */
export class CustomerStore {
  constructor(private readonly knex: Knex) {}

  private base(db: Knex | Knex.Transaction) {
    return db('crm_customers as c')
      .leftJoin('crm_customers as p', 'p.id', 'c.parent_id')
      .leftJoin('crm_customers as g', 'g.id', 'c.group_id')
      .select(...CUSTOMER_COLUMNS, 'p.name as parent_name', 'g.name as group_name');
  }

  async managersOf(ids: string[], db: Knex | Knex.Transaction = this.knex) {
    const map = new Map<string, string[]>();
    if (ids.length === 0) return map;
    const rows: Array<{ customer_id: string; user_ref: string }> = await db('crm_customer_managers')
      .whereIn('customer_id', ids)
      .orderBy('user_ref');
    for (const r of rows) {
      const list = map.get(r.customer_id) ?? [];
      list.push(r.user_ref);
      map.set(r.customer_id, list);
    }
    return map;
  }

  private async hydrate(rows: JoinedRow[], db: Knex | Knex.Transaction) {
    const managers = await this.managersOf(rows.map(r => r.id), db);
    return rows.map(r => customerFromRow(r, managers.get(r.id) ?? []));
  }

  /** A customer the filter lets through, or undefined. */
  async get(
    id: string,
    filter: AccessFilter,
    opts: { includeDeleted?: boolean; db?: Knex | Knex.Transaction; forUpdate?: boolean } = {},
  ): Promise<Customer | undefined> {
    const db = opts.db ?? this.knex;
    const qb = this.base(db).where('c.id', id);
    if (!opts.includeDeleted) qb.whereNull('c.deleted_at');
    applyAccessFilter(qb, filter, CUSTOMER_SCOPE, this.knex);
    const row = (await qb.first()) as JoinedRow | undefined;
    if (!row) return undefined;
    return (await this.hydrate([row], db))[0];
  }

  async getMany(ids: string[], filter: AccessFilter): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const qb = this.base(this.knex).whereIn('c.id', ids).whereNull('c.deleted_at');
    applyAccessFilter(qb, filter, CUSTOMER_SCOPE, this.knex);
    return this.hydrate((await qb) as JoinedRow[], this.knex);
  }

  /**
   * A page of customers. `hiddenSearchFields`: fields in search_text hidden
   * from the caller; the search then only looks at the visible ones.
   */
  async list(
    query: Required<Pick<CustomerListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & CustomerListQuery,
    filter: AccessFilter,
    opts: { hiddenSearchFields?: string[]; limit?: number } = {},
  ): Promise<Page<Customer>> {
    const where = (qb: Knex.QueryBuilder) => {
      if (query.deleted) qb.whereNotNull('c.deleted_at');
      else qb.whereNull('c.deleted_at');
      if (query.q) {
        const hidden = new Set(opts.hiddenSearchFields ?? []);
        if (hidden.size === 0) whereSearch(this.knex, qb, 'c.search_text', query.q);
        else whereSearchColumns(qb, Object.entries(CUSTOMER_SEARCH_COLUMNS).filter(([f]) => !hidden.has(f)).map(([, col]) => col), query.q);
      }
      if (query.industry) qb.whereIn('c.industry_code', industryDivisionCodesOf(query.industry));
      if (query.region) qb.where('c.region_code', 'like', `${regionPrefix(query.region)}%`);
      if (query.level?.length) qb.whereIn('c.level', query.level);
      if (query.status?.length) qb.whereIn('c.status', query.status);
      if (query.accountManager) {
        qb.whereExists(
          this.knex('crm_customer_managers as am')
            .select(this.knex.raw('1'))
            .whereRaw('am.customer_id = c.id')
            .where('am.user_ref', query.accountManager),
        );
      }
      whereTimeRange(qb, 'c.created_at', query.createdFrom, query.createdTo);
      whereTimeRange(qb, 'c.updated_at', query.updatedFrom, query.updatedTo);
      applyAccessFilter(qb, filter, CUSTOMER_SCOPE, this.knex);
    };

    const count = this.knex('crm_customers as c').count({ n: '*' });
    where(count);
    const rows = this.base(this.knex);
    where(rows);
    return fetchPage({
      count,
      rows,
      sortColumn: SORT_COLUMNS[query.sort] ?? 'c.updated_at',
      idColumn: 'c.id',
      request: query,
      hydrate: (list: JoinedRow[]) => this.hydrate(list, this.knex),
    });
  }

  /** Live customers that collide with the given name key or credit code. */
  async findDuplicates(
    db: Knex | Knex.Transaction,
    nameKey: string,
    uscc: string | null,
    excludeId?: string,
  ): Promise<Array<Pick<CustomerRow, 'id' | 'number' | 'name' | 'name_key' | 'uscc'>>> {
    const qb = db('crm_customers')
      .select('id', 'number', 'name', 'name_key', 'uscc')
      .whereNull('deleted_at')
      .where(b => {
        b.where('name_key', nameKey);
        if (uscc) b.orWhere('uscc', uscc);
      });
    if (excludeId) qb.whereNot('id', excludeId);
    return qb;
  }

  async insert(db: Knex.Transaction, row: Partial<CustomerRow> & { id: string }, managers: string[]) {
    await db('crm_customers').insert(row);
    await this.replaceManagers(db, row.id, managers);
  }

  /** Optimistic update: true when the row had `version` and was changed. */
  async update(db: Knex.Transaction, id: string, version: number, patch: Partial<CustomerRow>): Promise<boolean> {
    const n = await db('crm_customers')
      .where({ id, version })
      .update({ ...patch, version: version + 1 });
    return n === 1;
  }

  async replaceManagers(db: Knex.Transaction, id: string, managers: string[]) {
    await db('crm_customer_managers').where('customer_id', id).delete();
    if (managers.length) {
      await db('crm_customer_managers').insert(managers.map(user_ref => ({ customer_id: id, user_ref })));
    }
  }

  /**
   * Points the lookup of 邮箱域名 at the customer: exactly `domains`, or none
   * (`[]`) while it is in the recycle bin. A domain held by another customer
   * fails on the primary key.
   */
  async setMailDomainLookup(db: Knex.Transaction, id: string, domains: string[]) {
    await db('crm_customer_mail_domains').where('customer_id', id).delete();
    if (domains.length) {
      await db('crm_customer_mail_domains').insert(domains.map(domain => ({ domain, customer_id: id })));
    }
  }

  /** The live customers other than `excludeId` that hold one of `domains`. */
  async mailDomainHolders(
    db: Knex | Knex.Transaction,
    domains: string[],
    excludeId?: string,
  ): Promise<Array<{ domain: string; id: string; number: string; name: string }>> {
    if (!domains.length) return [];
    const qb = db('crm_customer_mail_domains as d')
      .join('crm_customers as c', 'c.id', 'd.customer_id')
      .whereIn('d.domain', domains)
      .select('d.domain', 'c.id', 'c.number', 'c.name')
      .orderBy('d.domain');
    if (excludeId) qb.whereNot('c.id', excludeId);
    return qb;
  }

  /** Ids of `id`'s live subsidiaries, transitively (to refuse parent cycles). */
  async descendantIds(db: Knex | Knex.Transaction, id: string): Promise<Set<string>> {
    const seen = new Set<string>();
    let frontier = [id];
    while (frontier.length) {
      const rows: Array<{ id: string }> = await db('crm_customers').select('id').whereIn('parent_id', frontier);
      frontier = rows.map(r => r.id).filter(x => !seen.has(x));
      frontier.forEach(x => seen.add(x));
    }
    return seen;
  }

  async hasLiveDependants(db: Knex | Knex.Transaction, id: string): Promise<boolean> {
    const row = await db('crm_customers')
      .whereNull('deleted_at')
      .where(b => b.where('parent_id', id).orWhere('group_id', id))
      .first('id');
    return Boolean(row);
  }

  /** Customers that point at `id` as parent or group, for the relationship graph. */
  async related(id: string, filter: AccessFilter): Promise<Customer[]> {
    const qb = this.base(this.knex)
      .whereNull('c.deleted_at')
      .where(b => b.where('c.parent_id', id).orWhere('c.group_id', id))
      .limit(200);
    applyAccessFilter(qb, filter, CUSTOMER_SCOPE, this.knex);
    return this.hydrate((await qb) as JoinedRow[], this.knex);
  }
}
