import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  ContactRelation,
  ContactRelationCreate,
  ContactRelationUpdate,
  crmContactReadPermission,
  crmContactUpdatePermission,
} from '@cocrm/plugin-crm-common';
import { ContactStore } from '../database/ContactStore';
import { RelationStore } from '../database/RelationStore';
import { CrmError } from '../errors';
import { Access } from './Access';
import { diff, writeAudit } from './Audit';
import { RequestContext } from './RequestContext';

/**
 * 关系图 between contacts. Relations are governed by the contact permissions:
 * the caller must see both contacts and may update the first one.
 */
export class RelationService {
  constructor(
    private readonly knex: Knex,
    private readonly store: RelationStore,
    private readonly contacts: ContactStore,
    private readonly access: Access,
  ) {}

  async ofCustomer(customerId: string, ctx: RequestContext): Promise<ContactRelation[]> {
    return this.store.ofCustomer(customerId, await this.access.filter(crmContactReadPermission, ctx.credentials));
  }

  async create(input: ContactRelationCreate, ctx: RequestContext): Promise<ContactRelation> {
    if (input.fromContactId === input.toContactId) throw CrmError.field('toContactId', 'relationSelf');
    const read = await this.access.filter(crmContactReadPermission, ctx.credentials);
    const update = await this.access.filter(crmContactUpdatePermission, ctx.credentials);
    const [from] = await this.contacts.getMany([input.fromContactId], update);
    if (!from) throw CrmError.field('fromContactId', 'contactNotFound');
    const [to] = await this.contacts.getMany([input.toContactId], read);
    if (!to) throw CrmError.field('toContactId', 'contactNotFound');
    const id = randomUUID();
    const now = new Date();
    await this.knex.transaction(async tx => {
      if (await this.store.exists(tx, input.fromContactId, input.toContactId, input.type)) {
        throw CrmError.field('type', 'relationExists', {}, 409);
      }
      await this.store.insert(tx, {
        id,
        from_contact_id: input.fromContactId,
        to_contact_id: input.toContactId,
        type: input.type,
        strength: input.strength,
        remark: input.remark,
        version: 1,
        created_by: ctx.actor,
        created_at: now,
        updated_by: ctx.actor,
        updated_at: now,
      });
      await writeAudit(tx, { recordType: 'relation', recordId: id, customerId: from.customerId, action: 'created', actor: ctx.actor, at: now, summary: `${from.name} → ${to.name}`, changes: [{ field: 'relationType', from: null, to: input.type }] });
    });
    return (await this.store.get(id, undefined))!;
  }

  async update(id: string, input: ContactRelationUpdate, ctx: RequestContext): Promise<ContactRelation> {
    const { before, from } = await this.loadForChange(id, ctx);
    const now = new Date();
    return this.knex.transaction(async tx => {
      const patch: Record<string, unknown> = { updated_at: now, updated_by: ctx.actor };
      if (input.type) patch.type = input.type;
      if (input.strength) patch.strength = input.strength;
      if (input.remark !== undefined) patch.remark = input.remark;
      if (!(await this.store.update(tx, id, input.version, patch))) throw new CrmError(409, 'staleVersion');
      const after = (await this.store.get(id, undefined, tx))!;
      await writeAudit(tx, { recordType: 'relation', recordId: id, customerId: from.customerId, action: 'updated', actor: ctx.actor, at: now, changes: diff(before, after, { type: 'relationType' }) });
      return after;
    });
  }

  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    const { from } = await this.loadForChange(id, ctx);
    const now = new Date();
    await this.knex.transaction(async tx => {
      if (!(await this.store.update(tx, id, version, { deleted_at: now, deleted_by: ctx.actor, updated_at: now, updated_by: ctx.actor }))) {
        throw new CrmError(409, 'staleVersion');
      }
      await writeAudit(tx, { recordType: 'relation', recordId: id, customerId: from.customerId, action: 'deleted', actor: ctx.actor, at: now });
    });
  }

  private async loadForChange(id: string, ctx: RequestContext) {
    const before = await this.store.get(id, await this.access.filter(crmContactReadPermission, ctx.credentials));
    if (!before) throw new CrmError(404, 'relationNotFound');
    const [from] = await this.contacts.getMany([before.fromContactId], await this.access.filter(crmContactUpdatePermission, ctx.credentials));
    if (!from) throw new CrmError(403, 'forbidden');
    return { before, from };
  }
}
