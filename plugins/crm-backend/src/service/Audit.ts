import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const META_FIELDS = new Set(['id', 'version', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'deletedAt', 'deletedBy', 'parentName', 'groupName', 'customerName', 'contactNames', 'age', 'attachments', 'workflowInstanceId', 'workflowVersion']);

export type AuditAction =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'restored'
  | 'handedOver'
  | 'handoverReverted'
  // a contract's approval (提交审批, 重新提交 and the outcomes)
  | 'submitted'
  | 'resubmitted'
  | 'returned'
  | 'approved'
  | 'rejected'
  | 'withdrawn'
  | 'attachmentAdded'
  | 'attachmentRemoved';

/** Facts of an entry that are no field change: the amount of a contract when it was submitted or decided. */
export interface AuditDetail {
  amount?: { amount: number; currency: string };
}

/** Field-level differences between two API representations of a record. */
export function diff(before: object, after: object, rename: Record<string, string> = {}) {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (META_FIELDS.has(field)) continue;
    if (JSON.stringify(b[field] ?? null) !== JSON.stringify(a[field] ?? null)) {
      changes.push({ field: rename[field] ?? field, from: b[field] ?? null, to: a[field] ?? null });
    }
  }
  return changes;
}

/**
 * The record history behind the customer timeline: one row per mutation,
 * written in the mutation's transaction so history and data never disagree.
 */
export async function writeAudit(
  tx: Knex.Transaction,
  entry: {
    recordType: 'customer' | 'contact' | 'relation' | 'visit' | 'contract';
    recordId: string;
    customerId: string | null;
    action: AuditAction;
    actor: string;
    at: Date;
    summary?: string;
    changes?: Array<{ field: string; from: unknown; to: unknown }>;
    detail?: AuditDetail;
  },
) {
  await tx('crm_audit').insert({
    id: randomUUID(),
    record_type: entry.recordType,
    record_id: entry.recordId,
    customer_id: entry.customerId,
    action: entry.action,
    actor: entry.actor,
    at: entry.at,
    summary: entry.summary ?? null,
    changes: entry.changes ? JSON.stringify(entry.changes) : null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  });
}
