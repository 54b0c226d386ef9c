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

const LEASE_MS = 10 * 60_000;

/**
 * Runs one account's sync at a time — whether the scheduler or 立即同步 asks,
 * on whichever replica — by a lease taken with a conditional UPDATE on the
 * account row. A crashed holder's lease simply expires.
 */
export class SyncRunner {
  readonly providers: Partial<Record<MailProvider, ProviderSync>> = {};
  readonly before: SyncTask[] = [];
  readonly after: SyncTask[] = [];
  private readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
  ) {}

  private async lease(accountId: string): Promise<boolean> {
    const now = new Date();
    const n = await this.knex('mail_accounts')
      .where({ id: accountId })
      .whereNull('deleted_at')
      .andWhere(b => b.whereNull('sync_lease_until').orWhere('sync_lease_until', '<', now))
      .update({ sync_lease_owner: this.holder, sync_lease_until: new Date(now.getTime() + LEASE_MS) });
    return n === 1;
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
    try {
      await this.tasks(this.before, accountId);
      const result = await sync(accountId);
      await this.tasks(this.after, accountId);
      return result;
    } finally {
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
