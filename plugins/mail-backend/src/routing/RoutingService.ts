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

const BATCH = 100;
const IN_CHUNK = 500;

type Loaded = RoutableMessage & { threadId: string | null; receivedAt: unknown };

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

  /** The after-parse hook: mark first, so a crash in between leaves the messages for routePending. */
  async afterParsed(messageIds: string[]): Promise<void> {
    const { knex } = this.deps;
    for (let i = 0; i < messageIds.length; i += IN_CHUNK) {
      await knex('mail_messages')
        .whereIn('id', messageIds.slice(i, i + IN_CHUNK))
        .where('parse_status', 'parsed')
        .whereNull('route_status')
        .update({ route_status: 'pending' });
    }
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
    const rows: Array<Record<string, unknown>> = await this.deps.knex('mail_messages')
      .whereIn('id', ids)
      .where('parse_status', 'parsed')
      .select('id', 'message_key', 'message_id_header', 'from_json', 'to_json', 'cc_json', 'reply_to_json', 'in_reply_to', 'references_json', 'thread_id', 'received_at');
    return rows.map(r => ({
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

  private async route(ids: string[]): Promise<RouteResult> {
    const { knex, logger } = this.deps;
    const messages = await this.load(ids);
    if (!messages.length) return { routed: 0, failed: 0 };
    let internal: InternalAddresses;
    try {
      // threads need nothing from outside: a reply joins its thread even while the CRM is down
      await this.threader.threadMany(messages);
      internal = await this.deps.access.internalAddresses();
    } catch (e) {
      await this.fail(messages.map(m => m.id), e);
      return { routed: 0, failed: messages.length };
    }
    // read back: a later message of the batch may have merged an earlier one's thread into another
    const threadOf = await this.threadMap(messages.map(m => m.id));
    for (const m of messages) m.threadId = threadOf.get(m.id) ?? null;
    const currentThreads = [...new Set(threadOf.values())];
    const directed = messages.map(m => ({ ...m, direction: directionOf(m, internal) }));
    await this.saveDirections(directed);
    const outside = directed.filter(m => m.direction !== 'internal');
    const inside = directed.filter(m => m.direction === 'internal');
    try {
      const plan = await matchMessages(this.deps.crm, outside, internal);
      await knex.transaction(async trx => {
        for (const m of directed) await replaceMatches(trx, m.id, plan.matches.get(m.id) ?? []);
        await this.setStatus(trx, directed.map(m => m.id), 'routed', null);
      });
      await knex.transaction(async trx => {
        for (const t of currentThreads) await deriveThreadLinks(trx, t, plan.names);
      });
      await this.deps.leads.forget([...plan.known]);
      const unknown = outside.filter(m => plan.unknownSender.has(m.id) && m.from[0]);
      const unlinked = await this.withoutLinks(unknown.map(m => m.threadId!));
      await this.deps.leads.record(unknown.filter(m => unlinked.has(m.threadId!)).map(m => ({ id: m.id, from: m.from[0], receivedAt: m.receivedAt })));
      return { routed: directed.length, failed: 0 };
    } catch (e) {
      logger.warn(`Routing ${outside.length} mail message(s) failed, kept for the next run: ${e instanceof Error ? e.message : String(e)}`);
      // colleagues' mail needs no CRM; merged threads still need their links carried over
      await knex.transaction(async trx => {
        for (const m of inside) await replaceMatches(trx, m.id, []);
        await this.setStatus(trx, inside.map(m => m.id), 'routed', null);
      });
      for (const t of currentThreads) await deriveThreadLinks(knex, t, new Map());
      await this.fail(outside.map(m => m.id), e);
      return { routed: inside.length, failed: outside.length };
    }
  }

  private async threadMap(ids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; thread_id: string | null }> = await this.deps.knex('mail_messages').whereIn('id', ids).select('id', 'thread_id');
    return new Map(rows.filter(r => r.thread_id).map(r => [r.id, r.thread_id!]));
  }

  private async saveDirections(messages: Array<{ id: string; direction: Direction }>): Promise<void> {
    for (const direction of ['in', 'out', 'internal'] as const) {
      const ids = messages.filter(m => m.direction === direction).map(m => m.id);
      if (ids.length) await this.deps.knex('mail_messages').whereIn('id', ids).update({ direction });
    }
  }

  private async setStatus(db: Knex | Knex.Transaction, ids: string[], status: 'routed' | 'failed', error: string | null): Promise<void> {
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      await db('mail_messages').whereIn('id', ids.slice(i, i + IN_CHUNK)).update({ route_status: status, route_error: error });
    }
  }

  private async fail(ids: string[], e: unknown): Promise<void> {
    if (!ids.length) return;
    const reason = (e instanceof Error ? e.message || e.name : String(e)).slice(0, 4000);
    await this.setStatus(this.deps.knex, ids, 'failed', reason);
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
