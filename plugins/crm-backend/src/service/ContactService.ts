import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  Contact,
  ContactCreate,
  ContactListQuery,
  ContactUpdate,
  Page,
  crmContactCreatePermission,
  crmContactDeletePermission,
  crmContactReadPermission,
  crmContactUpdatePermission,
  normalizeSearchText,
} from '@cocrm/plugin-crm-common';
import { ContactRow, ContactStore } from '../database/ContactStore';
import { CustomerStore } from '../database/CustomerStore';
import { SEARCH_FIELD_SEPARATOR } from '../database/rows';
import { CrmError } from '../errors';
import { Access } from './Access';
import { diff, writeAudit } from './Audit';
import { RequestContext } from './RequestContext';
import { FieldRules } from './FieldRules';

type ListQuery = Required<Pick<ContactListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & ContactListQuery;

function searchText(c: { name: string; mobile?: string | null; phone?: string | null; emails?: string[]; wechat?: string | null }) {
  const digits = (s?: string | null) => (s ? s.replace(/\D/g, '') : null);
  return [c.name, c.mobile, digits(c.mobile), c.phone, digits(c.phone), ...(c.emails ?? []), c.wechat]
    .filter((v): v is string => Boolean(v))
    .map(normalizeSearchText)
    .join(SEARCH_FIELD_SEPARATOR);
}

function columns(input: Partial<ContactCreate>): Partial<ContactRow> {
  const map: Array<[keyof ContactCreate, keyof ContactRow]> = [
    ['name', 'name'], ['gender', 'gender'], ['department', 'department'], ['title', 'title'],
    ['position', 'position'], ['mobile', 'mobile'], ['phone', 'phone'], ['wechat', 'wechat'],
    ['birthday', 'birthday'], ['hobbies', 'hobbies'], ['personalNeeds', 'personal_needs'],
    ['photo', 'photo'], ['keyDecisionMaker', 'key_decision_maker'], ['remark', 'remark'],
  ];
  const row: Record<string, unknown> = {};
  for (const [from, to] of map) if (input[from] !== undefined) row[to] = input[from];
  return row as Partial<ContactRow>;
}

/** Business rules of 联系人: they live under a customer the caller may work on. */
export class ContactService {
  constructor(
    private readonly knex: Knex,
    private readonly store: ContactStore,
    private readonly customers: CustomerStore,
    private readonly access: Access,
    private readonly fields: FieldRules,
  ) {}

  async list(query: ListQuery, ctx: RequestContext, opts: { permission?: typeof crmContactReadPermission } = {}): Promise<Page<Contact>> {
    const permission = opts.permission ?? (query.deleted ? crmContactDeletePermission : crmContactReadPermission);
    const filter = await this.access.filter(permission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertQueryable('contact', [query.keyDecisionMaker !== undefined ? 'keyDecisionMaker' : undefined]);
    const hiddenSearchFields = ['mobile', 'phone', 'emails', 'wechat'].filter(f => fields.isHidden('contact', f));
    const page = await this.store.list(query, filter, { hiddenSearchFields });
    return { ...page, items: fields.redactAll('contact', page.items) };
  }

  async get(id: string, ctx: RequestContext): Promise<Contact> {
    return (await this.fields.forCaller(ctx)).redact('contact', await this.load(id, ctx));
  }

  private async load(id: string, ctx: RequestContext): Promise<Contact> {
    const contact = await this.store.get(id, await this.access.filter(crmContactReadPermission, ctx.credentials));
    if (!contact) throw new CrmError(404, 'contactNotFound');
    return contact;
  }

  async create(input: ContactCreate, ctx: RequestContext, sent: string[] = Object.keys(input)): Promise<Contact> {
    await this.access.check(crmContactCreatePermission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertWritable('contact', Object.fromEntries(sent.filter(k => k in input).map(k => [k, (input as Record<string, unknown>)[k]])));
    // a contact may be added to a customer whose contacts the caller may update
    const scope = await this.access.filter(crmContactUpdatePermission, ctx.credentials);
    if (!(await this.customers.get(input.customerId, scope))) throw CrmError.field('customerId', 'customerNotFound');
    const id = randomUUID();
    const now = new Date();
    await this.knex.transaction(async tx => {
      await this.store.insert(
        tx,
        {
          id,
          customer_id: input.customerId,
          ...columns(input),
          search_text: searchText(input),
          version: 1,
          created_by: ctx.actor,
          created_at: now,
          updated_by: ctx.actor,
          updated_at: now,
        } as Partial<ContactRow> & { id: string },
        input.emails,
      );
      await writeAudit(tx, { recordType: 'contact', recordId: id, customerId: input.customerId, action: 'created', actor: ctx.actor, at: now, summary: input.name });
    });
    return fields.redact('contact', (await this.store.get(id, undefined))!);
  }

  async update(id: string, input: ContactUpdate, ctx: RequestContext): Promise<Contact> {
    const before = await this.loadFor(id, crmContactUpdatePermission, ctx);
    const fields = await this.fields.forCaller(ctx);
    const { version: _version, ...changes } = input;
    fields.assertWritable('contact', changes, before as unknown as Record<string, unknown>);
    const now = new Date();
    const updated = await this.knex.transaction(async tx => {
      const merged = { ...before, ...input };
      const ok = await this.store.update(tx, id, input.version, {
        ...columns(input),
        search_text: searchText(merged),
        updated_by: ctx.actor,
        updated_at: now,
      });
      if (!ok) throw new CrmError(409, 'staleVersion');
      if (input.emails) await this.store.replaceEmails(tx, id, input.emails);
      const after = (await this.store.get(id, undefined, { db: tx }))!;
      await writeAudit(tx, { recordType: 'contact', recordId: id, customerId: before.customerId, action: 'updated', actor: ctx.actor, at: now, summary: after.name, changes: diff(before, after) });
      return after;
    });
    return fields.redact('contact', updated);
  }

  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    const before = await this.loadFor(id, crmContactDeletePermission, ctx);
    const now = new Date();
    await this.knex.transaction(async tx => {
      const ok = await this.store.update(tx, id, version, { deleted_at: now, deleted_by: ctx.actor, updated_at: now, updated_by: ctx.actor });
      if (!ok) throw new CrmError(409, 'staleVersion');
      await writeAudit(tx, { recordType: 'contact', recordId: id, customerId: before.customerId, action: 'deleted', actor: ctx.actor, at: now, summary: before.name });
    });
  }

  async restore(id: string, ctx: RequestContext): Promise<Contact> {
    const filter = await this.access.filter(crmContactDeletePermission, ctx.credentials);
    const deleted = await this.store.get(id, filter, { includeDeleted: true });
    if (!deleted) throw new CrmError(404, 'contactNotFound');
    if (!deleted.deletedAt) throw new CrmError(409, 'notDeleted');
    const now = new Date();
    await this.knex.transaction(async tx => {
      const ok = await this.store.update(tx, id, deleted.version, { deleted_at: null, deleted_by: null, updated_at: now, updated_by: ctx.actor });
      if (!ok) throw new CrmError(409, 'staleVersion');
      await writeAudit(tx, { recordType: 'contact', recordId: id, customerId: deleted.customerId, action: 'restored', actor: ctx.actor, at: now, summary: deleted.name });
    });
    return (await this.fields.forCaller(ctx)).redact('contact', (await this.store.get(id, undefined))!);
  }

  private loadFor(id: string, permission: typeof crmContactUpdatePermission, ctx: RequestContext) {
    return this.access.forAction(permission, ctx.credentials, () => this.load(id, ctx), filter => this.store.get(id, filter));
  }
}
