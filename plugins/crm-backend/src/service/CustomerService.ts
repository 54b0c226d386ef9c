import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  Customer,
  CustomerCreate,
  CustomerListQuery,
  CustomerUpdate,
  Page,
  crmCustomerAssignPermission,
  crmCustomerCreatePermission,
  crmCustomerDeletePermission,
  crmCustomerReadPermission,
  crmCustomerUpdatePermission,
  normalizeSearchText,
} from '@cocrm/plugin-crm-common';
import { OrgDirectory, primaryDepartmentOf } from '@cocrm/plugin-access-node';
import { CUSTOMER_SEARCH_COLUMNS, CustomerRow, CustomerStore } from '../database/CustomerStore';
import { SEARCH_FIELD_SEPARATOR } from '../database/rows';
import { CrmError } from '../errors';
import { Access } from './Access';
import { diff, writeAudit } from './Audit';
import { RequestContext } from './RequestContext';
import { UserDirectory } from './UserDirectory';
import { CallerFields, FieldRules } from './FieldRules';
import { formatNumber, nextSequenceValue } from './sequences';

type ListQuery = Required<Pick<CustomerListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & CustomerListQuery;

function pick(input: object, keys: string[]): Record<string, unknown> {
  const source = input as Record<string, unknown>;
  return Object.fromEntries(keys.filter(k => k in source).map(k => [k, source[k]]));
}

export function customerNameKey(name: string): string {
  return normalizeSearchText(name).replace(/\s+/g, '');
}

function searchText(c: { number: string; name: string; shortName?: string | null; unifiedSocialCreditCode?: string | null; phone?: string | null; website?: string | null }) {
  const phoneDigits = c.phone ? c.phone.replace(/\D/g, '') : null;
  return [c.number, c.name, c.shortName, c.unifiedSocialCreditCode, c.phone, phoneDigits, c.website]
    .filter((v): v is string => Boolean(v))
    .map(normalizeSearchText)
    .join(SEARCH_FIELD_SEPARATOR);
}

function columns(input: Partial<CustomerCreate>): Partial<CustomerRow> {
  const row: Partial<CustomerRow> = {};
  const set = <K extends keyof CustomerRow>(k: K, v: CustomerRow[K] | undefined) => {
    if (v !== undefined) row[k] = v;
  };
  set('name', input.name);
  if (input.name !== undefined) row.name_key = customerNameKey(input.name);
  set('short_name', input.shortName);
  set('uscc', input.unifiedSocialCreditCode);
  set('type', input.type);
  set('level', input.level);
  set('industry_code', input.industryCode);
  set('industry_position', input.industryPosition);
  set('region_code', input.regionCode);
  set('address', input.address);
  set('postcode', input.postcode);
  set('phone', input.phone);
  set('website', input.website);
  if (input.mailDomains !== undefined) row.mail_domains = JSON.stringify(input.mailDomains);
  if (input.annualRevenue !== undefined) {
    row.annual_revenue = input.annualRevenue?.amount ?? null;
    row.annual_revenue_currency = input.annualRevenue?.currency ?? null;
  }
  set('founded_on', input.foundedOn);
  set('employee_count', input.employeeCount);
  set('main_customers', input.mainCustomers);
  set('management_style', input.managementStyle);
  if (input.expectedPurchase !== undefined) {
    row.expected_purchase = input.expectedPurchase?.amount ?? null;
    row.expected_purchase_currency = input.expectedPurchase?.currency ?? null;
  }
  set('parent_id', input.parentId);
  set('group_id', input.groupId);
  set('channel', input.channel);
  set('source', input.source);
  set('status', input.status);
  set('remark', input.remark);
  set('owner_department', input.ownerDepartment);
  return row;
}

/** Sort keys and filters that reveal a field's values through order or counts. */
function queriedFields(query: ListQuery): Array<string | undefined> {
  const sortField: Record<string, string> = { level: 'level', industryCode: 'industryCode', annualRevenue: 'annualRevenue' };
  return [
    sortField[query.sort],
    query.industry ? 'industryCode' : undefined,
    query.region ? 'regionCode' : undefined,
    query.level?.length ? 'level' : undefined,
  ];
}

/** Business rules of 客户: numbering, duplicates, hierarchy, data scope, field rules, history. */
export class CustomerService {
  constructor(
    private readonly knex: Knex,
    private readonly store: CustomerStore,
    private readonly access: Access,
    private readonly users: UserDirectory,
    private readonly fields: FieldRules,
    private readonly org: OrgDirectory,
  ) {}

  async list(query: ListQuery, ctx: RequestContext, opts: { permission?: typeof crmCustomerReadPermission } = {}): Promise<Page<Customer>> {
    const permission = opts.permission ?? (query.deleted ? crmCustomerDeletePermission : crmCustomerReadPermission);
    const filter = await this.access.filter(permission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertQueryable('customer', queriedFields(query));
    const hiddenSearchFields = Object.keys(CUSTOMER_SEARCH_COLUMNS).filter(f => fields.isHidden('customer', f));
    const page = await this.store.list(query, filter, { hiddenSearchFields });
    return { ...page, items: fields.redactAll('customer', page.items) };
  }

  async get(id: string, ctx: RequestContext): Promise<Customer> {
    return (await this.fields.forCaller(ctx)).redact('customer', await this.load(id, ctx));
  }

  /** The caller's field rules, for other services that answer with customer data. */
  callerFields(ctx: RequestContext): Promise<CallerFields> {
    return this.fields.forCaller(ctx);
  }

  /** A live customer within the caller's read scope, with every field (for internal use). */
  private async load(id: string, ctx: RequestContext): Promise<Customer> {
    const filter = await this.access.filter(crmCustomerReadPermission, ctx.credentials);
    const customer = await this.store.get(id, filter);
    if (!customer) throw new CrmError(404, 'customerNotFound');
    return customer;
  }

  async create(input: CustomerCreate, ctx: RequestContext, sent: string[] = Object.keys(input)): Promise<Customer> {
    await this.access.check(crmCustomerCreatePermission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertWritable('customer', pick(input, sent));
    // the creator manages the customer unless the form names other managers
    const creator = ctx.actor.startsWith('user:') ? [ctx.actor] : [];
    const managers = input.accountManagers?.length ? input.accountManagers : creator;
    const assigning = input.ownerDepartment || managers.join() !== creator.join();
    // giving a record to someone else (or another department) is 分配, a permission of its own
    if (assigning && creator.length) await this.access.filter(crmCustomerAssignPermission, ctx.credentials);
    await this.users.assertUsersExist('accountManagers', managers);
    const ownerDepartment = await this.ownerDepartmentFor(input.ownerDepartment, managers);
    const readFilter = await this.access.filter(crmCustomerReadPermission, ctx.credentials);
    const id = randomUUID();
    const now = new Date();
    await this.transaction(input.mailDomains, undefined, async tx => {
      await this.assertReferences(tx, input, readFilter);
      await this.assertNoDuplicate(tx, input.name, input.unifiedSocialCreditCode ?? null);
      await this.assertMailDomainsFree(tx, input.mailDomains);
      const number = formatNumber('KH', await nextSequenceValue(tx, 'customer'));
      await this.store.insert(
        tx,
        {
          id,
          number,
          ...columns(input),
          owner_department: ownerDepartment,
          search_text: searchText({ ...input, number }),
          version: 1,
          created_by: ctx.actor,
          created_at: now,
          updated_by: ctx.actor,
          updated_at: now,
        } as Partial<CustomerRow> & { id: string },
        managers,
      );
      await this.store.setMailDomainLookup(tx, id, input.mailDomains);
      await writeAudit(tx, { recordType: 'customer', recordId: id, customerId: id, action: 'created', actor: ctx.actor, at: now, summary: input.name });
    });
    return fields.redact('customer', (await this.store.get(id, undefined))!);
  }

  async update(id: string, input: CustomerUpdate, ctx: RequestContext): Promise<Customer> {
    const before = await this.loadFor(id, crmCustomerUpdatePermission, ctx);
    const fields = await this.fields.forCaller(ctx);
    const { version: _version, ...written } = input;
    fields.assertWritable('customer', written, before as unknown as Record<string, unknown>);
    const managersChange = input.accountManagers && input.accountManagers.join() !== before.accountManagers.join();
    const departmentChange = input.ownerDepartment !== undefined && input.ownerDepartment !== before.ownerDepartment;
    if (managersChange || departmentChange) {
      await this.access.forAction(crmCustomerAssignPermission, ctx.credentials, async () => before, filter => this.store.get(id, filter));
    }
    if (input.accountManagers) await this.users.assertUsersExist('accountManagers', input.accountManagers);
    // new managers without a named department: the customer follows its first manager's department
    let ownerDepartment: string | null | undefined;
    if (departmentChange) ownerDepartment = await this.ownerDepartmentFor(input.ownerDepartment, input.accountManagers ?? before.accountManagers);
    else if (managersChange) ownerDepartment = await this.ownerDepartmentFor(undefined, input.accountManagers!);
    const readFilter = await this.access.filter(crmCustomerReadPermission, ctx.credentials);
    const now = new Date();
    const updated = await this.transaction(input.mailDomains ?? [], id, async tx => {
      if (input.parentId !== undefined || input.groupId !== undefined) {
        await this.assertReferences(tx, input, readFilter, id);
      }
      const name = input.name ?? before.name;
      const uscc = input.unifiedSocialCreditCode !== undefined ? input.unifiedSocialCreditCode : (before.unifiedSocialCreditCode ?? null);
      await this.assertNoDuplicate(tx, name, uscc, id);
      if (input.mailDomains) await this.assertMailDomainsFree(tx, input.mailDomains, id);
      const merged = { ...before, ...input, name, unifiedSocialCreditCode: uscc };
      const ok = await this.store.update(tx, id, input.version, {
        ...columns(input),
        ...(ownerDepartment !== undefined ? { owner_department: ownerDepartment } : {}),
        search_text: searchText(merged),
        updated_by: ctx.actor,
        updated_at: now,
      });
      if (!ok) throw new CrmError(409, 'staleVersion');
      if (input.accountManagers) await this.store.replaceManagers(tx, id, input.accountManagers);
      if (input.mailDomains) await this.store.setMailDomainLookup(tx, id, input.mailDomains);
      const after = (await this.store.get(id, undefined, { db: tx }))!;
      const changes = diff(before, after);
      await writeAudit(tx, { recordType: 'customer', recordId: id, customerId: id, action: 'updated', actor: ctx.actor, at: now, summary: after.name, changes });
      return after;
    });
    return fields.redact('customer', updated);
  }

  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    const before = await this.loadFor(id, crmCustomerDeletePermission, ctx);
    const now = new Date();
    await this.transaction([], id, async tx => {
      if (await this.store.hasLiveDependants(tx, id)) throw new CrmError(409, 'hasChildren');
      // a contract in approval or approved must not lose its customer (drafts go to the recycle bin with it, like contacts)
      const bound = await tx('crm_contracts').where({ customer_id: id }).whereNull('deleted_at').whereIn('status', ['in_approval', 'returned', 'approved']).first('id');
      if (bound) throw new CrmError(409, 'customerHasContracts');
      const ok = await this.store.update(tx, id, version, { deleted_at: now, deleted_by: ctx.actor, updated_at: now, updated_by: ctx.actor });
      if (!ok) throw new CrmError(409, 'staleVersion');
      // a customer in the recycle bin no longer claims its domains' mail (restoring claims them again)
      await this.store.setMailDomainLookup(tx, id, []);
      await writeAudit(tx, { recordType: 'customer', recordId: id, customerId: id, action: 'deleted', actor: ctx.actor, at: now, summary: before.name });
    });
  }

  async restore(id: string, ctx: RequestContext): Promise<Customer> {
    const filter = await this.access.filter(crmCustomerDeletePermission, ctx.credentials);
    const deleted = await this.store.get(id, filter, { includeDeleted: true });
    if (!deleted) throw new CrmError(404, 'customerNotFound');
    if (!deleted.deletedAt) throw new CrmError(409, 'notDeleted');
    const now = new Date();
    const domains = deleted.mailDomains ?? [];
    await this.transaction(domains, id, async tx => {
      await this.assertNoDuplicate(tx, deleted.name, deleted.unifiedSocialCreditCode ?? null, id);
      await this.assertMailDomainsFree(tx, domains, id);
      const ok = await this.store.update(tx, id, deleted.version, { deleted_at: null, deleted_by: null, updated_at: now, updated_by: ctx.actor });
      if (!ok) throw new CrmError(409, 'staleVersion');
      await this.store.setMailDomainLookup(tx, id, domains);
      await writeAudit(tx, { recordType: 'customer', recordId: id, customerId: id, action: 'restored', actor: ctx.actor, at: now, summary: deleted.name });
    });
    return (await this.fields.forCaller(ctx)).redact('customer', (await this.store.get(id, undefined))!);
  }

  /** Loads a live customer the caller may read, then checks the action's own scope (404 vs 403). */
  private loadFor(id: string, permission: typeof crmCustomerUpdatePermission, ctx: RequestContext) {
    return this.access.forAction(permission, ctx.credentials, () => this.load(id, ctx), filter => this.store.get(id, filter));
  }

  /** 归属部门: the one named (it must exist), else the first account manager's department. */
  private async ownerDepartmentFor(named: string | null | undefined, managers: string[]): Promise<string | null> {
    const org = await this.org.snapshot();
    if (named) {
      if (!org.departments.has(named)) throw CrmError.field('ownerDepartment', 'departmentNotFound', { ref: named });
      return named;
    }
    return managers.length ? primaryDepartmentOf(org, managers[0]) : null;
  }

  private async assertReferences(
    tx: Knex.Transaction,
    input: { parentId?: string | null; groupId?: string | null },
    readFilter: Awaited<ReturnType<Access['filter']>>,
    selfId?: string,
  ) {
    if (input.parentId) {
      if (input.parentId === selfId) throw CrmError.field('parentId', 'parentCycle');
      if (!(await this.store.get(input.parentId, readFilter, { db: tx }))) throw CrmError.field('parentId', 'parentNotFound');
      if (selfId && (await this.store.descendantIds(tx, selfId)).has(input.parentId)) {
        throw CrmError.field('parentId', 'parentCycle');
      }
    }
    if (input.groupId) {
      if (input.groupId === selfId || !(await this.store.get(input.groupId, readFilter, { db: tx }))) {
        throw CrmError.field('groupId', 'groupNotFound');
      }
    }
  }

  private async assertNoDuplicate(tx: Knex.Transaction, name: string, uscc: string | null, excludeId?: string) {
    const nameKey = customerNameKey(name);
    const dups = await this.store.findDuplicates(tx, nameKey, uscc, excludeId);
    const byName = dups.find(d => d.name_key === nameKey);
    const hit = byName ?? dups[0];
    if (!hit) return;
    // The duplicate may lie outside the caller's data scope: naming it is still
    // right, since the alternative is a silent second record of the same company.
    const existing = { type: 'customer' as const, id: hit.id, number: hit.number, name: hit.name };
    const key = byName ? 'duplicateName' : 'duplicateUscc';
    const path = byName ? 'name' : 'unifiedSocialCreditCode';
    throw new CrmError(409, key, { name: hit.name, number: hit.number }, { existing, fields: { [path]: { key, vars: { name: hit.name, number: hit.number } } } });
  }

  /**
   * A domain belongs to one customer: naming the holder even outside the
   * caller's scope, as for duplicate names, since the alternative is mail
   * silently routed to two customers.
   */
  private async assertMailDomainsFree(db: Knex | Knex.Transaction, domains: string[], excludeId?: string) {
    const [hit] = await this.store.mailDomainHolders(db, domains, excludeId);
    if (!hit) return;
    const vars = { domain: hit.domain, name: hit.name, number: hit.number };
    throw new CrmError(409, 'mailDomainTaken', vars, {
      existing: { type: 'customer', id: hit.id, number: hit.number, name: hit.name },
      fields: { mailDomains: { key: 'mailDomainTaken', vars } },
    });
  }

  /**
   * Runs `fn` in a transaction; a unique-index race becomes the same 409 as
   * the pre-check (for 邮箱域名: `domains` written for customer `selfId`).
   */
  private async transaction<T>(domains: string[], selfId: string | undefined, fn: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.knex.transaction(fn);
    } catch (e) {
      const msg = String((e as Error)?.message ?? '');
      if (/crm_customer_mail_domains/.test(msg)) {
        await this.assertMailDomainsFree(this.knex, domains, selfId);
      }
      if (/crm_customers_name_key_uq|crm_customers_uscc_uq/.test(msg) || (/UNIQUE constraint failed: crm_customers\.(name_key|uscc)/.test(msg))) {
        throw new CrmError(409, /uscc/.test(msg) ? 'duplicateUscc' : 'duplicateName', { name: '', number: '' });
      }
      throw e;
    }
  }
}
