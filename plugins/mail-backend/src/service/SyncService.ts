import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ImapFlow, ExpungeEvent, FlagsEvent } from 'imapflow';
import type { MailSyncResult, MailSyncState } from '@cocrm/plugin-mail-common';
import { toIsoOrNull } from '@cocrm/plugin-access-node';
import type { AccountStore } from '../database/AccountStore';
import type { FetchedMessage, FolderCursor, MessageStore, StagedMessage } from '../database/MessageStore';
import { canStream, RawStore } from '../database/RawStore';
import type { MessageParser } from '../mime/MessageParser';
import { MailError } from '../errors';
import { ImapClientFactory, readAll } from './imapClient';
import { ParseDeps, ParseOutcome, parseEach, parseStored, recordParsed } from './parseStored';
import type { PasswordCipher } from './PasswordCipher';
import type { ParsedMessageHook } from './hooks';

export interface SyncOptions {
  /** messages per transaction: the unit a crash can lose (and a rerun redoes) */
  batchSize?: number;
  /** ignore CONDSTORE/QRESYNC (as on Exchange) and use the UID-search fallback */
  disableModseq?: boolean;
}

type FolderResult = MailSyncResult['folders'][number];

/** A message on the server past the cursor, as FETCH describes it (size: RFC822.SIZE). */
type Fresh = { uid: number; flags: string[]; internalDate: Date; modseq: string | null; size: number };

/** Messages above this size are streamed into the store on their own instead of being held in a batch. */
const STREAM_ABOVE = 4 * 1024 * 1024;
/** A batch ends at this many bytes too: with the overlapping stages, a few batches are in memory at most. */
const BATCH_BYTES = 16 * 1024 * 1024;
/** Stored messages (per folder and run) after which the database's planner statistics are refreshed: a big import changes them. */
const STATISTICS_AT = [1_000, 4_000, 16_000, 64_000];
/** Batches stored but not yet recorded as parsed: what bounds memory to a few batches. */
const IN_FLIGHT = 3;

/**
 * Pulls IMAP mailboxes into the store exactly once. Per folder: detect a
 * UIDVALIDITY change (→ idempotent full resync), reflect flag changes and
 * expunges of what we hold, then fetch `UID last+1:*` in batches, each
 * committed with its cursor. Parsing happens after the raw is committed, so a
 * parser failure leaves a stored, visibly failed message — never a gap.
 * Called by the scheduler (global scope); holds no timers or state of its own.
 */
export class SyncService {
  private readonly batchSize: number;
  private readonly disableModseq: boolean;

  constructor(
    private readonly deps: {
      accounts: AccountStore;
      messages: MessageStore;
      raw: RawStore;
      parser: MessageParser;
      cipher: PasswordCipher;
      clientFactory: ImapClientFactory;
      logger: LoggerService;
      /** after-parse work (search text, threads, routing); shared with the other ways mail arrives */
      hooks?: ParsedMessageHook[];
    },
    options: SyncOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.disableModseq = options.disableModseq ?? false;
  }

  async syncAccount(accountId: string): Promise<MailSyncResult> {
    const { accounts, cipher, clientFactory, logger } = this.deps;
    const account = await accounts.get(accountId);
    const connection = await accounts.connection(accountId);
    if (!account || !connection) throw new MailError(404, 'accountNotFound');
    const client = clientFactory({
      host: connection.host,
      port: connection.port,
      secure: connection.secure,
      user: connection.user,
      password: cipher.decrypt(connection.passwordEncrypted),
    });
    // imapflow emits socket errors as events; unhandled they would crash the process
    client.on('error', (err: Error) => logger.warn(`IMAP error for mail account ${accountId}: ${err.message}`));
    const result: MailSyncResult = { accountId, folders: [], parsed: 0, failed: 0 };
    try {
      await client.connect();
      const listing = await client.list();
      const specialUse = new Map(listing.map(f => [f.path, f.specialUse ?? null]));
      // by default the inbox and the sent folder: sent mail belongs in the threads and on customer pages too
      const sent = account.sentFolder ?? listing.find(f => f.specialUse === '\\Sent')?.path;
      const folders = account.folders.length ? account.folders : ['INBOX', ...(sent && sent !== 'INBOX' ? [sent] : [])];
      for (const path of folders) {
        const folder = await this.deps.messages.ensureFolder(accountId, path, specialUse.get(path) ?? (path === 'INBOX' ? '\\Inbox' : null));
        result.folders.push(await this.syncFolder(client, folder, result));
      }
      // messages committed by an earlier run that stopped before parsing them
      await this.parseAll(await this.deps.messages.pendingMessageIds(accountId), result);
      await accounts.recordSync(accountId, new Date(), null);
      return result;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      await accounts.recordSync(accountId, new Date(), reason);
      throw e;
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private async syncFolder(client: ImapFlow, folder: FolderCursor, result: MailSyncResult): Promise<FolderResult> {
    const { messages } = this.deps;
    const out: FolderResult = { path: folder.path, added: 0, flagsUpdated: 0, deleted: 0, fullResync: false, changeDetection: 'none' };
    const qresync = !this.disableModseq && client.enabled.has('QRESYNC') && !!folder.uidValidity && !!folder.highestModseq;
    const vanished: number[] = [];
    const flagEvents = new Map<number, string[]>();
    // with QRESYNC the server reports VANISHED/FETCH during SELECT, i.e. inside getMailboxLock: listen first
    const onExpunge = (ev: ExpungeEvent) => {
      if (ev.path === folder.path && ev.uid) vanished.push(ev.uid);
    };
    const onFlags = (ev: FlagsEvent) => {
      if (ev.path === folder.path && ev.uid) flagEvents.set(ev.uid, [...ev.flags]);
    };
    client.on('expunge', onExpunge);
    client.on('flags', onFlags);
    const lock = await client.getMailboxLock(
      folder.path,
      qresync ? { changedSince: BigInt(folder.highestModseq!), uidValidity: BigInt(folder.uidValidity!) } : {},
    );
    try {
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error(`Mailbox ${folder.path} did not open`);
      const uidValidity = mailbox.uidValidity.toString();
      const modseqAvailable = !this.disableModseq && !mailbox.noModseq && mailbox.highestModseq !== undefined;

      if (!folder.uidValidity) {
        await messages.setUidValidity(folder.id, uidValidity);
      } else if (folder.uidValidity !== uidValidity) {
        this.deps.logger.info(`UIDVALIDITY of ${folder.path} changed ${folder.uidValidity} → ${uidValidity}: full resync`);
        await messages.startFullResync(folder, uidValidity);
      }
      let cursor = await messages.folder(folder.id);
      if (cursor.uidValidity !== uidValidity) throw new Error(`Folder ${folder.path} changed UIDVALIDITY during the sync; retry`);
      out.fullResync = cursor.resyncFrom !== null;

      if (cursor.lastUid > 0) {
        const useQresync = qresync && !out.fullResync;
        const condstore = modseqAvailable && !!cursor.highestModseq;
        out.changeDetection = 'search';
        if (condstore) out.changeDetection = 'condstore';
        if (useQresync) out.changeDetection = 'qresync';
        const changes = await this.serverChanges(client, cursor, {
          condstore,
          vanished: useQresync ? vanished : undefined,
          flagEvents: useQresync ? flagEvents : undefined,
        });
        const applied = await messages.applyChanges(cursor.id, uidValidity, changes.flags, changes.deleted);
        out.flagsUpdated = applied.flagsUpdated;
        out.deleted = applied.deleted;
      }

      // collect first, download after: no IMAP command may run inside a fetch loop
      const fresh: Fresh[] = [];
      for await (const m of client.fetch(`${cursor.lastUid + 1}:*`, { uid: true, flags: true, internalDate: true, size: true }, { uid: true })) {
        // `n:*` always returns the last message, even when its UID is below n
        if (m.uid > cursor.lastUid) {
          fresh.push({
            uid: m.uid,
            flags: [...(m.flags ?? [])],
            internalDate: m.internalDate instanceof Date ? m.internalDate : new Date(m.internalDate ?? Date.now()),
            modseq: m.modseq !== undefined ? m.modseq.toString() : null,
            size: m.size ?? 0,
          });
        }
      }
      fresh.sort((a, b) => a.uid - b.uid);
      await this.ingest(client, cursor, uidValidity, fresh, out, result);

      cursor = await messages.folder(folder.id);
      if (cursor.resyncFrom) out.deleted += await messages.finishFullResync(cursor, uidValidity);
      await messages.setHighestModseq(folder.id, uidValidity, modseqAvailable ? mailbox.highestModseq!.toString() : null);
      return out;
    } finally {
      lock.release();
      client.off('expunge', onExpunge);
      client.off('flags', onFlags);
    }
  }

  /**
   * Flag changes and deletions of the messages we already hold. CONDSTORE
   * narrows the flag fetch to what changed since our MODSEQ; QRESYNC reports
   * expunges as VANISHED; without them (Exchange) we fetch all flags and
   * compare a UID SEARCH against our copies.
   */
  private async serverChanges(
    client: ImapFlow,
    cursor: FolderCursor,
    mode: { condstore: boolean; vanished?: number[]; flagEvents?: Map<number, string[]> },
  ): Promise<{ flags: Map<number, string[]>; deleted: number[] }> {
    const range = `1:${cursor.lastUid}`;
    const flags = new Map<number, string[]>(mode.flagEvents ?? []);
    const fetchOptions = mode.condstore ? { uid: true, changedSince: BigInt(cursor.highestModseq!) } : { uid: true };
    for await (const m of client.fetch(range, { uid: true, flags: true }, fetchOptions)) {
      if (m.uid <= cursor.lastUid && m.flags) flags.set(m.uid, [...m.flags]);
    }
    if (mode.vanished) return { flags, deleted: mode.vanished.filter(uid => uid <= cursor.lastUid) };
    const onServer = new Set(((await client.search({ uid: range }, { uid: true })) || []) as number[]);
    const ours = await this.deps.messages.liveUids(cursor.id, cursor.uidValidity!);
    return { flags, deleted: ours.filter(uid => uid <= cursor.lastUid && !onServer.has(uid)) };
  }

  /**
   * Downloads and stores the fresh messages in UID order, as a pipeline of
   * four stages that overlap: while batch n+3 downloads (IMAP), n+2 is stored
   * (one transaction with its cursor), n+1 parsed (CPU) and n's outcomes and
   * hooks written (database), so the parser's CPU and the database's work run
   * side by side. Each stage keeps batch order; stores run one at a time, so
   * the cursor only ever moves over committed rows; parsing only takes
   * committed messages, so a message that brings the parser down is stored
   * and cannot stall the sync. A big message is streamed into the raw store
   * on its own and parsed from there, so it is never one buffer.
   */
  private async ingest(client: ImapFlow, cursor: FolderCursor, uidValidity: string, fresh: Fresh[], out: FolderResult, result: MailSyncResult): Promise<void> {
    const { messages, raw } = this.deps;
    const streaming = canStream(raw) ? raw : null;
    const isBig = (m: Fresh) => !!streaming && m.size > STREAM_ABOVE;
    let stored: Promise<unknown> = Promise.resolve();
    let parsing: Promise<unknown> = Promise.resolve();
    /** the last stage of each batch, in order; awaited a few batches behind to bound what is held */
    const recorded: Array<Promise<void>> = [];
    const quiet = <T>(p: Promise<T>) => {
      // rethrown where awaited; until then not an unhandled rejection
      p.catch(() => undefined);
      return p;
    };
    const enqueue = (items: Array<FetchedMessage | StagedMessage>, cursorUid: number) => {
      const store = quiet(
        stored.then(async () => {
          const toParse = await messages.ingestForParsing(cursor, uidValidity, items, cursorUid);
          const before = out.added;
          out.added += items.length;
          if (STATISTICS_AT.some(n => before < n && out.added >= n)) await messages.refreshStatistics();
          return toParse;
        }),
      );
      const parse = quiet(Promise.all([store, parsing]).then(([toParse]) => this.parseMany(toParse)));
      const previous = recorded[recorded.length - 1] ?? Promise.resolve();
      recorded.push(quiet(Promise.all([parse, previous]).then(([outcomes]) => this.recordParsed(outcomes, result))));
      stored = store;
      parsing = parse;
    };
    try {
      for (let i = 0; i < fresh.length; ) {
        if (isBig(fresh[i])) {
          const m = fresh[i++];
          await Promise.all([stored, parsing, ...recorded]);
          const download = await client.download(String(m.uid), undefined, { uid: true });
          // expunged between FETCH and download: nothing to store, the cursor may pass it
          enqueue(download.content ? [{ ...m, staged: await streaming!.stage(download.content) }] : [], m.uid);
          continue;
        }
        const items: FetchedMessage[] = [];
        let bytes = 0;
        let cursorUid = 0;
        while (i < fresh.length && items.length < this.batchSize && bytes < BATCH_BYTES && !isBig(fresh[i])) {
          const m = fresh[i++];
          cursorUid = m.uid;
          const download = await client.download(String(m.uid), undefined, { uid: true });
          if (!download.content) continue;
          const item = { ...m, raw: await readAll(download.content, download.meta?.expectedSize) };
          bytes += item.raw.length;
          items.push(item);
        }
        await stored;
        if (recorded.length >= IN_FLIGHT) await recorded[recorded.length - IN_FLIGHT];
        enqueue(items, cursorUid);
      }
    } finally {
      await Promise.all([stored, parsing, ...recorded]);
    }
  }

  /** What parsing needs, shared with the other ways mail arrives (Microsoft 365). */
  private get parsing(): ParseDeps {
    const { messages, raw, parser, logger } = this.deps;
    return { messages, raw, parser, logger, afterParsed: ids => this.afterParsed(ids) };
  }

  private async parseMany(raws: Map<string, Buffer | null>): Promise<ParseOutcome[]> {
    return parseEach(this.parsing, raws);
  }

  private async recordParsed(outcomes: ParseOutcome[], result: MailSyncResult): Promise<void> {
    const n = await recordParsed(this.parsing, outcomes);
    result.parsed += n.parsed;
    result.failed += n.failed;
  }

  private async parseAll(ids: string[], result: MailSyncResult): Promise<void> {
    const n = await parseStored(this.parsing, ids);
    result.parsed += n.parsed;
    result.failed += n.failed;
  }

  /** Runs the after-parse hooks; a failing hook keeps its own state for a later run and never undoes the stored mail. */
  async afterParsed(ids: string[]): Promise<void> {
    if (!ids.length) return;
    for (const hook of this.deps.hooks ?? []) {
      try {
        await hook.afterParsed(ids);
      } catch (e) {
        this.deps.logger.warn(`mail ${hook.name} after parsing ${ids.length} message(s) failed: ${(e as Error).message}`);
      }
    }
  }

  /** Re-parses a failed message from its stored raw (after a parser fix). */
  async retryFailed(messageId: string): Promise<boolean> {
    const input = await this.deps.messages.parseInput(messageId);
    if (!input) throw new MailError(404, 'messageNotFound');
    if (input.status !== 'failed') throw new MailError(409, 'notFailed');
    return (await parseStored(this.parsing, [messageId])).parsed === 1;
  }

  async syncState(accountId: string): Promise<MailSyncState> {
    const status = await this.deps.accounts.syncStatus(accountId);
    if (!status) throw new MailError(404, 'accountNotFound');
    return {
      accountId,
      lastSyncAt: toIsoOrNull(status.lastSyncAt),
      lastError: status.lastError,
      folders: await this.deps.messages.folderStates(accountId),
      counts: await this.deps.messages.counts(accountId),
      failures: await this.deps.messages.failures(accountId),
    };
  }
}
