import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { GRAPH_UID_VALIDITY } from '@cocrm/plugin-mail-common';
import type { RawStore } from '../database/RawStore';
import { messageIdHeader, messageKey, rawRef } from '../mime/messageKey';

/** A Graph folder's cursor: the folder's immutable id and the delta link that continues its listing. */
export interface GraphFolder {
  id: string;
  accountId: string;
  /** the name the account configured: a well-known name (inbox, sentitems) or a folder id */
  path: string;
  remoteId: string | null;
  deltaLink: string | null;
  /** a full resync was started (delta link expired) and has not reached its end */
  resyncing: boolean;
}

/** A message a delta page reports as present in the folder. */
export interface GraphPresent {
  kind: 'present';
  remoteId: string;
  /** undefined when the page did not carry them (nothing to update) */
  flags: string[] | undefined;
  receivedAt: Date;
  /** the MIME, downloaded only when the account holds no copy of this id yet */
  raw?: Buffer;
}

/** `@removed`: deleted, or moved to another folder. */
export interface GraphRemoved {
  kind: 'removed';
  remoteId: string;
}

export type GraphChange = GraphPresent | GraphRemoved;

export interface GraphPage {
  changes: GraphChange[];
  /** set on the listing's last page: stored with the page's rows, never before them */
  deltaLink?: string;
  /** a full listing (first import or resync): every id it reported so far, including this page's */
  listed?: Set<string>;
}

export interface GraphPageOutcome {
  added: number;
  flagsUpdated: number;
  deleted: number;
  /** logical messages stored by this page that still need parsing */
  toParse: string[];
}

/** The same normal form as the IMAP copies (sorted JSON array), so "changed" means changed. */
const flagsJson = (flags: Iterable<string>) => JSON.stringify([...flags].sort());

const CHUNK = 500;

interface Intent {
  flag: string;
  on: boolean;
}

function withIntents(flags: string[], intents: Intent[] | undefined): string[] {
  if (!intents) return flags;
  const out = new Set(flags);
  for (const i of intents) {
    if (i.on) out.add(i.flag);
    else out.delete(i.flag);
  }
  return [...out];
}

/**
 * Graph copies in the mail store: identified by (folder, immutable id),
 * uid_validity 'graph' and a per-folder sequence as uid (mail_folders.last_uid).
 * One transaction per delta page holds the raw messages, logical messages,
 * copies, deletions and — on the last page — the delta link.
 */
export class GraphStore {
  constructor(
    private readonly knex: Knex,
    private readonly raw: RawStore,
  ) {}

  async folder(folderId: string): Promise<GraphFolder> {
    const row = await this.knex('mail_folders').where({ id: folderId }).first('id', 'account_id', 'path', 'remote_id', 'delta_link', 'resync_from_uid_validity');
    return {
      id: String(row.id),
      accountId: String(row.account_id),
      path: String(row.path),
      remoteId: row.remote_id ?? null,
      deltaLink: row.delta_link ?? null,
      resyncing: row.resync_from_uid_validity === GRAPH_UID_VALIDITY,
    };
  }

  /** First sync of a folder: remember which Graph folder the configured name meant. */
  async setRemoteFolder(folderId: string, remoteId: string): Promise<void> {
    await this.knex('mail_folders').where({ id: folderId }).update({ remote_id: remoteId, uid_validity: GRAPH_UID_VALIDITY });
  }

  /**
   * The delta link expired: list the folder again from the start. The mark
   * survives a crash, so an interrupted resync is still reported as one and
   * still ends by marking the copies it did not see again as deleted.
   */
  async startResync(folderId: string): Promise<void> {
    await this.knex('mail_folders').where({ id: folderId }).update({ delta_link: null, resync_from_uid_validity: GRAPH_UID_VALIDITY });
  }

  /** Which of these immutable ids the account already holds a copy of (in any folder): those need no download. */
  async knownRemoteIds(accountId: string, remoteIds: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < remoteIds.length; i += CHUNK) {
      const rows = await this.knex('mail_copies').where({ account_id: accountId }).whereIn('remote_id', remoteIds.slice(i, i + CHUNK)).distinct('remote_id');
      for (const r of rows) known.add(String(r.remote_id));
    }
    return known;
  }

  async applyPage(folder: GraphFolder, page: GraphPage): Promise<GraphPageOutcome> {
    return this.knex.transaction(async trx => {
      const out: GraphPageOutcome = { added: 0, flagsUpdated: 0, deleted: 0, toParse: [] };
      const toParse = new Set<string>();
      const now = new Date();
      const start = Number((await trx('mail_folders').where({ id: folder.id }).first('last_uid')).last_uid);
      let lastUid = start;
      const intents = await this.pendingIntents(trx, folder.id, page.changes);

      for (const change of page.changes) {
        if (change.kind === 'removed') {
          out.deleted += await trx('mail_copies').where({ folder_id: folder.id, remote_id: change.remoteId }).whereNull('deleted_at').update({ deleted_at: now });
          continue;
        }
        const here = await trx('mail_copies').where({ folder_id: folder.id, remote_id: change.remoteId }).first('id', 'flags', 'deleted_at');
        const flags = change.flags ? flagsJson(withIntents(change.flags, here ? intents.get(here.id) : undefined)) : undefined;
        if (here) {
          if (here.deleted_at !== null && here.deleted_at !== undefined) {
            // moved out and back again: the same copy is live once more
            await trx('mail_copies').where({ id: here.id }).update({ deleted_at: null, ...(flags ? { flags } : {}) });
            out.added++;
          } else if (flags && here.flags !== flags) {
            await trx('mail_copies').where({ id: here.id }).update({ flags });
            out.flagsUpdated++;
          }
          continue;
        }
        // moved here from another folder: the immutable id names a message we already hold
        const elsewhere = await trx('mail_copies').where({ account_id: folder.accountId, remote_id: change.remoteId }).first('message_id');
        let messageId: string | undefined = elsewhere?.message_id;
        if (!messageId) {
          // nothing to store: it vanished between the delta page and the download
          if (!change.raw) continue;
          const stored = await this.storeMessage(trx, change.raw, change.receivedAt);
          messageId = stored.id;
          if (stored.pending) toParse.add(stored.id);
        }
        if (page.listed && (await this.rekey(trx, folder, messageId, change.remoteId, flags, page.listed))) continue;
        const inserted = await trx('mail_copies')
          .insert({
            id: randomUUID(),
            account_id: folder.accountId,
            folder_id: folder.id,
            uid_validity: GRAPH_UID_VALIDITY,
            uid: lastUid + 1,
            remote_id: change.remoteId,
            message_id: messageId,
            flags: flags ?? '[]',
            modseq: null,
            internal_date: change.receivedAt,
            created_at: now,
          })
          .onConflict(['folder_id', 'remote_id'])
          .ignore()
          .returning('id');
        if (inserted.length) {
          lastUid++;
          out.added++;
        }
      }

      if (lastUid !== start) {
        // conditional: a concurrent run on the same folder makes this page fail (and roll back) instead of reusing uids
        const n = await trx('mail_folders').where({ id: folder.id, last_uid: start }).update({ last_uid: lastUid });
        if (n !== 1) throw new Error(`Folder ${folder.path} was synced concurrently; retry`);
      }
      if (page.deltaLink) {
        if (page.listed) out.deleted += await this.markUnlisted(trx, folder.id, page.listed, now);
        await trx('mail_folders').where({ id: folder.id }).update({ delta_link: page.deltaLink, resync_from_uid_validity: null, last_synced_at: now });
      }
      out.toParse = [...toParse];
      return out;
    });
  }

  /**
   * Flag changes made in the webmail and not yet pushed to Graph
   * (mail_flag_ops): the server still reports the old state, which must not
   * undo them locally.
   */
  private async pendingIntents(trx: Knex.Transaction, folderId: string, changes: GraphChange[]): Promise<Map<string, Intent[]>> {
    const ids = [...new Set(changes.filter(c => c.kind === 'present').map(c => c.remoteId))];
    const intents = new Map<string, Intent[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx('mail_flag_ops as o')
        .join('mail_copies as c', 'c.id', 'o.copy_id')
        .where('c.folder_id', folderId)
        .whereIn('c.remote_id', ids.slice(i, i + CHUNK))
        .select('o.copy_id', 'o.flag', 'o.value');
      for (const r of rows) intents.set(String(r.copy_id), [...(intents.get(String(r.copy_id)) ?? []), { flag: r.flag, on: r.value === true || r.value === 1 }]);
    }
    return intents;
  }

  /** Raw first, then the logical message once per key (same key function as IMAP, so both providers share messages). */
  private async storeMessage(trx: Knex.Transaction, raw: Buffer, receivedAt: Date): Promise<{ id: string; pending: boolean }> {
    const key = messageKey(raw);
    // Exchange rewrites headers per mailbox (a sent item is not the bytes we sent): a known message keeps its first raw
    const existing = await trx('mail_messages').where({ message_key: key }).first('id', 'parse_status');
    if (existing) return { id: String(existing.id), pending: existing.parse_status === 'pending' };
    const ref = rawRef(raw);
    await this.raw.put(trx, ref, raw);
    await trx('mail_messages')
      .insert({
        id: randomUUID(),
        message_key: key,
        message_id_header: messageIdHeader(raw),
        raw_ref: ref,
        size: raw.length,
        parse_status: 'pending',
        parse_attempts: 0,
        received_at: receivedAt,
        created_at: new Date(),
      })
      .onConflict('message_key')
      .ignore();
    const row = await trx('mail_messages').where({ message_key: key }).first('id', 'parse_status');
    return { id: String(row.id), pending: row.parse_status === 'pending' };
  }

  /**
   * In a full listing, a new immutable id whose message we hold in this folder
   * under an id the listing has not reported (ids changed, e.g. after a
   * mailbox move) takes over that copy instead of adding a second one.
   */
  private async rekey(
    trx: Knex.Transaction,
    folder: GraphFolder,
    messageId: string,
    remoteId: string,
    flags: string | undefined,
    listed: Set<string>,
  ): Promise<boolean> {
    const candidates = await trx('mail_copies')
      .where({ folder_id: folder.id, message_id: messageId })
      .whereNull('deleted_at')
      .whereNotNull('remote_id')
      .orderBy('uid')
      .select('id', 'remote_id');
    const old = candidates.find(c => !listed.has(String(c.remote_id)));
    if (!old) return false;
    const n = await trx('mail_copies').where({ id: old.id, remote_id: old.remote_id }).update({ remote_id: remoteId, ...(flags ? { flags } : {}) });
    return n === 1;
  }

  /** The end of a full listing: live copies it did not report are gone from the folder. */
  private async markUnlisted(trx: Knex.Transaction, folderId: string, listed: Set<string>, now: Date): Promise<number> {
    const live = await trx('mail_copies').where({ folder_id: folderId }).whereNull('deleted_at').whereNotNull('remote_id').select('id', 'remote_id');
    const gone = live.filter(r => !listed.has(String(r.remote_id))).map(r => String(r.id));
    let n = 0;
    for (let i = 0; i < gone.length; i += CHUNK) {
      n += await trx('mail_copies').whereIn('id', gone.slice(i, i + CHUNK)).whereNull('deleted_at').update({ deleted_at: now });
    }
    return n;
  }
}
