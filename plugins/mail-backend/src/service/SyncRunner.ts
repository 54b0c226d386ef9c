import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MailProvider, MailSyncResult } from '@cocrm/plugin-mail-common';
import { MailError } from '../errors';

/** A provider's sync of one account (IMAP here; Microsoft 365 registers its own). */
export type ProviderSync = (accountId: string) => Promise<MailSyncResult>;

/** Work around a sync: before (push local flag changes), after (route what is pending, send the outbox). */
export interface SyncTask {
  name: string;
  run(accountId: string): Promise<void>;
}

export interface LeaseTiming {
  /** how long a lease lasts without renewal: how long a crashed holder blocks its mailbox */
  leaseMs: number;
  /** how often a running sync renews it: well inside leaseMs, so a long first import keeps it */
  renewEveryMs: number;
}

const DEFAULT_TIMING: LeaseTiming = { leaseMs: 2 * 60_000, renewEveryMs: 30_000 };

/**
 * Runs one account's sync at a time — whether the scheduler or 立即同步 asks,
 * on whichever replica — by a lease taken with a conditional UPDATE on the
 * account row. The lease is short and renewed while the sync runs, so a long
 * import keeps it and a crashed holder's lease expires within minutes.
 */
export class SyncRunner {
  readonly providers: Partial<Record<MailProvider, ProviderSync>> = {};
  readonly before: SyncTask[] = [];
  readonly after: SyncTask[] = [];
  private readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly timing: LeaseTiming = DEFAULT_TIMING,
  ) {}

  private async lease(accountId: string): Promise<boolean> {
    const now = new Date();
    const n = await this.knex('mail_accounts')
      .where({ id: accountId })
      .whereNull('deleted_at')
      .andWhere(b => b.whereNull('sync_lease_until').orWhere('sync_lease_until', '<', now))
      .update({ sync_lease_owner: this.holder, sync_lease_until: new Date(now.getTime() + this.timing.leaseMs) });
    return n === 1;
  }

  /** Extends our lease; false when it was lost (it expired and another run took it). */
  private async renew(accountId: string): Promise<boolean> {
    const n = await this.knex('mail_accounts')
      .where({ id: accountId, sync_lease_owner: this.holder })
      .update({ sync_lease_until: new Date(Date.now() + this.timing.leaseMs) });
    return n === 1;
  }

  private keepLease(accountId: string): () => void {
    const timer = setInterval(() => {
      this.renew(accountId)
        .then(kept => {
          // unique keys keep the mail exactly once even then; only the work is done twice
          if (!kept) this.logger.warn(`mail sync lease of account ${accountId} was lost (another run took it over)`);
        })
        .catch(e => this.logger.warn(`renewing the mail sync lease of account ${accountId} failed: ${(e as Error).message}`));
    }, this.timing.renewEveryMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  private async release(accountId: string): Promise<void> {
    await this.knex('mail_accounts').where({ id: accountId, sync_lease_owner: this.holder }).update({ sync_lease_owner: null, sync_lease_until: null });
  }

  /**
   * Syncs an account now. `undefined` when another run holds it (that run
   * brings the same mail); tasks that fail are logged and retried next run —
   * they never stop the sync itself.
   */
  async run(accountId: string): Promise<MailSyncResult | undefined> {
    const row: { provider: string } | undefined = await this.knex('mail_accounts').where({ id: accountId }).whereNull('deleted_at').first('provider');
    if (!row) throw new MailError(404, 'accountNotFound');
    const sync = this.providers[row.provider === 'graph' ? 'graph' : 'imap'];
    if (!sync) throw new MailError(400, 'graphNotConfigured');
    if (!(await this.lease(accountId))) return undefined;
    const stopRenewing = this.keepLease(accountId);
    try {
      await this.tasks(this.before, accountId);
      const result = await sync(accountId);
      await this.tasks(this.after, accountId);
      return result;
    } finally {
      stopRenewing();
      await this.release(accountId);
    }
  }

  private async tasks(tasks: SyncTask[], accountId: string) {
    for (const t of tasks) {
      try {
        await t.run(accountId);
      } catch (e) {
        this.logger.warn(`mail ${t.name} for account ${accountId} failed: ${(e as Error).message}`);
      }
    }
  }
}
