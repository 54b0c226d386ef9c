import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AccessLocale, Page } from '@cocrm/plugin-access-common';
import { mailMessage } from '@cocrm/plugin-mail-common';
import type { MailMessageKey, OutboxItem, OutboxStatus } from '@cocrm/plugin-mail-common';
import type { RawStore } from '../database/RawStore';
import { MailError } from '../errors';
import type { AccountTransport, SendReceipt } from './AccountTransport';
import { SendRefusedError } from './AccountTransport';
import type { OutboxRecord, OutboxStore } from './OutboxStore';
import type { SendingAccounts } from './SendingAccounts';
import type { SentMail } from './SentMail';

export interface OutboxOptions {
  /**
   * How long a row may stay 'sending' before a sweep concludes its sender
   * died (it is then 'uncertain', never re-sent by itself). Longer than any
   * send can take: the SMTP timeouts bound a stuck connection well below it.
   */
  sendingLeaseMs?: number;
  /** how long one worker holds a sent row's after-send work (parse, hooks, Sent copy) */
  afterSendLeaseMs?: number;
  /** Sent-folder append attempts before the copy is given up as 'failed' (the sync still finds no copy then) */
  maxCopyAttempts?: number;
}

export interface SweepResult {
  markedUncertain: number;
  delivered: number;
  finished: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message || e.name : String(e));

/**
 * The outbox: exactly-once sending. A draft becomes a queued row with its
 * MIME and Message-ID fixed (DraftService.send). Delivering claims the row
 * (queued → sending, committed) before the transport sees a byte, so two
 * workers can never both send it; the outcome is recorded by the claimer
 * only. A crash after the claim leaves 'sending', which a sweep turns into
 * 'uncertain' — the server may have the mail — and nothing but the user's
 * confirmed resend sends it again. Definite refusals are 'failed' and may be
 * retried. After 'sent' the mail is stored, routed and copied to Sent, each
 * step recorded so a sweep can finish what a crash interrupted.
 */
export class OutboxService {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly sendingLeaseMs: number;
  private readonly afterSendLeaseMs: number;
  private readonly maxCopyAttempts: number;

  constructor(
    private readonly deps: {
      knex: Knex;
      store: OutboxStore;
      raw: RawStore;
      accounts: SendingAccounts;
      sentMail: SentMail;
      smtp: AccountTransport;
      /** Microsoft 365 sender (src/graph); without it Graph accounts fail with a clear message */
      graph?: AccountTransport;
      logger: LoggerService;
    },
    options: OutboxOptions = {},
  ) {
    this.sendingLeaseMs = options.sendingLeaseMs ?? 15 * 60_000;
    this.afterSendLeaseMs = options.afterSendLeaseMs ?? 5 * 60_000;
    this.maxCopyAttempts = options.maxCopyAttempts ?? 5;
  }

  /** Registered by createMail once the Graph sender exists. */
  setGraphTransport(graph: AccountTransport): void {
    this.deps.graph = graph;
  }

  /** Starts delivering in the background (right after the draft's commit); the sweep picks it up if this process dies. */
  kick(id: string): void {
    if (this.inFlight.has(id)) return;
    const run = this.deliver(id)
      .catch(e => this.deps.logger.error(`Outbox ${id}: delivery crashed: ${errorText(e)}`))
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, run);
  }

  /** Waits for background deliveries (tests; shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()]);
  }

  /**
   * One attempt for a queued row: claim, send, record. Returns without doing
   * anything when the row is not queued (someone else has it, or it is done).
   */
  async deliver(id: string): Promise<void> {
    const { store, raw, logger } = this.deps;
    const claimId = randomUUID();
    if (!(await store.claim(id, claimId))) return;
    const row = (await store.get(id))!;
    let mime: Buffer;
    let receipt: SendReceipt | void;
    try {
      mime = await raw.get(row.rawRef);
      receipt = await this.transportFor(row).then(t => t.send(row.accountId, mime, row.envelope));
    } catch (e) {
      const refused = e instanceof SendRefusedError;
      const outcome = refused
        ? { status: 'failed' as const, errorKey: e.key, errorDetail: e.detail }
        : { status: 'uncertain' as const, errorKey: 'sendUncertain' as MailMessageKey, errorDetail: errorText(e) };
      logger.warn(`Outbox ${id}: ${outcome.status}: ${outcome.errorDetail}`);
      await store.finish(id, claimId, outcome);
      return;
    }
    const sentAt = new Date();
    const account = await this.deps.accounts.get(row.accountId);
    const recorded = await this.deps.knex.transaction(async trx => {
      const messageId = await this.deps.sentMail.store(trx, mime, row.rawRef, sentAt);
      return store.markSent(trx, id, claimId, {
        messageId,
        sentAt,
        rejected: (receipt && receipt.rejected) || [],
        response: (receipt && receipt.response) || null,
        // Microsoft 365 saves sent mail itself; its sync brings the copy
        copyStatus: account?.provider === 'graph' ? 'skipped' : 'pending',
      });
    });
    if (!recorded) {
      // only a lost claim gets here; the mail went out, so say so loudly rather than guess
      logger.error(`Outbox ${id}: sent, but the claim was lost before recording it`);
      return;
    }
    await this.afterSend(id);
  }

  private async transportFor(row: OutboxRecord): Promise<AccountTransport> {
    const account = await this.deps.accounts.get(row.accountId);
    if (!account) throw new SendRefusedError('account removed', 'accountGone');
    if (account.provider === 'graph') {
      if (!this.deps.graph) throw new SendRefusedError('Microsoft 365 sending is not available', 'graphSendUnavailable');
      return this.deps.graph;
    }
    return this.deps.smtp;
  }

  /** Parse + hooks, then the Sent copy; each step recorded, the whole leased so one worker does it at a time. */
  async afterSend(id: string): Promise<void> {
    const { store, raw, sentMail, logger } = this.deps;
    const now = new Date();
    if (!(await store.leaseAfterSend(id, now, new Date(now.getTime() + this.afterSendLeaseMs)))) return;
    try {
      const row = (await store.get(id))!;
      if (!row.messageId) return;
      if (!row.hooksDone) {
        await sentMail.parseAndRoute(row.messageId);
        await store.markHooksDone(id);
      }
      if (row.copyStatus === 'pending') {
        try {
          const status = await sentMail.appendToSent(row.accountId, await raw.get(row.rawRef), row.messageIdHeader, row.messageId, new Date(row.sentAt ?? now));
          await store.recordCopy(id, status, null, true);
        } catch (e) {
          const gaveUp = row.copyAttempts + 1 >= this.maxCopyAttempts;
          logger.warn(`Outbox ${id}: saving to the Sent folder failed${gaveUp ? ' (giving up)' : ''}: ${errorText(e)}`);
          await store.recordCopy(id, gaveUp ? 'failed' : 'pending', errorText(e), true);
        }
      }
    } finally {
      await store.releaseAfterSend(id);
    }
  }

  /**
   * The scheduler's recovery run: rows left 'sending' by a dead process →
   * 'uncertain' (not re-sent); queued rows (their process died before
   * delivering) → delivered; sent rows with unfinished after-send work → finished.
   */
  async sweep(): Promise<SweepResult> {
    const { store } = this.deps;
    const now = Date.now();
    const markedUncertain = await store.markStaleUncertain(new Date(now - this.sendingLeaseMs), [...this.inFlight.keys()]);
    let delivered = 0;
    for (const id of await store.queuedIds(100)) {
      if (this.inFlight.has(id)) continue;
      await this.deliver(id);
      delivered++;
    }
    let finished = 0;
    for (const id of await store.unfinishedSentIds(new Date(), 100)) {
      await this.afterSend(id);
      finished++;
    }
    return { markedUncertain, delivered, finished };
  }

  async list(owner: string, request: { page: number; pageSize: number; status?: OutboxStatus }, locale: AccessLocale): Promise<Page<OutboxItem>> {
    const page = await this.deps.store.list(owner, request);
    return { ...page, items: page.items.map(r => this.toItem(r, locale)) };
  }

  async get(owner: string, id: string, locale: AccessLocale): Promise<OutboxItem> {
    const row = await this.deps.store.get(id, owner);
    if (!row) throw new MailError(404, 'outboxNotFound');
    return this.toItem(row, locale);
  }

  /** failed → queued → delivered again (same bytes, same Message-ID). */
  async retry(owner: string, id: string, locale: AccessLocale): Promise<OutboxItem> {
    return this.requeue(owner, id, 'failed', 'outboxNotFailed', locale);
  }

  /** uncertain → queued, only with the user's confirmation (the route checks `confirm: true`). */
  async resend(owner: string, id: string, locale: AccessLocale): Promise<OutboxItem> {
    return this.requeue(owner, id, 'uncertain', 'outboxNotUncertain', locale);
  }

  private async requeue(owner: string, id: string, from: 'failed' | 'uncertain', wrongState: MailMessageKey, locale: AccessLocale): Promise<OutboxItem> {
    const row = await this.deps.store.get(id, owner);
    if (!row) throw new MailError(404, 'outboxNotFound');
    if (!(await this.deps.store.requeue(id, owner, from))) throw new MailError(409, wrongState);
    const queued = await this.get(owner, id, locale);
    this.kick(id);
    return queued;
  }

  toItem(r: OutboxRecord, locale: AccessLocale): OutboxItem {
    return {
      id: r.id,
      accountId: r.accountId,
      draftId: r.draftId,
      status: r.status,
      messageIdHeader: r.messageIdHeader,
      subject: r.subject,
      from: r.from,
      to: r.to,
      cc: r.cc,
      bcc: r.bcc,
      customerId: r.customerId,
      attachments: r.attachments,
      size: r.size,
      attempts: r.attempts,
      error: r.errorKey ? { key: r.errorKey, message: mailMessage(locale, r.errorKey, { reason: r.errorDetail ?? '' }), detail: r.errorDetail } : null,
      rejected: r.rejected,
      messageId: r.messageId,
      sentCopy: r.copyStatus,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      sentAt: r.sentAt,
    };
  }
}
