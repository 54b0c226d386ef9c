import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { ImapFlow } from 'imapflow';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MessageStore } from '../database/MessageStore';
import type { RawStore } from '../database/RawStore';
import { MessageParser, parseRaw } from '../mime/MessageParser';
import { messageIdHeader, messageKey } from '../mime/messageKey';
import type { ParsedMessageHook } from '../service/hooks';
import type { ImapClientFactory } from '../service/imapClient';
import type { SendingAccounts } from './SendingAccounts';

/**
 * The folder sent mail goes to: the account's configured one, else the folder
 * the server (or, without SPECIAL-USE, its name: Sent, 已发送, …) marks \Sent,
 * else a new 'Sent'. The sync should include the same folder so sent mail
 * shows in the webmail with its server-side state.
 */
export async function resolveSentFolder(client: ImapFlow, configured: string | null): Promise<string> {
  const list = await client.list();
  if (configured) {
    if (!list.some(m => m.path === configured)) await client.mailboxCreate(configured);
    return configured;
  }
  const sent = list.find(m => m.specialUse === '\\Sent');
  if (sent) return sent.path;
  const created = await client.mailboxCreate('Sent');
  return created.path;
}

/**
 * What happens to a message once the server accepted it: stored as a logical
 * message at once (same raw, same message key as the sync computes, so the
 * copy the sync later finds in the Sent folder is the same message), parsed
 * and handed to the after-parse hooks (threads, routing), and appended to the
 * Sent folder.
 */
export class SentMail {
  constructor(
    private readonly deps: {
      knex: Knex;
      raw: RawStore;
      messages: MessageStore;
      parser: MessageParser;
      hooks: ParsedMessageHook[];
      accounts: SendingAccounts;
      clientFactory: ImapClientFactory;
      logger: LoggerService;
    },
  ) {}

  /** Inside the transaction that marks the outbox row sent; the raw is already stored. Returns the logical message's id. */
  async store(trx: Knex.Transaction, mime: Buffer, rawRef: string, sentAt: Date): Promise<string> {
    const key = messageKey(mime);
    await trx('mail_messages')
      .insert({
        id: randomUUID(),
        message_key: key,
        message_id_header: messageIdHeader(mime),
        raw_ref: rawRef,
        size: mime.length,
        parse_status: 'pending',
        parse_attempts: 0,
        received_at: sentAt,
        created_at: sentAt,
      })
      .onConflict('message_key')
      .ignore();
    const row = await trx('mail_messages').where({ message_key: key }).first('id');
    return String(row.id);
  }

  /** Parses the stored message (unless it is already) and runs the hooks; a failing hook is its own to recover. */
  async parseAndRoute(messageId: string): Promise<void> {
    const { messages, raw, parser, hooks, logger } = this.deps;
    const input = await messages.parseInput(messageId);
    if (!input) return;
    if (input.status !== 'parsed') {
      try {
        await messages.markParsed(messageId, await parseRaw(raw, parser, input.rawRef));
      } catch (e) {
        const reason = e instanceof Error ? e.message || e.name : String(e);
        logger.warn(`Sent message ${messageId} failed to parse: ${reason}`);
        await messages.markFailed(messageId, reason);
        return;
      }
    }
    for (const hook of hooks) {
      try {
        await hook.afterParsed([messageId]);
      } catch (e) {
        logger.warn(`After-parse hook ${hook.name} failed for sent message ${messageId}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /**
   * Puts the sent bytes into the account's Sent folder once: a copy already
   * there with the same Message-ID (an earlier attempt that died before
   * recording it) is used instead of appending again. The copy is recorded
   * with its UIDVALIDITY/UID (APPENDUID) so the mail shows at once; when the
   * sync reaches that UID its insert finds the same copy and the same message
   * key, so nothing is stored twice.
   */
  async appendToSent(accountId: string, mime: Buffer, idHeader: string, messageId: string, sentAt: Date): Promise<'appended' | 'skipped'> {
    const account = await this.deps.accounts.get(accountId);
    const login = await this.deps.accounts.imap(accountId);
    if (!account || !login) return 'skipped';
    const client = this.deps.clientFactory(login);
    client.on('error', (err: Error) => this.deps.logger.warn(`IMAP error while saving sent mail of account ${accountId}: ${err.message}`));
    await client.connect();
    try {
      const path = await resolveSentFolder(client, account.sentFolder);
      const lock = await client.getMailboxLock(path);
      let uid: number | undefined;
      let uidValidity: string | undefined;
      try {
        uidValidity = client.mailbox ? client.mailbox.uidValidity.toString() : undefined;
        const found = await client.search({ header: { 'message-id': idHeader } }, { uid: true });
        if (Array.isArray(found) && found.length) {
          uid = Math.min(...found);
        } else {
          const res = await client.append(path, mime, ['\\Seen'], sentAt);
          if (res && res.uid) {
            uid = res.uid;
            if (res.uidValidity !== undefined) uidValidity = res.uidValidity.toString();
          }
        }
      } finally {
        lock.release();
      }
      if (uid && uidValidity) await this.recordCopy(accountId, path, uidValidity, uid, messageId, sentAt);
      return 'appended';
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /**
   * The Sent copy as the sync would record it. The folder row is created when
   * missing (so the webmail lists the folder); its UIDVALIDITY is set only when
   * still unknown, and a copy is recorded only under the folder's current
   * UIDVALIDITY — after a change the sync's full resync owns the folder.
   */
  private async recordCopy(accountId: string, path: string, uidValidity: string, uid: number, messageId: string, sentAt: Date): Promise<void> {
    const { knex } = this.deps;
    await knex('mail_folders').insert({ id: randomUUID(), account_id: accountId, path, last_uid: 0 }).onConflict(['account_id', 'path']).ignore();
    await knex('mail_folders').where({ account_id: accountId, path }).whereNull('uid_validity').update({ uid_validity: uidValidity });
    const folder = await knex('mail_folders').where({ account_id: accountId, path }).first('id', 'uid_validity');
    if (!folder || String(folder.uid_validity) !== uidValidity) return;
    await knex('mail_copies')
      .insert({
        id: randomUUID(),
        account_id: accountId,
        folder_id: folder.id,
        uid_validity: uidValidity,
        uid,
        message_id: messageId,
        flags: JSON.stringify(['\\Seen']),
        modseq: null,
        internal_date: sentAt,
        created_at: new Date(),
      })
      .onConflict(['folder_id', 'uid_validity', 'uid'])
      .ignore();
  }
}
