import { Knex } from 'knex';
import {
  Money,
  TimelineEntry,
  TimelinePage,
  crmContractReadPermission,
  crmCustomerReadPermission,
  crmVisitReadPermission,
} from '@cocrm/plugin-crm-common';
import { CustomerStore } from '../database/CustomerStore';
import { VisitStore } from '../database/VisitStore';
import { CONTRACT_SCOPE } from '../database/ContractStore';
import { applyAccessFilter } from '../permissions/query';
import { whereOlderThan } from '../database/rows';
import { toIso } from '@cocrm/plugin-access-node';
import { CrmError } from '../errors';
import { Access } from './Access';
import { RequestContext } from './RequestContext';
import type { CrmTimelineSource, TimelineCursor } from '@cocrm/plugin-crm-node';
import { FieldRules } from './FieldRules';

export type { CrmTimelineSource, TimelineCursor } from '@cocrm/plugin-crm-node';

export function encodeCursor(entry: TimelineEntry): string {
  return `${entry.at}|${entry.id}`;
}

export function decodeCursor(value: string | undefined): TimelineCursor | undefined {
  if (!value) return undefined;
  const [at, id] = value.split('|');
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw CrmError.field('before', 'invalidDateTime');
  return { at: date, id: id ?? '\uffff' };
}

const AUDITED_KINDS: Record<string, 'customer' | 'contact' | 'visit' | undefined> = { customer: 'customer', contact: 'contact', visit: 'visit' };

/** The record history (crm_audit) of a customer and of everything under it, without fields hidden from the caller. */
export function auditSource(knex: Knex, fieldRules: FieldRules): CrmTimelineSource {
  return {
    id: 'crm',
    async list({ customerId, before, limit, ctx }) {
      const fields = await fieldRules.forCaller(ctx);
      // a visit is on the timeline itself (at its visit time); its creation would be a duplicate.
      // Contracts have a scope of their own: their history comes from contractSource.
      const qb = knex('crm_audit')
        .where('customer_id', customerId)
        .whereNot('record_type', 'contract')
        .whereNot(b => b.where('record_type', 'visit').where('action', 'created'));
      if (before) {
        whereOlderThan(knex, qb, { at: 'at', id: 'id' }, before);
      }
      const rows = await qb.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
      return rows.map(
        (r: { id: string; record_type: string; record_id: string; action: string; actor: string; at: unknown; summary: string | null; changes: string | null }): TimelineEntry => ({
          id: r.id,
          source: 'crm',
          kind: `${r.record_type}.${r.action}`,
          at: toIso(r.at),
          actor: r.actor,
          title: r.summary ?? '',
          ...(r.changes
            ? {
                changes: AUDITED_KINDS[r.record_type]
                  ? fields.redactChanges(AUDITED_KINDS[r.record_type]!, JSON.parse(r.changes))
                  : JSON.parse(r.changes),
              }
            : {}),
          link: { type: r.record_type, id: r.record_id },
        }),
      );
    },
  };
}

/** Visits as timeline entries, when the caller may read visits of this customer. */
export function visitSource(visits: VisitStore, access: Access, fieldRules: FieldRules): CrmTimelineSource {
  return {
    id: 'crm-visits',
    async list({ customerId, before, limit, ctx }) {
      // no visit read permission at all: the feed is simply empty for this caller
      const filter = await access.filter(crmVisitReadPermission, ctx.credentials).catch(e => {
        if (e instanceof CrmError && e.status === 403) return null;
        throw e;
      });
      if (filter === null) return [];
      const fields = await fieldRules.forCaller(ctx);
      const list = fields.redactAll('visit', await visits.timeline(customerId, before, limit, filter));
      return list.map(v => ({
        id: v.id,
        source: 'crm-visits',
        kind: 'visit',
        at: v.visitedAt,
        actor: v.visitorRef,
        title: (v.contactNames ?? []).join('、'),
        ...(v.content !== undefined ? { summary: v.content } : {}),
        link: { type: 'visit', id: v.id },
      }));
    },
  };
}

type AuditRow = { id: string; record_id: string; action: string; actor: string; at: unknown; summary: string | null; changes: string | null; detail: string | null };

/**
 * The history of the customer's contracts (created, 提交审批, the approval's
 * outcome with the amount …), for callers who may read those contracts:
 * the entries follow the contract's own scope (负责人, 归属部门), not the
 * customer's, and its field rules (a hidden amount stays hidden).
 */
export function contractSource(knex: Knex, access: Access, fieldRules: FieldRules): CrmTimelineSource {
  return {
    id: 'crm-contracts',
    async list({ customerId, before, limit, ctx }) {
      const filter = await access.filter(crmContractReadPermission, ctx.credentials).catch(e => {
        if (e instanceof CrmError && e.status === 403) return null;
        throw e;
      });
      if (filter === null) return [];
      const fields = await fieldRules.forCaller(ctx);
      const qb = knex('crm_audit as a')
        .join('crm_contracts as k', 'k.id', 'a.record_id')
        .where('a.customer_id', customerId)
        .where('a.record_type', 'contract')
        .select('a.id', 'a.record_id', 'a.action', 'a.actor', 'a.at', 'a.summary', 'a.changes', 'a.detail');
      applyAccessFilter(qb, filter, CONTRACT_SCOPE, knex);
      // who may not see a contract's files does not learn when they changed either
      if (fields.isHidden('contract', 'attachments')) qb.whereNotIn('a.action', ['attachmentAdded', 'attachmentRemoved']);
      if (before) {
        whereOlderThan(knex, qb, { at: 'a.at', id: 'a.id' }, before);
      }
      const rows: AuditRow[] = await qb.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(limit);
      const amountHidden = fields.isHidden('contract', 'amount');
      return rows.map((r): TimelineEntry => {
        const detail = r.detail ? (JSON.parse(r.detail) as { amount?: Money }) : {};
        const changes = r.changes ? fields.redactChanges('contract', JSON.parse(r.changes)) : [];
        return {
          id: r.id,
          source: 'crm',
          kind: `contract.${r.action}`,
          at: toIso(r.at),
          // decisions arrive from the approval flow, not from a person acting in the CRM
          actor: r.actor.startsWith('service:') ? null : r.actor,
          title: r.summary ?? '',
          ...(changes.length ? { changes } : {}),
          ...(detail.amount && !amountHidden ? { amount: detail.amount } : {}),
          link: { type: 'contract', id: r.record_id },
        };
      });
    },
  };
}

/** Merges every source into one page, newest first. */
export class TimelineService {
  constructor(
    private readonly customers: CustomerStore,
    private readonly access: Access,
    private readonly sources: CrmTimelineSource[],
  ) {}

  async list(customerId: string, beforeParam: string | undefined, limit: number, ctx: RequestContext): Promise<TimelinePage> {
    const filter = await this.access.filter(crmCustomerReadPermission, ctx.credentials);
    if (!(await this.customers.get(customerId, filter))) throw new CrmError(404, 'customerNotFound');
    const before = decodeCursor(beforeParam);
    const lists = await Promise.all(this.sources.map(s => s.list({ customerId, before, limit: limit + 1, ctx })));
    const merged = lists
      .flat()
      .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
    const items = merged.slice(0, limit);
    return {
      items,
      nextBefore: merged.length > limit ? encodeCursor(items[items.length - 1]) : null,
    };
  }
}
