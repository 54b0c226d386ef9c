import type { Knex } from 'knex';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Page } from '@cocrm/plugin-access-common';
import { fetchPage, likeContains, toIso } from '@cocrm/plugin-access-node';
import type {
  MailAccountKind,
  MailAddress,
  MailAttachmentMeta,
  MailProvider,
  MailboxView,
  MessageView,
  ThreadLink,
  ThreadSummary,
  ThreadView,
} from '@cocrm/plugin-mail-common';
import type { MailboxAccess } from '../service/MailboxAccess';
import { MailError } from '../errors';
import { FlagChange, FlagChanges } from './FlagChanges';
import { FLAGGED, SEEN, SEEN_LIKE, hasFlag } from './flagsJson';
import { SPECIAL_ORDER, folderName, specialUseOf } from './folders';
import { CopyRow, MESSAGE_COLUMNS, MessageRow, isEmbedded, jsonList, toMessageView } from './messageViews';
import type { RemoteImageSenders } from './RemoteImageSenders';
import { bodyText, foldForSearch, queryBigrams } from './searchText';
import { threadCustomers, threadLinks } from './threadLinks';

/** Who is reading: their mailboxes as a subquery, so every filter stays in SQL. */
export interface ReadScope {
  userRef: string;
  /** `SELECT id` of the mailboxes whose mail the caller may read (a fresh builder per use) */
  accounts(): Knex.QueryBuilder;
}

export interface ThreadListQuery {
  accountId?: string;
  folderId?: string;
  q?: string;
  unread?: boolean;
  page: number;
  pageSize: number;
}

const THREAD_KEY = 'COALESCE(m.thread_id, m.id)';
const SNIPPET = 160;
const isPg = (knex: Knex) => knex.client.config.client === 'pg';
const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

function snippetOf(text: string | null, html: string | null): string | null {
  const source = bodyText(text, html);
  if (!source) return null;
  const flat = source.replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, SNIPPET) : null;
}

/**
 * Webmail, read side: what the caller's mailboxes hold — folders with
 * counts, threads (searchable), messages with sanitized HTML — and flag
 * changes. Only live copies in mailboxes the caller may read count; what
 * lies outside reads as not found.
 */
export class WebmailService {
  private readonly flagChanges: FlagChanges;

  constructor(
    private readonly deps: {
      knex: Knex;
      access: MailboxAccess;
      senders: RemoteImageSenders;
    },
  ) {
    this.flagChanges = new FlagChanges(deps.knex);
  }

  async scope(credentials: BackstageCredentials): Promise<ReadScope> {
    const query = await this.deps.access.readableAccountsQuery(credentials, 'mail');
    const principal = credentials.principal as { userEntityRef?: string };
    return { userRef: principal.userEntityRef ?? '', accounts: () => query.clone() };
  }

  /** Live copies in readable mailboxes (optionally of one message / account / folder). */
  private liveCopies(scope: ReadScope, alias = 'c'): Knex.QueryBuilder {
    return this.deps.knex(`mail_copies as ${alias}`).whereNull(`${alias}.deleted_at`).whereIn(`${alias}.account_id`, scope.accounts());
  }

  private async assertAccount(scope: ReadScope, accountId: string): Promise<void> {
    const found = await this.deps.knex('mail_accounts').where({ id: accountId }).whereIn('id', scope.accounts()).first('id');
    if (!found) throw new MailError(404, 'accountNotFound');
  }

  async mailboxes(scope: ReadScope): Promise<MailboxView[]> {
    const { knex } = this.deps;
    const accounts: Array<{ id: string; display_name: string; email: string; kind: string; provider: string }> = await knex('mail_accounts')
      .whereIn('id', scope.accounts())
      .whereNull('deleted_at')
      .orderBy([{ column: 'kind', order: 'asc' }, { column: 'display_name', order: 'asc' }, { column: 'id', order: 'asc' }])
      .select('id', 'display_name', 'email', 'kind', 'provider');
    if (!accounts.length) return [];
    const folders: Array<{ id: string; account_id: string; path: string; special_use: string | null; total: number | string; unread: number | string | null }> =
      await knex('mail_folders as f')
        .leftJoin('mail_copies as c', b => b.on('c.folder_id', 'f.id').andOnNull('c.deleted_at'))
        .whereIn(
          'f.account_id',
          accounts.map(a => a.id),
        )
        .groupBy('f.id', 'f.account_id', 'f.path', 'f.special_use')
        .select(
          'f.id',
          'f.account_id',
          'f.path',
          'f.special_use',
          knex.raw('COUNT(c.id) as total'),
          knex.raw(`SUM(CASE WHEN c.id IS NOT NULL AND c.flags NOT LIKE ? ESCAPE '!' THEN 1 ELSE 0 END) as unread`, [SEEN_LIKE]),
        );
    const rank = (s: string | null) => {
      const i = s ? SPECIAL_ORDER.indexOf(s as (typeof SPECIAL_ORDER)[number]) : -1;
      return i < 0 ? SPECIAL_ORDER.length : i;
    };
    return accounts.map(a => ({
      accountId: a.id,
      displayName: a.display_name,
      email: a.email,
      kind: (a.kind === 'shared' ? 'shared' : 'personal') as MailAccountKind,
      provider: (a.provider === 'graph' ? 'graph' : 'imap') as MailProvider,
      folders: folders
        .filter(f => f.account_id === a.id)
        .map(f => ({
          id: f.id,
          path: f.path,
          name: folderName(f.path),
          specialUse: specialUseOf(f.path, f.special_use),
          total: Number(f.total),
          unread: Number(f.unread ?? 0),
        }))
        .sort((x, y) => rank(x.specialUse) - rank(y.specialUse) || x.path.localeCompare(y.path)),
    }));
  }

  /** Search over subject, participants and body: trigram index (3+ characters) or bigram index (2) on PostgreSQL. */
  private whereSearch(qb: Knex.QueryBuilder, q: string): void {
    const folded = foldForSearch(q.trim());
    if (!folded) return;
    if (isPg(this.deps.knex)) {
      const grams = queryBigrams(folded);
      if (grams.length) qb.whereRaw(`m.search_bigrams @> ARRAY[${grams.map(() => '?').join(', ')}]::text[]`, grams);
    }
    qb.whereRaw(`m.search_text LIKE ? ESCAPE '\\'`, [likeContains(folded)]);
  }

  async threads(scope: ReadScope, query: ThreadListQuery): Promise<Page<ThreadSummary>> {
    const { knex } = this.deps;
    if (query.accountId) await this.assertAccount(scope, query.accountId);
    if (query.folderId) {
      const folder = await knex('mail_folders').where({ id: query.folderId }).whereIn('account_id', scope.accounts()).first('id');
      if (!folder) throw new MailError(404, 'folderNotFound');
    }
    // the messages that put a thread on this list: a live copy where the caller looks
    const inScope = this.liveCopies(scope).select('c.message_id');
    if (query.accountId) inScope.where('c.account_id', query.accountId);
    if (query.folderId) inScope.where('c.folder_id', query.folderId);
    if (query.unread) inScope.whereRaw(`c.flags NOT LIKE ? ESCAPE '!'`, [SEEN_LIKE]);
    const matching = () => {
      const qb = knex('mail_messages as m').whereIn('m.id', inScope.clone());
      if (query.q) this.whereSearch(qb, query.q);
      return qb;
    };
    // each listed thread with every message of it the caller may read (the sent reply beside the inbox)
    const rows = knex('mail_messages as m')
      .whereIn('m.id', this.liveCopies(scope).select('c.message_id'))
      .whereRaw(`${THREAD_KEY} IN (?)`, [matching().select(knex.raw(`${THREAD_KEY} as tk`))])
      .groupByRaw(THREAD_KEY)
      .select(knex.raw(`${THREAD_KEY} as tk`), knex.raw('MAX(m.received_at) as last_at'), knex.raw('COUNT(*) as n'));
    const count = matching().select(knex.raw(`COUNT(DISTINCT ${THREAD_KEY}) as n`));
    return fetchPage<{ tk: string; last_at: unknown; n: number | string }, ThreadSummary>({
      count,
      rows,
      sortColumn: 'last_at',
      idColumn: 'tk',
      request: { page: query.page, pageSize: query.pageSize, order: 'desc' },
      hydrate: list => this.summaries(scope, list),
    });
  }

  private async summaries(scope: ReadScope, list: Array<{ tk: string; last_at: unknown; n: number | string }>): Promise<ThreadSummary[]> {
    const { knex } = this.deps;
    if (!list.length) return [];
    const keys = list.map(r => String(r.tk));
    const messages: Array<{
      id: string;
      thread_id: string | null;
      subject: string | null;
      from_json: string | null;
      to_json: string | null;
      cc_json: string | null;
      received_at: unknown;
      attachments_json: string | null;
    }> = await knex('mail_messages as m')
      .whereIn('m.id', this.liveCopies(scope).select('c.message_id'))
      .where(b => b.whereIn('m.thread_id', keys).orWhere(n => n.whereNull('m.thread_id').whereIn('m.id', keys)))
      .orderBy([{ column: 'm.received_at', order: 'asc' }, { column: 'm.id', order: 'asc' }])
      .select('m.id', 'm.thread_id', 'm.subject', 'm.from_json', 'm.to_json', 'm.cc_json', 'm.received_at', 'm.attachments_json');
    const ids = messages.map(m => m.id);
    const seen = new Set<string>(
      (await this.liveCopies(scope).whereIn('c.message_id', ids).whereRaw(`c.flags LIKE ? ESCAPE '!'`, [SEEN_LIKE]).distinct('c.message_id')).map(
        (r: { message_id: string }) => r.message_id,
      ),
    );
    const byThread = new Map<string, typeof messages>();
    for (const m of messages) {
      const key = m.thread_id ?? m.id;
      byThread.set(key, [...(byThread.get(key) ?? []), m]);
    }
    const latestIds = keys.map(k => byThread.get(k)?.at(-1)?.id).filter((x): x is string => !!x);
    const bodies: Array<{ id: string; t: string | null; h: string | null }> = await knex('mail_messages')
      .whereIn('id', latestIds)
      .select('id', knex.raw('substr(text_body, 1, 2000) as t'), knex.raw('CASE WHEN text_body IS NULL THEN substr(html_body, 1, 20000) END as h'));
    const customers = await threadCustomers(knex, keys);
    return list.map(r => {
      const key = String(r.tk);
      const thread = byThread.get(key) ?? [];
      const latest = thread.at(-1);
      const body = bodies.find(b => b.id === latest?.id);
      const participants: MailAddress[] = [];
      const add = (a: MailAddress) => {
        if (a?.address && !participants.some(p => p.address === a.address)) participants.push(a);
      };
      for (const m of thread) jsonList<MailAddress>(m.from_json).forEach(add);
      for (const m of thread) [...jsonList<MailAddress>(m.to_json), ...jsonList<MailAddress>(m.cc_json)].forEach(add);
      return {
        threadId: key,
        subject: thread.find(m => m.subject !== null)?.subject ?? null,
        participants: participants.slice(0, 10),
        lastAt: toIso(r.last_at),
        messageCount: Number(r.n),
        unread: thread.filter(m => !seen.has(m.id)).length,
        hasAttachments: thread.some(m => jsonList<MailAttachmentMeta>(m.attachments_json).some(a => !isEmbedded(a))),
        snippet: body ? snippetOf(body.t, body.h) : null,
        latestMessageId: latest?.id ?? key,
        customers: customers.get(key) ?? [],
      };
    });
  }

  private async copiesOf(scope: ReadScope, messageIds: string[]): Promise<CopyRow[]> {
    if (!messageIds.length) return [];
    return this.liveCopies(scope).whereIn('c.message_id', messageIds).orderBy('c.created_at').select('c.id', 'c.message_id', 'c.account_id', 'c.flags');
  }

  private async views(scope: ReadScope, rows: MessageRow[], showRemoteImages: boolean): Promise<MessageView[]> {
    const copies = await this.copiesOf(
      scope,
      rows.map(r => r.id),
    );
    const allowedSenders = await this.deps.senders.allowed(
      scope.userRef,
      rows.flatMap(r => jsonList<MailAddress>(r.from_json).map(a => a.address)),
    );
    return rows.map(r =>
      toMessageView(
        r,
        copies.filter(c => c.message_id === r.id),
        { allowedSenders, showRemoteImages },
      ),
    );
  }

  /** A message the caller may read (a live copy in a readable mailbox), else 404. */
  async messageRow(scope: ReadScope, id: string): Promise<MessageRow> {
    if (!isUuid(id)) throw new MailError(404, 'messageNotFound');
    const row: MessageRow | undefined = await this.deps
      .knex('mail_messages as m')
      .where('m.id', id)
      .whereIn('m.id', this.liveCopies(scope).select('c.message_id'))
      .first(MESSAGE_COLUMNS);
    if (!row) throw new MailError(404, 'messageNotFound');
    return row;
  }

  async message(scope: ReadScope, id: string, options: { showRemoteImages: boolean }): Promise<MessageView> {
    const [view] = await this.views(scope, [await this.messageRow(scope, id)], options.showRemoteImages);
    return view;
  }

  /**
   * A thread by its id — or by the id of one of its messages, so a link made
   * before routing threaded the message still opens its conversation.
   */
  async thread(scope: ReadScope, threadId: string, options: { showRemoteImages: boolean }): Promise<ThreadView> {
    const { knex } = this.deps;
    if (!isUuid(threadId)) throw new MailError(404, 'threadNotFound');
    const readable = () => knex('mail_messages as m').whereIn('m.id', this.liveCopies(scope).select('c.message_id'));
    let key = threadId;
    if (!(await readable().where('m.thread_id', threadId).first('m.id'))) {
      const message: { id: string; thread_id: string | null } | undefined = await readable().where('m.id', threadId).first('m.id', 'm.thread_id');
      if (!message) throw new MailError(404, 'threadNotFound');
      key = message.thread_id ?? message.id;
    }
    const rows: MessageRow[] = await readable()
      .where(b => b.where('m.thread_id', key).orWhere(n => n.whereNull('m.thread_id').where('m.id', key)))
      .orderBy([{ column: 'm.received_at', order: 'asc' }, { column: 'm.id', order: 'asc' }])
      .select(MESSAGE_COLUMNS);
    const messages = await this.views(scope, rows, options.showRemoteImages);
    const links: ThreadLink[] = await threadLinks(knex, key);
    return { threadId: key, subject: messages.find(m => m.subject !== null)?.subject ?? null, messages, links };
  }

  /** The stored raw message of a readable message. */
  async rawOf(scope: ReadScope, id: string): Promise<{ rawRef: string; subject: string | null; attachments: MailAttachmentMeta[] }> {
    await this.messageRow(scope, id);
    const row = await this.deps.knex('mail_messages').where({ id }).first('raw_ref', 'subject', 'attachments_json');
    return { rawRef: row.raw_ref, subject: row.subject, attachments: jsonList<MailAttachmentMeta>(row.attachments_json) };
  }

  /** 标为已读 / 星标: on the caller's readable copies now (or one mailbox's), on the server with the next sync. */
  async setFlags(scope: ReadScope, id: string, change: FlagChange & { accountId?: string }, actor: string): Promise<{ flags: string[]; seen: boolean; flagged: boolean }> {
    await this.messageRow(scope, id);
    if (change.accountId) await this.assertAccount(scope, change.accountId);
    const copies = this.liveCopies(scope).where('c.message_id', id).select('c.id');
    if (change.accountId) copies.where('c.account_id', change.accountId);
    const ids: string[] = (await copies).map((r: { id: string }) => r.id);
    if (!ids.length) throw new MailError(404, 'messageNotFound');
    const after = await this.flagChanges.apply(ids, change, actor);
    const flags = [...new Set([...after.values()].flat())].sort();
    return { flags, seen: hasFlag(flags, SEEN), flagged: hasFlag(flags, FLAGGED) };
  }
}
