import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { toIso, toIsoOrNull } from '@cocrm/plugin-access-node';
import type { MailCopy, MailFolderState, MailMessage, MailSyncFailure, ParseStatus } from '@cocrm/plugin-mail-common';
import type { ParsedMail } from '../mime/MessageParser';
import { identityOf } from '../mime/messageKey';
import { updateEach } from './batchSql';
import { canStream, RawStore, StagedRaw } from './RawStore';
import { withPendingFlags } from '../webmail/FlagChanges';

/** A folder's cursor as the sync reads it. */
export interface FolderCursor {
  id: string;
  accountId: string;
  path: string;
  uidValidity: string | null;
  lastUid: number;
  highestModseq: string | null;
  /** the UIDVALIDITY whose copies are being re-keyed by an unfinished full resync */
  resyncFrom: string | null;
}

interface CopyMeta {
  uid: number;
  flags: string[];
  internalDate: Date;
  modseq: string | null;
}

/** One downloaded message, ready to be stored. */
export interface FetchedMessage extends CopyMeta {
  raw: Buffer;
}

/** A big message already written to the raw store while it downloaded (see StreamingRawStore). */
export interface StagedMessage extends CopyMeta {
  staged: StagedRaw;
}

/** `\Recent` belongs to one IMAP session, not to the message: storing it would make every run look like a flag change. */
const flagsJson = (flags: Iterable<string>) => JSON.stringify([...flags].filter(f => f.toLowerCase() !== '\\recent').sort());

function toCursor(row: Record<string, unknown>): FolderCursor {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    path: String(row.path),
    uidValidity: (row.uid_validity as string | null) ?? null,
    lastUid: Number(row.last_uid),
    highestModseq: (row.highest_modseq as string | null) ?? null,
    resyncFrom: (row.resync_from_uid_validity as string | null) ?? null,
  };
}

/** What a parse fills in, by column. */
function parsedColumns(parsed: ParsedMail) {
  return {
    subject: parsed.subject,
    from_json: JSON.stringify(parsed.from),
    to_json: JSON.stringify(parsed.to),
    cc_json: JSON.stringify(parsed.cc),
    reply_to_json: JSON.stringify(parsed.replyTo),
    text_body: parsed.text,
    html_body: parsed.html,
    attachments_json: JSON.stringify(parsed.attachments),
    in_reply_to: parsed.inReplyTo,
    references_json: JSON.stringify(parsed.references),
  };
}

/** What every parse sets alike. */
function parsedCommon(db: Knex | Knex.Transaction) {
  return {
    parse_status: 'parsed',
    parse_error: null,
    failed_at: null,
    parse_attempts: db.raw('parse_attempts + 1'),
    parsed_at: new Date(),
    // in the same update: a crash before the after-parse hooks leaves it for RoutingService.routePending
    route_status: 'pending',
  };
}

const parseJson = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback);

/**
 * Folders, logical messages and their copies. Every write that covers
 * messages also moves the folder cursor in the same transaction, so a crash
 * leaves either both or neither.
 */
export class MessageStore {
  constructor(
    private readonly knex: Knex,
    private readonly raw: RawStore,
  ) {}

  async ensureFolder(accountId: string, path: string, specialUse: string | null = null): Promise<FolderCursor> {
    await this.knex('mail_folders')
      .insert({ id: randomUUID(), account_id: accountId, path, last_uid: 0, special_use: specialUse })
      .onConflict(['account_id', 'path'])
      .ignore();
    if (specialUse) await this.knex('mail_folders').where({ account_id: accountId, path }).whereNull('special_use').update({ special_use: specialUse });
    return toCursor(await this.knex('mail_folders').where({ account_id: accountId, path }).first());
  }

  async folder(id: string): Promise<FolderCursor> {
    return toCursor(await this.knex('mail_folders').where({ id }).first());
  }

  async setUidValidity(folderId: string, uidValidity: string): Promise<void> {
    await this.knex('mail_folders').where({ id: folderId }).whereNull('uid_validity').update({ uid_validity: uidValidity });
  }

  /**
   * UIDVALIDITY changed: every UID we hold for this folder is meaningless. The
   * cursor restarts at 0 and remembers the old value, so the re-import can
   * re-key existing copies instead of duplicating them. Conditional on the old
   * value so two concurrent runs start it once.
   */
  async startFullResync(folder: FolderCursor, newUidValidity: string): Promise<void> {
    await this.knex('mail_folders')
      .where({ id: folder.id, uid_validity: folder.uidValidity })
      .update({
        uid_validity: newUidValidity,
        last_uid: 0,
        highest_modseq: null,
        // an interrupted earlier resync keeps re-keying from the copies it had not reached
        resync_from_uid_validity: folder.resyncFrom ?? folder.uidValidity,
      });
  }

  /** The re-import reached the end: copies never seen again under the new UIDVALIDITY are gone. */
  async finishFullResync(folder: FolderCursor, uidValidity: string): Promise<number> {
    return this.knex.transaction(async trx => {
      const n = await trx('mail_copies')
        .where({ folder_id: folder.id })
        .whereNot({ uid_validity: uidValidity })
        .whereNull('deleted_at')
        .update({ deleted_at: new Date() });
      await trx('mail_folders').where({ id: folder.id, uid_validity: uidValidity }).update({ resync_from_uid_validity: null });
      return n;
    });
  }

  /**
   * Stores a batch: raw first, then the logical message (once per key), then
   * the copy (once per folder/UIDVALIDITY/UID), then the cursor, all in one
   * transaction. Returns the ids of the logical messages still to be parsed.
   */
  async ingestBatch(folder: FolderCursor, uidValidity: string, items: FetchedMessage[], cursorUid: number): Promise<string[]> {
    return [...(await this.ingestForParsing(folder, uidValidity, items, cursorUid)).keys()];
  }

  /**
   * As ingestBatch, for buffered and staged messages alike. Returns the
   * messages still to parse with their bytes when in hand (null for a staged
   * one: it is parsed from the store as a stream), so the sync need not read
   * them back.
   */
  async ingestForParsing(folder: FolderCursor, uidValidity: string, items: Array<FetchedMessage | StagedMessage>, cursorUid: number): Promise<Map<string, Buffer | null>> {
    return this.knex.transaction(async trx => {
      const toParse = new Map<string, Buffer | null>();
      const prepared = items.map(item => ({ item, id: 'raw' in item ? identityOf(item.raw) : item.staged, bytes: 'raw' in item ? item.raw : null }));
      const whole = prepared.flatMap(p => ('raw' in p.item ? [{ ref: p.id.ref, raw: p.item.raw }] : []));
      if (this.raw.putMany) await this.raw.putMany(trx, whole);
      else for (const w of whole) await this.raw.put(trx, w.ref, w.raw);
      for (const p of prepared) {
        if ('raw' in p.item) continue;
        if (!canStream(this.raw)) throw new Error('This raw store cannot take staged messages');
        await this.raw.commitStaged(trx, p.item.staged);
      }
      // one multi-row insert per batch instead of one per message; the first copy of a key names the raw
      const firstOfKey = new Map<string, (typeof prepared)[number]>();
      for (const p of prepared) if (!firstOfKey.has(p.id.key)) firstOfKey.set(p.id.key, p);
      const now = new Date();
      if (firstOfKey.size) {
        await trx('mail_messages')
          .insert(
            [...firstOfKey.values()].map(p => ({
              id: randomUUID(),
              message_key: p.id.key,
              message_id_header: p.id.messageIdHeader,
              raw_ref: p.id.ref,
              size: p.id.size,
              parse_status: 'pending',
              parse_attempts: 0,
              received_at: p.item.internalDate,
              created_at: now,
            })),
          )
          .onConflict('message_key')
          .ignore();
      }
      const rows: Array<{ id: string; message_key: string; parse_status: string }> = firstOfKey.size
        ? await trx('mail_messages').whereIn('message_key', [...firstOfKey.keys()]).select('id', 'message_key', 'parse_status')
        : [];
      const byKey = new Map(rows.map(r => [r.message_key, r]));
      const copies: Array<Record<string, unknown>> = [];
      for (const p of prepared) {
        const message = byKey.get(p.id.key)!;
        // the bytes of the copy whose raw the message row names (another copy of the key may differ in Received:)
        if (message.parse_status === 'pending' && !toParse.has(message.id)) toParse.set(message.id, firstOfKey.get(p.id.key)!.bytes);
        if (folder.resyncFrom && (await this.rekeyCopy(trx, folder, uidValidity, message.id, p.item))) continue;
        copies.push({
          id: randomUUID(),
          account_id: folder.accountId,
          folder_id: folder.id,
          uid_validity: uidValidity,
          uid: p.item.uid,
          message_id: message.id,
          flags: flagsJson(p.item.flags),
          modseq: p.item.modseq,
          internal_date: p.item.internalDate,
          created_at: now,
        });
      }
      if (copies.length) await trx('mail_copies').insert(copies).onConflict(['folder_id', 'uid_validity', 'uid']).ignore();
      await trx('mail_folders')
        .where({ id: folder.id, uid_validity: uidValidity })
        .where('last_uid', '<', cursorUid)
        .update({ last_uid: cursorUid });
      return toParse;
    });
  }

  /** A batch's parse outcomes in one transaction: one commit instead of one per message. */
  async markParsedMany(outcomes: Array<{ id: string; parsed: ParsedMail } | { id: string; error: string }>): Promise<void> {
    if (!outcomes.length) return;
    await this.knex.transaction(async trx => {
      const parsed = outcomes.flatMap(o => ('parsed' in o ? [{ id: o.id, set: parsedColumns(o.parsed) }] : []));
      // one statement per batch instead of one per message: the round trips (PostgreSQL) and statement preparation (SQLite) were most of this
      await updateEach(trx, 'mail_messages', parsed, { common: parsedCommon(trx), whereNot: { parse_status: 'parsed' } });
      const store = new MessageStore(trx, this.raw);
      for (const o of outcomes) if ('error' in o) await store.markFailed(o.id, o.error);
    });
  }

  /**
   * PostgreSQL plans by statistics that autovacuum refreshes about once a
   * minute: during a first import of thousands of messages the tables grow
   * from nothing, the planner still believes them empty-ish and picks scans
   * that grow with the mailbox. The sync calls this as an import grows
   * (ANALYZE samples, ~0.1 s). SQLite needs nothing (its queries here are
   * written so the primary key is the obvious path).
   */
  async refreshStatistics(): Promise<void> {
    if (this.knex.client.config.client !== 'pg') return;
    await this.knex.raw('ANALYZE mail_messages, mail_copies, mail_thread_keys, mail_message_customers, mail_message_contacts, mail_links');
  }

  /** A copy from before the UIDVALIDITY change that holds the same message takes the new UID. */
  private async rekeyCopy(trx: Knex.Transaction, folder: FolderCursor, uidValidity: string, messageId: string, item: CopyMeta) {
    const old = await trx('mail_copies')
      .where({ folder_id: folder.id, message_id: messageId })
      .whereNot({ uid_validity: uidValidity })
      .whereNull('deleted_at')
      .orderBy('uid')
      .first('id', 'uid_validity');
    if (!old) return false;
    // conditional: a concurrent run may have re-keyed it already (then we insert, and the unique key ignores it)
    const n = await trx('mail_copies')
      .where({ id: old.id, uid_validity: old.uid_validity })
      .update({ uid_validity: uidValidity, uid: item.uid, flags: flagsJson(item.flags), modseq: item.modseq });
    return n === 1;
  }

  /** Flag changes and server-side deletions, reflected on the copies of one folder. */
  async applyChanges(folderId: string, uidValidity: string, serverFlags: Map<number, string[]>, deletedUids: number[]): Promise<{ flagsUpdated: number; deleted: number }> {
    // a change the reader made that is not on the server yet wins over the server's older flags
    const flags = await withPendingFlags(this.knex, folderId, uidValidity, serverFlags);
    return this.knex.transaction(async trx => {
      let flagsUpdated = 0;
      for (const [uid, list] of flags) {
        const value = flagsJson(list);
        flagsUpdated += await trx('mail_copies').where({ folder_id: folderId, uid_validity: uidValidity, uid }).whereNot({ flags: value }).update({ flags: value });
      }
      let deleted = 0;
      for (let i = 0; i < deletedUids.length; i += 500) {
        deleted += await trx('mail_copies')
          .where({ folder_id: folderId, uid_validity: uidValidity })
          .whereIn('uid', deletedUids.slice(i, i + 500))
          .whereNull('deleted_at')
          .update({ deleted_at: new Date() });
      }
      return { flagsUpdated, deleted };
    });
  }

  async liveUids(folderId: string, uidValidity: string): Promise<number[]> {
    const rows = await this.knex('mail_copies').where({ folder_id: folderId, uid_validity: uidValidity }).whereNull('deleted_at').select('uid');
    return rows.map(r => Number(r.uid));
  }

  /** Moves the MODSEQ cursor only after the changes it covers are stored. */
  async setHighestModseq(folderId: string, uidValidity: string, modseq: string | null): Promise<void> {
    await this.knex('mail_folders').where({ id: folderId, uid_validity: uidValidity }).update({ highest_modseq: modseq, last_synced_at: new Date() });
  }

  /** Messages of an account still waiting for a parse (left by a crash between commit and parse). */
  async pendingMessageIds(accountId: string): Promise<string[]> {
    const rows = await this.knex('mail_messages')
      .whereIn('id', this.knex('mail_copies').where({ account_id: accountId }).select('message_id'))
      .where({ parse_status: 'pending' })
      .select('id');
    return rows.map(r => String(r.id));
  }

  async parseInput(messageId: string): Promise<{ rawRef: string; status: ParseStatus } | undefined> {
    const row = await this.knex('mail_messages').where({ id: messageId }).first('raw_ref', 'parse_status');
    return row ? { rawRef: row.raw_ref, status: row.parse_status } : undefined;
  }

  async markParsed(messageId: string, parsed: ParsedMail): Promise<void> {
    await this.knex('mail_messages')
      .where({ id: messageId })
      .whereNot({ parse_status: 'parsed' })
      .update({ ...parsedColumns(parsed), ...parsedCommon(this.knex) });
  }

  async markFailed(messageId: string, reason: string): Promise<void> {
    await this.knex('mail_messages')
      .where({ id: messageId })
      .whereNot({ parse_status: 'parsed' })
      .update({ parse_status: 'failed', parse_error: reason.slice(0, 4000), failed_at: new Date(), parse_attempts: this.knex.raw('parse_attempts + 1') });
  }

  async message(id: string): Promise<MailMessage | undefined> {
    const r = await this.knex('mail_messages').where({ id }).first();
    if (!r) return undefined;
    return {
      id: r.id,
      messageKey: r.message_key,
      messageIdHeader: r.message_id_header,
      parseStatus: r.parse_status,
      parseError: r.parse_error,
      subject: r.subject,
      from: parseJson(r.from_json, []),
      to: parseJson(r.to_json, []),
      cc: parseJson(r.cc_json, []),
      replyTo: parseJson(r.reply_to_json, []),
      receivedAt: toIso(r.received_at),
      text: r.text_body,
      html: r.html_body,
      attachments: parseJson(r.attachments_json, []),
      inReplyTo: r.in_reply_to,
      references: parseJson(r.references_json, []),
      size: Number(r.size),
    };
  }

  /** Whether a message has a copy in this account (the account owner's visibility). */
  async belongsTo(messageId: string, accountId: string): Promise<boolean> {
    return !!(await this.knex('mail_copies').where({ message_id: messageId, account_id: accountId }).first('id'));
  }

  async copiesOf(messageId: string): Promise<MailCopy[]> {
    const rows = await this.knex('mail_copies as c')
      .join('mail_folders as f', 'f.id', 'c.folder_id')
      .where('c.message_id', messageId)
      .orderBy('c.created_at')
      .select('c.id', 'c.account_id', 'f.path', 'c.uid_validity', 'c.uid', 'c.message_id', 'c.flags', 'c.deleted_at');
    return rows.map(r => ({
      id: r.id,
      accountId: r.account_id,
      folder: r.path,
      uidValidity: String(r.uid_validity),
      uid: Number(r.uid),
      messageId: r.message_id,
      flags: parseJson(r.flags, []),
      deletedAt: toIsoOrNull(r.deleted_at),
    }));
  }

  async folderStates(accountId: string): Promise<MailFolderState[]> {
    const rows = await this.knex('mail_folders as f')
      .where('f.account_id', accountId)
      .orderBy('f.path')
      .select(
        'f.path',
        'f.uid_validity',
        'f.last_uid',
        'f.highest_modseq',
        'f.last_synced_at',
        this.knex('mail_copies as c').whereRaw('c.folder_id = f.id').whereNull('c.deleted_at').count('*').as('n'),
      );
    return rows.map(r => ({
      path: r.path,
      uidValidity: r.uid_validity,
      lastUid: Number(r.last_uid),
      highestModseq: r.highest_modseq,
      lastSyncedAt: toIsoOrNull(r.last_synced_at),
      messageCount: Number(r.n),
    }));
  }

  async counts(accountId: string): Promise<{ messages: number; parsed: number; failed: number; pending: number; deleted: number }> {
    const live = this.knex('mail_copies').where({ account_id: accountId }).whereNull('deleted_at').select('message_id');
    const byStatus = await this.knex('mail_messages').whereIn('id', live).groupBy('parse_status').select('parse_status').count('* as n');
    const n = (s: string) => Number(byStatus.find(r => r.parse_status === s)?.n ?? 0);
    const deleted = await this.knex('mail_copies').where({ account_id: accountId }).whereNotNull('deleted_at').count('* as n').first();
    return { messages: n('parsed') + n('failed') + n('pending'), parsed: n('parsed'), failed: n('failed'), pending: n('pending'), deleted: Number(deleted?.n ?? 0) };
  }

  async failures(accountId: string): Promise<MailSyncFailure[]> {
    const rows = await this.knex('mail_messages')
      .whereIn('id', this.knex('mail_copies').where({ account_id: accountId }).select('message_id'))
      .where({ parse_status: 'failed' })
      .orderBy('failed_at', 'desc')
      .select('id', 'message_key', 'parse_error', 'parse_attempts', 'failed_at');
    return rows.map(r => ({
      messageId: r.id,
      messageKey: r.message_key,
      reason: r.parse_error ?? '',
      attempts: Number(r.parse_attempts),
      failedAt: toIso(r.failed_at),
    }));
  }
}
