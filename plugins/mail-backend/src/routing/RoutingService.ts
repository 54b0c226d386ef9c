import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MailAddress } from '@cocrm/plugin-mail-common';
import type { ParsedMessageHook } from '../service/hooks';
import type { MailboxAccess } from '../service/MailboxAccess';
import type { CrmRoutingClient } from './CrmRoutingClient';
import { deriveThreadLinks, replaceMatches } from './linkRows';
import type { LeadSuggestions } from './LeadSuggestions';
import { matchMessages } from './matchMessages';
import { Direction, directionOf, InternalAddresses, RoutableMessage } from './participants';
import { Threader } from './Threader';
import { IN_CHUNK, updateEach } from '../database/batchSql';

const BATCH = 100;

type Loaded = RoutableMessage & { threadId: string | null; receivedAt: unknown };

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message || e.name : String(e)).slice(0, 4000);

const list = (json: unknown): MailAddress[] => (typeof json === 'string' ? (JSON.parse(json) as MailAddress[]) : []);

/** What one routing pass did. */
export interface RouteResult {
  routed: number;
  failed: number;
}

/**
 * Routes parsed mail into customer records: threads it, decides whether it is
 * internal, asks the CRM which customers its external participants (and any
 * suite Message-ID it answers) belong to, and derives each thread's links.
 * A message's route_status is 'pending' until that is done; when the CRM
 * cannot answer it becomes 'failed' with the reason and routePending() — run
 * by the scheduler — takes it again. Nothing is routed to nobody.
 */
export class RoutingService implements ParsedMessageHook {
  readonly name = 'routing';
  private readonly threader: Threader;

  constructor(
    private readonly deps: {
      knex: Knex;
      access: Pick<MailboxAccess, 'internalAddresses'>;
      crm: CrmRoutingClient;
      leads: LeadSuggestions;
      logger: LoggerService;
    },
  ) {
    this.threader = new Threader(deps.knex);
  }

  /**
   * The after-parse hook. MessageStore.markParsed sets route_status 'pending'
   * in the update that stores the parse, and routePending takes unrouted mail
   * whatever its status (null included), so a crash in between loses nothing.
   */
  async afterParsed(messageIds: string[]): Promise<void> {
    for (let i = 0; i < messageIds.length; i += BATCH) await this.route(messageIds.slice(i, i + BATCH));
  }

  /**
   * Routes every parsed message not routed yet: pending ones (a crash, or parsed
   * before routing existed) and failed ones (the CRM was down). Each message is
   * tried at most once per call, so a CRM that is still down ends the call.
   */
  async routePending(): Promise<RouteResult> {
    const { knex } = this.deps;
    const total: RouteResult = { routed: 0, failed: 0 };
    let after: string | undefined;
    for (;;) {
      const q = knex('mail_messages')
        .where('parse_status', 'parsed')
        .where(b => b.whereNull('route_status').orWhereIn('route_status', ['pending', 'failed']));
      if (after) q.where('id', '>', after);
      const rows: Array<{ id: string }> = await q
        .orderBy('id')
        .limit(BATCH)
        .select('id');
      if (!rows.length) return total;
      const r = await this.route(rows.map(x => x.id));
      total.routed += r.routed;
      total.failed += r.failed;
      after = rows[rows.length - 1].id;
    }
  }

  /**
   * Matches every parsed message again (contacts or domains changed in the
   * CRM). Manual links and unlinks stay as they are; until a message is
   * matched again its old matches keep its thread's links.
   */
  async rematchAll(): Promise<number> {
    const n = await this.deps.knex('mail_messages').where('parse_status', 'parsed').update({ route_status: 'pending', route_error: null });
    return Number(n);
  }

  private async load(ids: string[]): Promise<Loaded[]> {
    // parse_status is filtered here, not in SQL: without statistics SQLite would read the parse_status index (every
    // parsed message) instead of the primary key
    const rows: Array<Record<string, unknown>> = await this.deps.knex('mail_messages')
      .whereIn('id', ids)
      .select('id', 'parse_status', 'message_key', 'message_id_header', 'from_json', 'to_json', 'cc_json', 'reply_to_json', 'in_reply_to', 'references_json', 'thread_id', 'received_at');
    return rows.filter(r => r.parse_status === 'parsed').map(r => ({
      id: String(r.id),
      messageKey: String(r.message_key),
      messageIdHeader: (r.message_id_header as string | null) ?? null,
      from: list(r.from_json),
      to: list(r.to_json),
      cc: list(r.cc_json),
      replyTo: list(r.reply_to_json),
      inReplyTo: (r.in_reply_to as string | null) ?? null,
      references: typeof r.references_json === 'string' ? (JSON.parse(r.references_json) as string[]) : [],
      threadId: (r.thread_id as string | null) ?? null,
      receivedAt: r.received_at,
    }));
  }

  /**
   * Routes a batch with a constant number of statements: after one read and
   * the CRM's answer, one transaction threads the batch, stores what the CRM
   * matched, writes each message's thread, direction and status in one
   * UPDATE and derives the threads' links.
   */
  private async route(ids: string[]): Promise<RouteResult> {
    const { knex, logger } = this.deps;
    const messages = await this.load(ids);
    if (!messages.length) return { routed: 0, failed: 0 };
    let internal: InternalAddresses;
    try {
      internal = await this.deps.access.internalAddresses();
    } catch (e) {
      // threads need nothing from outside: a reply joins its thread even so
      await this.threader.threadMany(messages).catch(threadError => logger.warn(`Threading ${messages.length} mail message(s) failed: ${threadError instanceof Error ? threadError.message : String(threadError)}`));
      await this.fail(messages.map(m => m.id), e);
      return { routed: 0, failed: messages.length };
    }
    const directed = messages.map(m => ({ ...m, direction: directionOf(m, internal) }));
    const outside = directed.filter(m => m.direction !== 'internal');
    const inside = directed.filter(m => m.direction === 'internal');
    try {
      const plan = await matchMessages(this.deps.crm, outside, internal);
      const threadOf = await knex.transaction(async trx => {
        const placed = await this.threader.assign(trx, messages);
        const threads = new Map(placed.map(p => [p.id, p.threadId]));
        await replaceMatches(trx, new Map(directed.map(m => [m.id, plan.matches.get(m.id) ?? []])));
        await this.setOutcome(
          trx,
          directed.map(m => ({ ...m, threadId: threads.get(m.id)!, status: 'routed' })),
          null,
        );
        await deriveThreadLinks(trx, [...new Set(threads.values())], plan.names);
        return threads;
      });
      await this.deps.leads.forget([...plan.known]);
      const unknown = outside.filter(m => plan.unknownSender.has(m.id) && m.from[0]);
      const unlinked = await this.withoutLinks(unknown.map(m => threadOf.get(m.id)!));
      await this.deps.leads.record(unknown.filter(m => unlinked.has(threadOf.get(m.id)!)).map(m => ({ id: m.id, from: m.from[0], receivedAt: m.receivedAt })));
      return { routed: directed.length, failed: 0 };
    } catch (e) {
      logger.warn(`Routing ${outside.length} mail message(s) failed, kept for the next run: ${e instanceof Error ? e.message : String(e)}`);
      // threads and colleagues' mail need no CRM; merged threads still need their links carried over
      await knex.transaction(async trx => {
        const placed = await this.threader.assign(trx, messages);
        const threads = new Map(placed.map(p => [p.id, p.threadId]));
        await replaceMatches(trx, new Map(inside.map(m => [m.id, []])));
        await this.setOutcome(
          trx,
          directed.map(m => ({ ...m, threadId: threads.get(m.id)!, status: m.direction === 'internal' ? 'routed' : 'failed' })),
          reasonOf(e),
        );
        await deriveThreadLinks(trx, [...new Set(threads.values())], new Map());
      });
      return { routed: inside.length, failed: outside.length };
    }
  }

  /**
   * Thread, direction and routing status of a batch in one UPDATE: the row
   * is written once (on PostgreSQL every version of it costs an entry in each
   * of its indexes, the search bigrams' GIN index among them). `error` is
   * kept on failed messages only.
   */
  private async setOutcome(
    db: Knex.Transaction,
    messages: Array<{ id: string; threadId: string; direction: Direction; status: 'routed' | 'failed' }>,
    error: string | null,
  ): Promise<void> {
    await updateEach(
      db,
      'mail_messages',
      messages.map(m => ({ id: m.id, set: { thread_id: m.threadId, direction: m.direction, route_status: m.status, route_error: m.status === 'failed' ? error : null } })),
      { pgTypes: { thread_id: 'uuid' } },
    );
  }

  private async setStatus(db: Knex | Knex.Transaction, ids: string[], status: 'routed' | 'failed', error: string | null): Promise<void> {
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      await db('mail_messages').whereIn('id', ids.slice(i, i + IN_CHUNK)).update({ route_status: status, route_error: error });
    }
  }

  private async fail(ids: string[], e: unknown): Promise<void> {
    if (!ids.length) return;
    await this.setStatus(this.deps.knex, ids, 'failed', reasonOf(e));
  }

  /** The threads among these that no customer is linked to. */
  private async withoutLinks(threadIds: string[]): Promise<Set<string>> {
    const unique = [...new Set(threadIds)];
    if (!unique.length) return new Set();
    const linked: Array<{ thread_id: string }> = await this.deps.knex('mail_links').whereIn('thread_id', unique).where('state', 'linked').distinct('thread_id');
    const has = new Set(linked.map(r => r.thread_id));
    return new Set(unique.filter(t => !has.has(t)));
  }
}
