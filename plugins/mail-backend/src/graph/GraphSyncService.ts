import type { LoggerService } from '@backstage/backend-plugin-api';
import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { GRAPH_DEFAULT_FOLDERS, MailAccount, MailSyncResult } from '@cocrm/plugin-mail-common';
import type { AccountStore } from '../database/AccountStore';
import type { MessageStore } from '../database/MessageStore';
import { MailError } from '../errors';
import { graphReason, graphStatus, isSyncStateGone } from './graphErrors';
import type { GraphChange, GraphFolder, GraphPresent, GraphStore } from './GraphStore';
import { ParseDeps, parseStored } from '../service/parseStored';

export interface GraphSyncOptions {
  /** messages per delta page, i.e. per transaction (Prefer: odata.maxpagesize; default 50) */
  pageSize?: number;
  /** parallel MIME downloads; Exchange allows 4 concurrent requests per mailbox (default 3) */
  downloadConcurrency?: number;
}

type FolderResult = MailSyncResult['folders'][number];

/** One item of a messages delta page, with the properties we select. */
interface DeltaItem {
  id: string;
  '@removed'?: { reason?: string };
  isRead?: boolean;
  isDraft?: boolean;
  flag?: { flagStatus?: string };
  receivedDateTime?: string;
}

interface DeltaPage {
  value?: DeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const SELECT = 'isRead,isDraft,flag,receivedDateTime';

/** The IMAP special use of Graph's well-known folders, so the webmail shows them alike. */
const SPECIAL_USE: Record<string, string> = {
  inbox: '\\Inbox',
  sentitems: '\\Sent',
  drafts: '\\Drafts',
  deleteditems: '\\Trash',
  junkemail: '\\Junk',
  archive: '\\Archive',
};

/** Graph's state as IMAP flags: the store and the webmail know only those. */
function flagsOf(item: DeltaItem): string[] | undefined {
  if (item.isRead === undefined && item.flag === undefined && item.isDraft === undefined) return undefined;
  const flags: string[] = [];
  if (item.isRead) flags.push('\\Seen');
  if (item.flag?.flagStatus === 'flagged') flags.push('\\Flagged');
  if (item.isDraft) flags.push('\\Draft');
  return flags;
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const seg = encodeURIComponent;

/**
 * Pulls Microsoft 365 mailboxes into the same store as IMAP, exactly once.
 * Per folder a delta query with immutable ids: each page is committed in one
 * transaction (raw → logical message by Message-ID → copy by immutable id →
 * `@removed` → flags), and the delta link is stored only with the last
 * page's rows. An expired link restarts the listing; a full listing ends by
 * marking the copies it did not report as deleted. Parsing follows each
 * commit, through the same parser and after-parse hooks as IMAP.
 */
export class GraphSyncService {
  private readonly pageSize: number;
  private readonly concurrency: number;

  constructor(
    private readonly deps: {
      accounts: Pick<AccountStore, 'get' | 'recordSync'>;
      messages: MessageStore;
      store: GraphStore;
      /** the reading client: GETs retried on throttling */
      client: Client;
      parse: ParseDeps;
      logger: LoggerService;
    },
    options: GraphSyncOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 50;
    this.concurrency = Math.max(1, options.downloadConcurrency ?? 3);
  }

  async syncAccount(accountId: string): Promise<MailSyncResult> {
    const { accounts, messages } = this.deps;
    const account = await accounts.get(accountId);
    if (!account) throw new MailError(404, 'accountNotFound');
    const result: MailSyncResult = { accountId, folders: [], parsed: 0, failed: 0 };
    try {
      const mailbox = this.mailboxOf(account);
      const folders = account.folders.length ? account.folders : GRAPH_DEFAULT_FOLDERS;
      for (const name of folders) result.folders.push(await this.syncFolder(accountId, mailbox, name, result));
      // committed by an earlier run that stopped before parsing them
      this.count(result, await parseStored(this.deps.parse, await messages.pendingMessageIds(accountId)));
      await accounts.recordSync(accountId, new Date(), null);
      return result;
    } catch (e) {
      await accounts.recordSync(accountId, new Date(), graphReason(e));
      throw e;
    }
  }

  /** Null when the app may read the mailbox; otherwise why not (for trying an account before saving it). */
  async checkMailbox(mailbox: string): Promise<string | null> {
    try {
      await this.deps.client.api(`/users/${seg(mailbox)}/mailFolders/inbox`).select('id').get();
      return null;
    } catch (e) {
      return graphReason(e);
    }
  }

  private mailboxOf(account: MailAccount): string {
    if (account.provider !== 'graph' || !account.graphMailbox) throw new Error(`Mail account ${account.id} is not a Microsoft 365 mailbox`);
    return account.graphMailbox;
  }

  private count(result: MailSyncResult, parsed: { parsed: number; failed: number }) {
    result.parsed += parsed.parsed;
    result.failed += parsed.failed;
  }

  private async syncFolder(accountId: string, mailbox: string, name: string, result: MailSyncResult): Promise<FolderResult> {
    const { messages, store, logger } = this.deps;
    const cursor = await messages.ensureFolder(accountId, name, SPECIAL_USE[name.toLowerCase()] ?? null);
    let folder = await store.folder(cursor.id);
    if (!folder.remoteId) {
      await store.setRemoteFolder(folder.id, await this.resolveFolder(mailbox, name));
      folder = await store.folder(folder.id);
    }
    const out: FolderResult = { path: name, added: 0, flagsUpdated: 0, deleted: 0, fullResync: folder.resyncing, changeDetection: 'delta' };
    if (folder.deltaLink) {
      try {
        await this.list(folder, mailbox, folder.deltaLink, out, result);
        return out;
      } catch (e) {
        if (!isSyncStateGone(e)) throw e;
        logger.info(`Delta link of Microsoft 365 folder ${name} (account ${accountId}) expired (${graphReason(e)}): full resync`);
        await store.startResync(folder.id);
        folder = await store.folder(folder.id);
        out.fullResync = true;
      }
    }
    await this.list(folder, mailbox, null, out, result);
    return out;
  }

  /** The folder's immutable id; the configured name may be a well-known name. */
  private async resolveFolder(mailbox: string, name: string): Promise<string> {
    try {
      const folder: { id: string } = await this.deps.client
        .api(`/users/${seg(mailbox)}/mailFolders/${seg(name)}`)
        .header('Prefer', 'IdType="ImmutableId"')
        .select('id')
        .get();
      return folder.id;
    } catch (e) {
      if (graphStatus(e) === 404) throw new Error(`Microsoft 365 folder "${name}" does not exist in ${mailbox}`);
      throw e;
    }
  }

  /**
   * Follows a delta listing to its end: from `link` (incremental), or from the
   * start (first import or resync) when it is null.
   */
  private async list(folder: GraphFolder, mailbox: string, link: string | null, out: FolderResult, result: MailSyncResult): Promise<void> {
    const { store } = this.deps;
    // a full listing collects what it reported: at its end the rest is gone
    const listed = link === null ? new Set<string>() : undefined;
    let url = link ?? `/users/${seg(mailbox)}/mailFolders/${seg(folder.remoteId!)}/messages/delta?$select=${SELECT}`;
    for (;;) {
      const page: DeltaPage = await this.deps.client.api(url).header('Prefer', `IdType="ImmutableId", odata.maxpagesize=${this.pageSize}`).get();
      const changes: GraphChange[] = (page.value ?? []).map(item => {
        if (item['@removed']) return { kind: 'removed', remoteId: item.id };
        listed?.add(item.id);
        const receivedAt = item.receivedDateTime ? new Date(item.receivedDateTime) : new Date();
        return { kind: 'present', remoteId: item.id, flags: flagsOf(item), receivedAt: Number.isNaN(receivedAt.getTime()) ? new Date() : receivedAt };
      });
      await this.download(folder.accountId, mailbox, changes);
      const deltaLink = page['@odata.deltaLink'];
      const applied = await store.applyPage(folder, { changes, deltaLink, listed });
      out.added += applied.added;
      out.flagsUpdated += applied.flagsUpdated;
      out.deleted += applied.deleted;
      this.count(result, await parseStored(this.deps.parse, applied.toParse));
      if (deltaLink) return;
      const next = page['@odata.nextLink'];
      if (!next) throw new Error(`Microsoft 365 delta page of folder ${folder.path} has neither a next link nor a delta link`);
      url = next;
    }
  }

  /** The MIME of the page's messages the account holds no copy of; a message gone meanwhile stays without one. */
  private async download(accountId: string, mailbox: string, changes: GraphChange[]): Promise<void> {
    const present = changes.filter((c): c is GraphPresent => c.kind === 'present');
    const known = await this.deps.store.knownRemoteIds(accountId, [...new Set(present.map(c => c.remoteId))]);
    const wanted = new Map<string, GraphPresent[]>();
    for (const c of present) if (!known.has(c.remoteId)) wanted.set(c.remoteId, [...(wanted.get(c.remoteId) ?? []), c]);
    await eachLimited([...wanted.keys()], this.concurrency, async remoteId => {
      try {
        const body: ArrayBuffer = await this.deps.client
          .api(`/users/${seg(mailbox)}/messages/${seg(remoteId)}/$value`)
          .header('Prefer', 'IdType="ImmutableId"')
          .responseType(ResponseType.ARRAYBUFFER)
          .get();
        const raw = Buffer.from(body);
        for (const c of wanted.get(remoteId)!) c.raw = raw;
      } catch (e) {
        if (graphStatus(e) !== 404) throw e;
      }
    });
  }
}
