import { Knex } from 'knex';
import type { HandoverItem, HandoverKind } from '@cocrm/plugin-access-common';
import type { HandoverPlan } from '@cocrm/plugin-access-node';
import { CrmError } from '../errors';
import { writeAudit } from './Audit';

export const CUSTOMER_ITEM = 'crm.customer';
export const VISIT_ITEM = 'crm.visit';
export const CONTRACT_ITEM = 'crm.contract';

type CustomerBefore = { managers: string[]; ownerDepartment: string | null };
type VisitBefore = { visitorRef: string };
type ContractBefore = { owner: string; ownerDepartment: string | null };

/**
 * The CRM's part of 工作移交: an employee's customers (their contacts and
 * history follow the customer, and so do the employee's contracts with it)
 * and planned visits, or a department's customers; contracts of the
 * employee (department) with customers that stay are items of their own. Every move is one transaction with an audit entry per record;
 * the previous values are kept per handover so that the access plugin can
 * revert it when another plugin's part fails.
 */
export class HandoverService {
  constructor(private readonly knex: Knex) {}

  async listItems(kind: HandoverKind, from: string): Promise<Array<Omit<HandoverItem, 'receiver'>>> {
    const customers = this.knex('crm_customers as c').whereNull('c.deleted_at').select('c.id', 'c.number', 'c.name').orderBy('c.number');
    if (kind === 'employee') {
      customers.whereExists(this.knex('crm_customer_managers as m').select(this.knex.raw('1')).whereRaw('m.customer_id = c.id').where('m.user_ref', from));
    } else {
      customers.where('c.owner_department', from);
    }
    const rows: Array<{ id: string; number: string; name: string }> = await customers;
    const contactCounts = new Map<string, number>();
    for (let i = 0; i < rows.length; i += 500) {
      const counts: Array<{ customer_id: string; n: number | string }> = await this.knex('crm_contacts')
        .whereIn('customer_id', rows.slice(i, i + 500).map(r => r.id))
        .whereNull('deleted_at')
        .groupBy('customer_id')
        .select('customer_id')
        .count({ n: '*' });
      for (const c of counts) contactCounts.set(c.customer_id, Number(c.n));
    }
    const contractCounts = new Map<string, number>();
    for (let i = 0; i < rows.length; i += 500) {
      const counts: Array<{ customer_id: string; n: number | string }> = await this.contractsMovingWith(kind, from)
        .whereIn('customer_id', rows.slice(i, i + 500).map(r => r.id))
        .groupBy('customer_id')
        .select('customer_id')
        .count({ n: '*' });
      for (const c of counts) contractCounts.set(c.customer_id, Number(c.n));
    }
    const items: Array<Omit<HandoverItem, 'receiver'>> = rows.map(r => {
      const n = contactCounts.get(r.id) ?? 0;
      const k = contractCounts.get(r.id) ?? 0;
      const zh = [n ? `${n} 个联系人及其拜访记录` : '', k ? `${k} 份合同` : ''].filter(Boolean).join('、');
      const en = [n ? `${n} contacts and their visits` : '', k ? `${k} contracts` : ''].filter(Boolean).join(' and ');
      return {
        type: CUSTOMER_ITEM,
        id: r.id,
        title: `${r.number} ${r.name}`,
        ...(zh ? { note: { 'zh-CN': `随客户移交 ${zh}`, en: `with ${en}` } } : {}),
      };
    });
    // contracts of `from` whose customer does not move with this handover
    const ownContracts = this.contractsMovingWith(kind, from)
      .join('crm_customers as c', 'c.id', 'k.customer_id')
      .whereNull('c.deleted_at')
      .select('k.id', 'k.number', 'k.name')
      .orderBy('k.number');
    if (kind === 'employee') {
      ownContracts.whereNotExists(this.knex('crm_customer_managers as m').select(this.knex.raw('1')).whereRaw('m.customer_id = k.customer_id').where('m.user_ref', from));
    } else {
      ownContracts.where(b => b.whereNull('c.owner_department').orWhereNot('c.owner_department', from));
    }
    for (const k of (await ownContracts) as Array<{ id: string; number: string; name: string }>) {
      items.push({ type: CONTRACT_ITEM, id: k.id, title: `${k.number} ${k.name}` });
    }
    if (kind === 'employee') {
      const visits: Array<{ id: string; visited_at: unknown; name: string }> = await this.knex('crm_visits as v')
        .join('crm_customers as c', 'c.id', 'v.customer_id')
        .whereNull('v.deleted_at')
        .whereNull('c.deleted_at')
        .where('v.visitor_ref', from)
        .where('v.visited_at', '>', new Date())
        .orderBy('v.visited_at')
        .select('v.id', 'v.visited_at', 'c.name');
      for (const v of visits) {
        const at = new Date(v.visited_at as string).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
        items.push({ type: VISIT_ITEM, id: v.id, title: `${at} ${v.name}` });
      }
    }
    return items;
  }

  async execute(plan: HandoverPlan): Promise<{ counts: Record<string, number> }> {
    const now = new Date();
    const counts: Record<string, number> = {};
    await this.knex.transaction(async tx => {
      for (const item of plan.items) {
        if (item.type === CUSTOMER_ITEM) await this.moveCustomer(tx, plan, item.id, item.receiver, now);
        else if (item.type === VISIT_ITEM) await this.moveVisit(tx, plan, item.id, item.receiver, now);
        else if (item.type === CONTRACT_ITEM) await this.moveContract(tx, plan, item.id, item.receiver, now);
        else continue;
        counts[item.type] = (counts[item.type] ?? 0) + 1;
      }
    });
    return { counts };
  }

  async revert(handoverId: string, actor: string): Promise<void> {
    const now = new Date();
    await this.knex.transaction(async tx => {
      const moves: Array<{ record_type: string; record_id: string; before: string }> = await tx('crm_handover_moves').where('handover_id', handoverId);
      for (const m of moves) {
        if (m.record_type === 'customer') {
          const before = JSON.parse(m.before) as CustomerBefore;
          const row = await tx('crm_customers').where('id', m.record_id).first('version', 'name');
          await tx('crm_customers').where('id', m.record_id).update({ owner_department: before.ownerDepartment, version: Number(row.version) + 1, updated_by: actor, updated_at: now });
          await tx('crm_customer_managers').where('customer_id', m.record_id).delete();
          if (before.managers.length) await tx('crm_customer_managers').insert(before.managers.map(user_ref => ({ customer_id: m.record_id, user_ref })));
          await writeAudit(tx, { recordType: 'customer', recordId: m.record_id, customerId: m.record_id, action: 'handoverReverted', actor, at: now, summary: row.name });
        } else if (m.record_type === 'visit') {
          const before = JSON.parse(m.before) as VisitBefore;
          const row = await tx('crm_visits').where('id', m.record_id).first('version', 'customer_id');
          await tx('crm_visits').where('id', m.record_id).update({ visitor_ref: before.visitorRef, version: Number(row.version) + 1, updated_by: actor, updated_at: now });
          await writeAudit(tx, { recordType: 'visit', recordId: m.record_id, customerId: row.customer_id, action: 'handoverReverted', actor, at: now });
        } else if (m.record_type === 'contract') {
          const before = JSON.parse(m.before) as ContractBefore;
          const row = await tx('crm_contracts').where('id', m.record_id).first('version', 'customer_id', 'number', 'name');
          await tx('crm_contracts')
            .where('id', m.record_id)
            .update({ owner_ref: before.owner, owner_department: before.ownerDepartment, version: Number(row.version) + 1, updated_by: actor, updated_at: now });
          await writeAudit(tx, { recordType: 'contract', recordId: m.record_id, customerId: row.customer_id, action: 'handoverReverted', actor, at: now, summary: `${row.number} ${row.name}` });
        }
      }
      await tx('crm_handover_moves').where('handover_id', handoverId).delete();
    });
  }

  private async moveCustomer(tx: Knex.Transaction, plan: HandoverPlan, id: string, receiver: string, now: Date) {
    const row = await tx('crm_customers').where('id', id).whereNull('deleted_at').first('id', 'name', 'number', 'owner_department', 'version');
    const managers: string[] = (await tx('crm_customer_managers').where('customer_id', id).orderBy('user_ref')).map((m: { user_ref: string }) => m.user_ref);
    const belongs = row && (plan.kind === 'employee' ? managers.includes(plan.from) : row.owner_department === plan.from);
    if (!belongs) throw new CrmError(409, 'handoverConflict', { title: row ? `${row.number} ${row.name}` : id });
    const before: CustomerBefore = { managers, ownerDepartment: row.owner_department ?? null };
    let after: CustomerBefore;
    if (plan.kind === 'employee') {
      const next = [...new Set(managers.map(m => (m === plan.from ? receiver : m)))];
      after = { managers: next, ownerDepartment: plan.receiverDepartments[receiver] ?? before.ownerDepartment };
      await tx('crm_customer_managers').where('customer_id', id).delete();
      await tx('crm_customer_managers').insert(next.map(user_ref => ({ customer_id: id, user_ref })));
    } else {
      after = { managers, ownerDepartment: receiver };
    }
    await tx('crm_customers').where('id', id).update({ owner_department: after.ownerDepartment, version: Number(row.version) + 1, updated_by: plan.actor, updated_at: now });
    await tx('crm_handover_moves').insert({ handover_id: plan.handoverId, record_type: 'customer', record_id: id, before: JSON.stringify(before), at: now });
    const changes = [
      ...(after.managers.join() !== before.managers.join() ? [{ field: 'accountManagers', from: before.managers, to: after.managers }] : []),
      ...(after.ownerDepartment !== before.ownerDepartment ? [{ field: 'ownerDepartment', from: before.ownerDepartment, to: after.ownerDepartment }] : []),
    ];
    await writeAudit(tx, { recordType: 'customer', recordId: id, customerId: id, action: 'handedOver', actor: plan.actor, at: now, summary: row.name, changes });
    // the giver's contracts with this customer go where the customer goes
    const contracts: Array<{ id: string }> = await this.contractsMovingWith(plan.kind, plan.from, tx).where('k.customer_id', id).select('k.id');
    for (const k of contracts) await this.moveContract(tx, plan, k.id, receiver, now);
  }

  /** Live contracts of `from`: its 负责人 (employee) or its 归属部门 (department). */
  private contractsMovingWith(kind: HandoverKind, from: string, db: Knex | Knex.Transaction = this.knex) {
    const qb = db('crm_contracts as k').whereNull('k.deleted_at');
    return kind === 'employee' ? qb.where('k.owner_ref', from) : qb.where('k.owner_department', from);
  }

  private async moveContract(tx: Knex.Transaction, plan: HandoverPlan, id: string, receiver: string, now: Date) {
    const row = await tx('crm_contracts').where('id', id).whereNull('deleted_at').first('id', 'number', 'name', 'customer_id', 'owner_ref', 'owner_department', 'version');
    const belongs = row && (plan.kind === 'employee' ? row.owner_ref === plan.from : row.owner_department === plan.from);
    if (!belongs) throw new CrmError(409, 'handoverConflict', { title: row ? `${row.number} ${row.name}` : id });
    const before: ContractBefore = { owner: row.owner_ref, ownerDepartment: row.owner_department ?? null };
    const after: ContractBefore =
      plan.kind === 'employee'
        ? { owner: receiver, ownerDepartment: plan.receiverDepartments[receiver] ?? before.ownerDepartment }
        : { owner: before.owner, ownerDepartment: receiver };
    await tx('crm_contracts')
      .where('id', id)
      .update({ owner_ref: after.owner, owner_department: after.ownerDepartment, version: Number(row.version) + 1, updated_by: plan.actor, updated_at: now });
    await tx('crm_handover_moves').insert({ handover_id: plan.handoverId, record_type: 'contract', record_id: id, before: JSON.stringify(before), at: now });
    const changes = [
      ...(after.owner !== before.owner ? [{ field: 'owner', from: before.owner, to: after.owner }] : []),
      ...(after.ownerDepartment !== before.ownerDepartment ? [{ field: 'ownerDepartment', from: before.ownerDepartment, to: after.ownerDepartment }] : []),
    ];
    await writeAudit(tx, { recordType: 'contract', recordId: id, customerId: row.customer_id, action: 'handedOver', actor: plan.actor, at: now, summary: `${row.number} ${row.name}`, changes });
  }

  private async moveVisit(tx: Knex.Transaction, plan: HandoverPlan, id: string, receiver: string, now: Date) {
    const row = await tx('crm_visits').where('id', id).whereNull('deleted_at').first('id', 'visitor_ref', 'customer_id', 'version');
    if (!row || row.visitor_ref !== plan.from) throw new CrmError(409, 'handoverConflict', { title: id });
    await tx('crm_visits').where('id', id).update({ visitor_ref: receiver, version: Number(row.version) + 1, updated_by: plan.actor, updated_at: now });
    await tx('crm_handover_moves').insert({ handover_id: plan.handoverId, record_type: 'visit', record_id: id, before: JSON.stringify({ visitorRef: row.visitor_ref } satisfies VisitBefore), at: now });
    await writeAudit(tx, { recordType: 'visit', recordId: id, customerId: row.customer_id, action: 'handedOver', actor: plan.actor, at: now, changes: [{ field: 'visitorRef', from: row.visitor_ref, to: receiver }] });
  }
}
