import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { toIsoOrNull } from '@cocrm/plugin-access-node';
import type { Db } from '../database/FlowStore';
import { parseJson } from '../database/rows';
import type { OutboxKind, OutboxMessage } from './effects';

export interface OutboxRow {
  id: string;
  instance_id: string;
  kind: OutboxKind;
  payload: string;
  created_at: unknown;
  position: number;
  attempts: number;
  next_attempt_at: unknown;
  claimed_until: unknown;
  delivered_at: unknown;
  failed_at: unknown;
  last_error: string | null;
}

/** An outbox row as the dispatcher and the tests read it. */
export interface OutboxEntry {
  id: string;
  instanceId: string;
  message: OutboxMessage;
  attempts: number;
  deliveredAt: string | null;
  failedAt: string | null;
  lastError: string | null;
}

export const entryFromRow = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  instanceId: r.instance_id,
  message: { kind: r.kind, payload: parseJson(r.payload, {}) } as OutboxMessage,
  attempts: Number(r.attempts),
  deliveredAt: toIsoOrNull(r.delivered_at),
  failedAt: toIsoOrNull(r.failed_at),
  lastError: r.last_error,
});

/**
 * The outbox table. Rows are written inside a transition's transaction and
 * delivered after it; a delivery first claims its row with a conditional
 * UPDATE, so of two replicas (or the after-commit dispatch and the sweep) only
 * one delivers, and a claim that outlives a crashed replica expires.
 */
export class OutboxStore {
  constructor(readonly db: Knex) {}

  async insert(trx: Db, instanceId: string, messages: OutboxMessage[], now: Date): Promise<string[]> {
    if (!messages.length) return [];
    const rows = messages.map((m, position) => ({
      id: randomUUID(),
      instance_id: instanceId,
      kind: m.kind,
      payload: JSON.stringify(m.payload),
      created_at: now,
      position,
      attempts: 0,
      next_attempt_at: now,
    }));
    await trx('workflow_outbox').insert(rows);
    return rows.map(r => r.id);
  }

  /** Takes the row for one delivery attempt, or answers undefined when it is not due or someone else holds it. */
  async claim(id: string, now: Date, until: Date): Promise<OutboxEntry | undefined> {
    const claimed = await this.db('workflow_outbox')
      .where({ id })
      .whereNull('delivered_at')
      .whereNull('failed_at')
      .where('next_attempt_at', '<=', now)
      .where(q => q.whereNull('claimed_until').orWhere('claimed_until', '<', now))
      .update({ claimed_until: until, attempts: this.db.raw('attempts + 1') });
    if (!claimed) return undefined;
    const row = await this.db<OutboxRow>('workflow_outbox').where({ id }).first();
    return row && entryFromRow(row);
  }

  async delivered(id: string, now: Date) {
    await this.db('workflow_outbox').where({ id }).update({ delivered_at: now, claimed_until: null, last_error: null });
  }

  /** A failed attempt: try again at `retryAt`, or give up when it is null. */
  async attemptFailed(id: string, error: string, now: Date, retryAt: Date | null) {
    await this.db('workflow_outbox')
      .where({ id })
      .update({ claimed_until: null, last_error: error.slice(0, 2000), ...(retryAt ? { next_attempt_at: retryAt } : { failed_at: now }) });
  }

  /** Rows due for delivery (not delivered, not given up, not held), oldest first. */
  async due(now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db('workflow_outbox')
      .whereNull('delivered_at')
      .whereNull('failed_at')
      .where('next_attempt_at', '<=', now)
      .where(q => q.whereNull('claimed_until').orWhere('claimed_until', '<', now))
      .orderBy('created_at')
      .orderBy('position')
      .limit(limit)
      .select('id');
    return rows.map(r => r.id);
  }

  /** Delivered rows are only history; they go after a while so the table stays small. */
  async purgeDelivered(before: Date): Promise<number> {
    return this.db('workflow_outbox').whereNotNull('delivered_at').where('delivered_at', '<', before).delete();
  }

  async ofInstance(instanceId: string): Promise<OutboxEntry[]> {
    const rows = await this.db<OutboxRow>('workflow_outbox').where({ instance_id: instanceId }).orderBy('created_at').orderBy('position');
    return rows.map(entryFromRow);
  }
}
