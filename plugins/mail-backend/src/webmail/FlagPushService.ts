import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { toBool } from '@cocrm/plugin-access-node';
import type { AccountStore } from '../database/AccountStore';
import type { ImapClientFactory } from '../service/imapClient';
import type { PasswordCipher } from '../service/PasswordCipher';

interface PendingOp {
  id: string;
  revision: string;
  flag: string;
  value: boolean;
  uid: number;
  uidValidity: string;
  path: string;
  gone: boolean;
}

export interface FlagPushResult {
  pushed: number;
  /** the folder's UIDVALIDITY differs from the copy's (a resync will re-key it): kept for later */
  waiting: number;
  /** the copy is gone on the server: nothing left to change */
  dropped: number;
}

/**
 * Stores pending local flag changes on the IMAP server (UID STORE on the
 * copy's folder and UID, only while the folder's UIDVALIDITY is the copy's).
 * Runs before each sync of the account (SyncRunner.before), so the sync then
 * reads back what the user set. An operation is removed only if no newer
 * intent replaced it meanwhile (its revision is unchanged).
 */
export class FlagPushService {
  constructor(
    private readonly deps: {
      knex: Knex;
      accounts: AccountStore;
      cipher: PasswordCipher;
      clientFactory: ImapClientFactory;
      logger: LoggerService;
    },
  ) {}

  private async pending(accountId: string): Promise<PendingOp[]> {
    const rows = await this.deps.knex('mail_flag_ops as o')
      .join('mail_copies as c', 'c.id', 'o.copy_id')
      .join('mail_folders as f', 'f.id', 'c.folder_id')
      .where('o.account_id', accountId)
      .select('o.id', 'o.revision', 'o.flag', 'o.value', 'c.uid', 'c.uid_validity', 'c.deleted_at', 'f.path');
    return rows.map(r => ({
      id: r.id,
      revision: r.revision,
      flag: r.flag,
      value: toBool(r.value),
      uid: Number(r.uid),
      uidValidity: String(r.uid_validity),
      path: r.path,
      gone: r.deleted_at !== null && r.deleted_at !== undefined,
    }));
  }

  private async done(ops: PendingOp[]): Promise<number> {
    let n = 0;
    for (const op of ops) n += await this.deps.knex('mail_flag_ops').where({ id: op.id, revision: op.revision }).delete();
    return n;
  }

  private async failed(ops: PendingOp[], reason: string): Promise<void> {
    if (!ops.length) return;
    await this.deps.knex('mail_flag_ops')
      .whereIn('id', ops.map(o => o.id))
      .update({ attempts: this.deps.knex.raw('attempts + 1'), last_error: reason.slice(0, 2000) });
  }

  async pushPending(accountId: string): Promise<FlagPushResult> {
    const result: FlagPushResult = { pushed: 0, waiting: 0, dropped: 0 };
    const account: { provider: string } | undefined = await this.deps.knex('mail_accounts').where({ id: accountId }).whereNull('deleted_at').first('provider');
    // Microsoft 365 copies change through Graph (isRead/flag); that provider consumes these operations itself
    if (!account || account.provider !== 'imap') return result;
    const all = await this.pending(accountId);
    const gone = all.filter(o => o.gone);
    result.dropped = await this.done(gone);
    const live = all.filter(o => !o.gone);
    if (!live.length) return result;

    const connection = await this.deps.accounts.connection(accountId);
    if (!connection) return result;
    const client = this.deps.clientFactory({
      host: connection.host,
      port: connection.port,
      secure: connection.secure,
      user: connection.user,
      password: this.deps.cipher.decrypt(connection.passwordEncrypted),
    });
    client.on('error', (err: Error) => this.deps.logger.warn(`IMAP error pushing flags of mail account ${accountId}: ${err.message}`));
    const byFolder = new Map<string, PendingOp[]>();
    for (const op of live) byFolder.set(op.path, [...(byFolder.get(op.path) ?? []), op]);
    try {
      await client.connect();
      for (const [path, ops] of byFolder) {
        let lock: Awaited<ReturnType<typeof client.getMailboxLock>>;
        try {
          lock = await client.getMailboxLock(path);
        } catch (e) {
          // a folder renamed or removed on the server: its copies vanish with the next sync, and their operations with them
          await this.failed(ops, (e as Error).message);
          continue;
        }
        try {
          const uidValidity = client.mailbox ? client.mailbox.uidValidity.toString() : '';
          const current = ops.filter(o => o.uidValidity === uidValidity);
          result.waiting += ops.length - current.length;
          // one STORE per flag and direction, for all UIDs at once
          const groups = new Map<string, PendingOp[]>();
          for (const op of current) groups.set(`${op.flag}\u0000${op.value}`, [...(groups.get(`${op.flag}\u0000${op.value}`) ?? []), op]);
          for (const group of groups.values()) {
            const uids = group.map(o => o.uid).join(',');
            const { flag, value } = group[0];
            try {
              if (value) await client.messageFlagsAdd(uids, [flag], { uid: true });
              else await client.messageFlagsRemove(uids, [flag], { uid: true });
              result.pushed += await this.done(group);
            } catch (e) {
              await this.failed(group, (e as Error).message);
            }
          }
        } finally {
          lock.release();
        }
      }
    } catch (e) {
      await this.failed(live, (e as Error).message);
      throw e;
    } finally {
      await client.logout().catch(() => client.close());
    }
    return result;
  }
}
