import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  Page,
  Visit,
  VisitCreate,
  VisitListQuery,
  VisitUpdate,
  crmVisitCreatePermission,
  crmVisitDeletePermission,
  crmVisitReadPermission,
  crmVisitUpdatePermission,
} from '@cocrm/plugin-crm-common';
import { ContactStore } from '../database/ContactStore';
import { CustomerStore } from '../database/CustomerStore';
import { VisitStore } from '../database/VisitStore';
import { CrmError } from '../errors';
import { Access } from './Access';
import { diff, writeAudit } from './Audit';
import { RequestContext } from './RequestContext';
import { UserDirectory } from './UserDirectory';
import { FieldRules } from './FieldRules';

type ListQuery = Required<Pick<VisitListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & VisitListQuery & { deleted?: boolean };

/** 客户拜访: who visited which customer, whom they met and what comes next. */
export class VisitService {
  constructor(
    private readonly knex: Knex,
    private readonly store: VisitStore,
    private readonly customers: CustomerStore,
    private readonly contacts: ContactStore,
    private readonly access: Access,
    private readonly users: UserDirectory,
    private readonly fields: FieldRules,
  ) {}

  async list(query: ListQuery, ctx: RequestContext, opts: { permission?: typeof crmVisitReadPermission } = {}): Promise<Page<Visit>> {
    const permission = opts.permission ?? (query.deleted ? crmVisitDeletePermission : crmVisitReadPermission);
    const filter = await this.access.filter(permission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertQueryable('visit', [query.contactId ? 'contactIds' : undefined]);
    const page = await this.store.list(query, filter);
    return { ...page, items: fields.redactAll('visit', page.items) };
  }

  async get(id: string, ctx: RequestContext): Promise<Visit> {
    return (await this.fields.forCaller(ctx)).redact('visit', await this.load(id, ctx));
  }

  private async load(id: string, ctx: RequestContext): Promise<Visit> {
    const visit = await this.store.get(id, await this.access.filter(crmVisitReadPermission, ctx.credentials));
    if (!visit) throw new CrmError(404, 'visitNotFound');
    return visit;
  }

  async create(input: VisitCreate, ctx: RequestContext, sent: string[] = Object.keys(input)): Promise<Visit> {
    await this.access.check(crmVisitCreatePermission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertWritable('visit', Object.fromEntries(sent.filter(k => k in input).map(k => [k, (input as Record<string, unknown>)[k]])));
    const scope = await this.access.filter(crmVisitUpdatePermission, ctx.credentials);
    if (!(await this.customers.get(input.customerId, scope))) throw CrmError.field('customerId', 'customerNotFound');
    const visitorRef = input.visitorRef ?? ctx.actor;
    await this.users.assertUsersExist('visitorRef', [visitorRef]);
    await this.users.assertUsersExist('companions', input.companions);
    await this.assertContactsOf(input.customerId, input.contactIds);
    const id = randomUUID();
    const now = new Date();
    await this.knex.transaction(async tx => {
      await this.store.insert(
        tx,
        {
          id,
          customer_id: input.customerId,
          visitor_ref: visitorRef,
          visited_at: new Date(input.visitedAt),
          content: input.content,
          companions: JSON.stringify(input.companions),
          next_plan: input.nextPlan,
          version: 1,
          created_by: ctx.actor,
          created_at: now,
          updated_by: ctx.actor,
          updated_at: now,
        },
        input.contactIds,
      );
      await writeAudit(tx, { recordType: 'visit', recordId: id, customerId: input.customerId, action: 'created', actor: ctx.actor, at: now, summary: input.content.slice(0, 60) });
    });
    return fields.redact('visit', (await this.store.get(id, undefined))!);
  }

  async update(id: string, input: VisitUpdate, ctx: RequestContext): Promise<Visit> {
    const before = await this.loadFor(id, crmVisitUpdatePermission, ctx);
    const fields = await this.fields.forCaller(ctx);
    const { version: _version, ...changes } = input;
    fields.assertWritable('visit', changes, before as unknown as Record<string, unknown>);
    if (input.visitorRef) await this.users.assertUsersExist('visitorRef', [input.visitorRef]);
    if (input.companions) await this.users.assertUsersExist('companions', input.companions);
    if (input.contactIds) await this.assertContactsOf(before.customerId, input.contactIds);
    const now = new Date();
    const updated = await this.knex.transaction(async tx => {
      const patch: Record<string, unknown> = { updated_at: now, updated_by: ctx.actor };
      if (input.visitorRef !== undefined) patch.visitor_ref = input.visitorRef;
      if (input.visitedAt !== undefined) patch.visited_at = new Date(input.visitedAt);
      if (input.content !== undefined) patch.content = input.content;
      if (input.companions !== undefined) patch.companions = JSON.stringify(input.companions);
      if (input.nextPlan !== undefined) patch.next_plan = input.nextPlan;
      if (!(await this.store.update(tx, id, input.version, patch))) throw new CrmError(409, 'staleVersion');
      if (input.contactIds) await this.store.replaceContacts(tx, id, input.contactIds);
      const after = (await this.store.get(id, undefined, { db: tx }))!;
      await writeAudit(tx, { recordType: 'visit', recordId: id, customerId: before.customerId, action: 'updated', actor: ctx.actor, at: now, summary: (after.content ?? '').slice(0, 60), changes: diff(before, after) });
      return after;
    });
    return fields.redact('visit', updated);
  }

  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    const before = await this.loadFor(id, crmVisitDeletePermission, ctx);
    const now = new Date();
    await this.knex.transaction(async tx => {
      if (!(await this.store.update(tx, id, version, { deleted_at: now, deleted_by: ctx.actor, updated_at: now, updated_by: ctx.actor }))) {
        throw new CrmError(409, 'staleVersion');
      }
      await writeAudit(tx, { recordType: 'visit', recordId: id, customerId: before.customerId, action: 'deleted', actor: ctx.actor, at: now, summary: (before.content ?? '').slice(0, 60) });
    });
  }

  async restore(id: string, ctx: RequestContext): Promise<Visit> {
    const deleted = await this.store.get(id, await this.access.filter(crmVisitDeletePermission, ctx.credentials), { includeDeleted: true });
    if (!deleted) throw new CrmError(404, 'visitNotFound');
    if (!deleted.deletedAt) throw new CrmError(409, 'notDeleted');
    const now = new Date();
    await this.knex.transaction(async tx => {
      if (!(await this.store.update(tx, id, deleted.version, { deleted_at: null, deleted_by: null, updated_at: now, updated_by: ctx.actor }))) {
        throw new CrmError(409, 'staleVersion');
      }
      await writeAudit(tx, { recordType: 'visit', recordId: id, customerId: deleted.customerId, action: 'restored', actor: ctx.actor, at: now, summary: (deleted.content ?? '').slice(0, 60) });
    });
    return (await this.fields.forCaller(ctx)).redact('visit', (await this.store.get(id, undefined))!);
  }

  private async assertContactsOf(customerId: string, contactIds: string[]) {
    const found = await this.contacts.getMany(contactIds, undefined);
    contactIds.forEach((cid, i) => {
      if (!found.some(c => c.id === cid && c.customerId === customerId)) throw CrmError.field(`contactIds.${i}`, 'contactNotOfCustomer');
    });
  }

  private loadFor(id: string, permission: typeof crmVisitUpdatePermission, ctx: RequestContext) {
    return this.access.forAction(permission, ctx.credentials, () => this.load(id, ctx), filter => this.store.get(id, filter));
  }
}
