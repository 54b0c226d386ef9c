import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { Page } from '@cocrm/plugin-access-common';
import { fetchPage, toIso, toIsoOrNull } from '@cocrm/plugin-access-node';
import type { MailAddress, MailMessageKey, OutboxStatus, SentCopyStatus } from '@cocrm/plugin-mail-common';
import type { SendEnvelope } from './AccountTransport';

export interface OutboxRecord {
  id: string;
  accountId: string;
  draftId: string | null;
  createdBy: string;
  status: OutboxStatus;
  messageIdHeader: string;
  rawRef: string;
  size: number;
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  envelope: SendEnvelope;
  customerId: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  attempts: number;
  claimId: string | null;
  errorKey: MailMessageKey | null;
  errorDetail: string | null;
  rejected: string[];
  messageId: string | null;
  sentAt: string | null;
  hooksDone: boolean;
  copyStatus: SentCopyStatus;
  copyAttempts: number;
  createdAt: string;
  updatedAt: string;
}

export type NewOutboxRecord = Pick<
  OutboxRecord,
  'accountId' | 'draftId' | 'createdBy' | 'messageIdHeader' | 'rawRef' | 'size' | 'subject' | 'from' | 'to' | 'cc' | 'bcc' | 'envelope' | 'customerId' | 'attachments'
>;

const parse = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : fallback);

function toRecord(r: Record<string, unknown>): OutboxRecord {
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    draftId: (r.draft_id as string | null) ?? null,
    createdBy: String(r.created_by),
    status: r.status as OutboxStatus,
    messageIdHeader: String(r.message_id_header),
    rawRef: String(r.raw_ref),
    size: Number(r.size),
    subject: String(r.subject),
    from: parse(r.from_json, { name: '', address: '' }),
    to: parse(r.to_json, []),
    cc: parse(r.cc_json, []),
    bcc: parse(r.bcc_json, []),
    envelope: parse(r.envelope_json, { from: '', to: [] }),
    customerId: (r.customer_id as string | null) ?? null,
    attachments: parse(r.attachments_json, []),
    attempts: Number(r.attempts),
    claimId: (r.claim_id as string | null) ?? null,
    errorKey: (r.error_key as MailMessageKey | null) ?? null,
    errorDetail: (r.error_detail as string | null) ?? null,
    rejected: parse(r.rejected_json, []),
    messageId: (r.message_id as string | null) ?? null,
    sentAt: toIsoOrNull(r.sent_at),
    hooksDone: r.hooks_done_at !== null && r.hooks_done_at !== undefined,
    copyStatus: r.copy_status as SentCopyStatus,
    copyAttempts: Number(r.copy_attempts),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

/**
 * The outbox rows and their state changes. Each transition is one
 * conditional UPDATE on the expected state (and, for outcomes, on the claim),
 * so concurrent senders, sweeps and replicas can never both act on a row.
 */
export class OutboxStore {
  constructor(private readonly knex: Knex) {}

  async insert(trx: Knex.Transaction, input: NewOutboxRecord, id: string = randomUUID()): Promise<string> {
    const now = new Date();
    await trx('mail_outbox').insert({
      id,
      account_id: input.accountId,
      draft_id: input.draftId,
      created_by: input.createdBy,
      status: 'queued',
      message_id_header: input.messageIdHeader,
      raw_ref: input.rawRef,
      size: input.size,
      subject: input.subject,
      from_json: JSON.stringify(input.from),
      to_json: JSON.stringify(input.to),
      cc_json: JSON.stringify(input.cc),
      bcc_json: JSON.stringify(input.bcc),
      envelope_json: JSON.stringify(input.envelope),
      customer_id: input.customerId,
      attachments_json: JSON.stringify(input.attachments),
      attempts: 0,
      rejected_json: '[]',
      copy_status: 'pending',
      copy_attempts: 0,
      created_at: now,
      updated_at: now,
    });
    return id;
  }

  async get(id: string, owner?: string): Promise<OutboxRecord | undefined> {
    const row = await this.knex('mail_outbox')
      .where({ id })
      .modify(q => (owner ? q.where({ created_by: owner }) : q))
      .first();
    return row ? toRecord(row) : undefined;
  }

  async list(owner: string, request: { page: number; pageSize: number; status?: OutboxStatus }): Promise<Page<OutboxRecord>> {
    const base = () =>
      this.knex('mail_outbox')
        .where({ created_by: owner })
        .modify(q => (request.status ? q.where({ status: request.status }) : q));
    return fetchPage<Record<string, unknown>, OutboxRecord>({
      count: base().count('* as n'),
      rows: base().select('*'),
      sortColumn: 'created_at',
      idColumn: 'id',
      request: { page: request.page, pageSize: request.pageSize, order: 'desc' },
      hydrate: rows => rows.map(toRecord),
    });
  }

  /** queued → sending under a fresh claim; committed before anything is handed to a transport. */
  async claim(id: string, claimId: string): Promise<boolean> {
    const now = new Date();
    const n = await this.knex('mail_outbox')
      .where({ id, status: 'queued' })
      .update({ status: 'sending', claim_id: claimId, claimed_at: now, attempts: this.knex.raw('attempts + 1'), updated_at: now });
    return n === 1;
  }

  /**
   * The outcome of an attempt, recorded only by its claimer. 'uncertain' is
   * accepted as the prior state too: a sweep may have given up on a slow send
   * that then completed, and the real outcome beats the guess.
   */
  async finish(
    id: string,
    claimId: string,
    outcome: { status: 'failed' | 'uncertain'; errorKey: MailMessageKey; errorDetail: string | null },
  ): Promise<boolean> {
    const n = await this.knex('mail_outbox')
      .where({ id, claim_id: claimId })
      .whereIn('status', ['sending', 'uncertain'])
      .update({ status: outcome.status, error_key: outcome.errorKey, error_detail: outcome.errorDetail?.slice(0, 4000) ?? null, updated_at: new Date() });
    return n === 1;
  }

  /** sending → sent, in the transaction that also stores the logical message. */
  async markSent(
    trx: Knex.Transaction,
    id: string,
    claimId: string,
    result: { messageId: string; sentAt: Date; rejected: string[]; response: string | null; copyStatus: SentCopyStatus },
  ): Promise<boolean> {
    const n = await trx('mail_outbox')
      .where({ id, claim_id: claimId })
      .whereIn('status', ['sending', 'uncertain'])
      .update({
        status: 'sent',
        message_id: result.messageId,
        sent_at: result.sentAt,
        rejected_json: JSON.stringify(result.rejected),
        server_response: result.response?.slice(0, 1000) ?? null,
        error_key: null,
        error_detail: null,
        copy_status: result.copyStatus,
        updated_at: result.sentAt,
      });
    return n === 1;
  }

  /** Rows stuck in 'sending' longer than a send can take: their process died mid-send. */
  async markStaleUncertain(claimedBefore: Date, exceptIds: string[]): Promise<number> {
    return this.knex('mail_outbox')
      .where({ status: 'sending' })
      .where('claimed_at', '<', claimedBefore)
      .modify(q => (exceptIds.length ? q.whereNotIn('id', exceptIds) : q))
      .update({ status: 'uncertain', error_key: 'sendUncertain', error_detail: 'interrupted while sending', updated_at: new Date() });
  }

  /** failed → queued (retry) or uncertain → queued (confirmed resend). */
  async requeue(id: string, owner: string, from: 'failed' | 'uncertain'): Promise<boolean> {
    const n = await this.knex('mail_outbox').where({ id, created_by: owner, status: from }).update({ status: 'queued', claim_id: null, updated_at: new Date() });
    return n === 1;
  }

  async queuedIds(limit: number): Promise<string[]> {
    const rows = await this.knex('mail_outbox').where({ status: 'queued' }).orderBy('created_at').limit(limit).select('id');
    return rows.map(r => String(r.id));
  }

  /** Sent rows whose after-send work (parse + hooks, Sent copy) is unfinished and not leased by another worker. */
  async unfinishedSentIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.knex('mail_outbox')
      .where({ status: 'sent' })
      .where(q => q.whereNull('hooks_done_at').orWhere({ copy_status: 'pending' }))
      .where(q => q.whereNull('post_lease_until').orWhere('post_lease_until', '<', now))
      .orderBy('sent_at')
      .limit(limit)
      .select('id');
    return rows.map(r => String(r.id));
  }

  async leaseAfterSend(id: string, now: Date, until: Date): Promise<boolean> {
    const n = await this.knex('mail_outbox')
      .where({ id, status: 'sent' })
      .where(q => q.whereNull('post_lease_until').orWhere('post_lease_until', '<', now))
      .update({ post_lease_until: until });
    return n === 1;
  }

  async releaseAfterSend(id: string): Promise<void> {
    await this.knex('mail_outbox').where({ id }).update({ post_lease_until: null });
  }

  async markHooksDone(id: string): Promise<void> {
    await this.knex('mail_outbox').where({ id }).update({ hooks_done_at: new Date() });
  }

  async recordCopy(id: string, status: SentCopyStatus, error: string | null, attempted: boolean): Promise<void> {
    await this.knex('mail_outbox')
      .where({ id })
      .update({
        copy_status: status,
        copy_error: error?.slice(0, 4000) ?? null,
        ...(attempted ? { copy_attempts: this.knex.raw('copy_attempts + 1') } : {}),
      });
  }
}
