import type { Knex } from 'knex';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Page } from '@cocrm/plugin-access-common';
import { fetchPage, toIso } from '@cocrm/plugin-access-node';
import type { MailAddress, RoutedMailEntry } from '@cocrm/plugin-mail-common';
import type { MailboxAccess } from '../service/MailboxAccess';
import type { CustomerVisibility } from './CustomerVisibility';

const SNIPPET = 200;
/** what a mailbox's sharing shows those who do not read it; reading it ranks above all (3) */
const SHARING_RANK: Record<string, number> = { everything: 2, subject: 1, nothing: 0 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS = ['m.id', 'm.thread_id', 'm.received_at', 'm.subject', 'm.from_json', 'm.to_json', 'm.direction'];

const addresses = (json: unknown): MailAddress[] => (typeof json === 'string' ? (JSON.parse(json) as MailAddress[]) : []);

function snippetOf(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? flat.slice(0, SNIPPET) : null;
}

/**
 * Routed mail as customer and contact pages show it. Two gates, both needed:
 * the caller may see the customer (the CRM's permission), and the mailbox lets
 * the caller see the message — the caller reads the mailbox, or its owner
 * shares routed mail ('everything' in full, 'subject' without the text,
 * 'nothing' not at all). The second gate is SQL over the message's live
 * copies, so paging and counts never see more than the caller may.
 */
export class RoutedMail {
  constructor(
    private readonly deps: {
      knex: Knex;
      access: Pick<MailboxAccess, 'readableAccountIds'>;
      customers: CustomerVisibility;
    },
  ) {}

  /** The customer's routed mail for the timeline, newest first; `before` an ISO time or a message id from the last page. */
  async forCustomer(credentials: BackstageCredentials, customerId: string, options: { before?: string; limit: number }): Promise<RoutedMailEntry[]> {
    const { knex, access, customers } = this.deps;
    if (!(await customers.maySee(credentials, customerId))) return [];
    const readable = await access.readableAccountIds(credentials);
    const q = knex('mail_messages as m')
      .join('mail_links as l', 'l.thread_id', 'm.thread_id')
      .where({ 'l.customer_id': customerId, 'l.state': 'linked' })
      .whereIn('m.direction', ['in', 'out'])
      .whereExists(this.sharedCopy(readable));
    if (options.before) await this.applyBefore(q, options.before);
    const rows: Array<Record<string, unknown>> = await q
      .orderBy('m.received_at', 'desc')
      .orderBy('m.id', 'desc')
      .limit(options.limit)
      .select([...COLUMNS, 'l.customer_id as customer_id']);
    return this.hydrate(rows, readable);
  }

  /** Mail of threads linked to the contact's customer in which the contact takes part. */
  async forContact(credentials: BackstageCredentials, contactId: string, request: { page: number; pageSize: number }): Promise<Page<RoutedMailEntry>> {
    const { knex, access, customers } = this.deps;
    const owners: Array<{ customer_id: string }> = await knex('mail_message_contacts').where({ contact_id: contactId }).distinct('customer_id');
    const allowed = [...(await customers.visible(credentials, owners.map(o => o.customer_id)))];
    if (!allowed.length) return { items: [], totalCount: 0, page: request.page, pageSize: request.pageSize };
    const readable = await access.readableAccountIds(credentials);
    const base = () =>
      knex('mail_messages as m')
        .join('mail_message_contacts as mt', 'mt.message_id', 'm.id')
        .join('mail_links as l', j => j.on('l.thread_id', '=', 'm.thread_id').andOn('l.customer_id', '=', 'mt.customer_id'))
        .where('mt.contact_id', contactId)
        .whereIn('mt.customer_id', allowed)
        .where('l.state', 'linked')
        .whereIn('m.direction', ['in', 'out'])
        .whereExists(this.sharedCopy(readable));
    return fetchPage<Record<string, unknown>, RoutedMailEntry>({
      count: base().count('* as n'),
      rows: base().select([...COLUMNS, 'mt.customer_id as customer_id']),
      sortColumn: 'm.received_at',
      idColumn: 'm.id',
      request: { ...request, order: 'desc' },
      hydrate: rows => this.hydrate(rows, readable),
    });
  }

  /** A live copy in a mailbox the caller reads, or in one whose owner shares at least subjects. */
  private sharedCopy(readable: string[]): Knex.QueryBuilder {
    const { knex } = this.deps;
    return knex('mail_copies as c')
      .join('mail_accounts as a', 'a.id', 'c.account_id')
      .whereRaw('c.message_id = m.id')
      .whereNull('c.deleted_at')
      .whereNull('a.deleted_at')
      .where(b => b.whereIn('c.account_id', readable).orWhereIn('a.sharing', ['everything', 'subject']))
      .select(knex.raw('1'));
  }

  private async applyBefore(q: Knex.QueryBuilder, before: string): Promise<void> {
    if (UUID.test(before)) {
      const row = await this.deps.knex('mail_messages').where({ id: before }).first('received_at');
      if (!row) return;
      q.where(b => b.where('m.received_at', '<', row.received_at).orWhere(s => s.where('m.received_at', row.received_at).where('m.id', '<', before)));
      return;
    }
    q.where('m.received_at', '<', new Date(before));
  }

  /**
   * Per message, the best way the caller sees it: a mailbox they read, else
   * the most generous sharing ('full' = read or shared in full). Messages the
   * caller may not see at all are missing from the map. The customer gate is
   * the caller's to check first.
   */
  async visibilityOf(messageIds: string[], readable: string[]): Promise<Map<string, { owner: string; visibility: 'full' | 'subject' }>> {
    const { knex } = this.deps;
    const out = new Map<string, { owner: string; visibility: 'full' | 'subject' }>();
    if (!messageIds.length) return out;
    const copies: Array<{ message_id: string; account_id: string; owner: string; sharing: string }> = await knex('mail_copies as c')
      .join('mail_accounts as a', 'a.id', 'c.account_id')
      .whereIn('c.message_id', messageIds)
      .whereNull('c.deleted_at')
      .whereNull('a.deleted_at')
      .distinct('c.message_id', 'c.account_id', 'a.owner', 'a.sharing');
    const readableIds = new Set(readable);
    const rank = (c: { account_id: string; sharing: string }) => (readableIds.has(c.account_id) ? 3 : SHARING_RANK[c.sharing] ?? 0);
    const best = new Map<string, { owner: string; rank: number }>();
    for (const c of copies) {
      const r = rank(c);
      const had = best.get(c.message_id);
      if (r > 0 && (!had || r > had.rank || (r === had.rank && c.owner < had.owner))) best.set(c.message_id, { owner: c.owner, rank: r });
    }
    for (const [id, b] of best) out.set(id, { owner: b.owner, visibility: b.rank > 1 ? 'full' : 'subject' });
    return out;
  }

  private async hydrate(rows: Array<Record<string, unknown>>, readable: string[]): Promise<RoutedMailEntry[]> {
    const { knex } = this.deps;
    if (!rows.length) return [];
    const ids = rows.map(r => String(r.id));
    const best = await this.visibilityOf(ids, readable);
    const texts: Array<{ id: string; text_head: string | null }> = await knex('mail_messages')
      .whereIn('id', ids.filter(id => best.get(id)?.visibility === 'full'))
      .select('id', knex.raw('substr(text_body, 1, ?) as text_head', [SNIPPET * 4]));
    const textOf = new Map(texts.map(t => [t.id, t.text_head]));
    const contacts: Array<{ message_id: string; customer_id: string; contact_id: string }> = await knex('mail_message_contacts')
      .whereIn('message_id', ids)
      .select('message_id', 'customer_id', 'contact_id');
    const out: RoutedMailEntry[] = [];
    for (const r of rows) {
      const id = String(r.id);
      const seen = best.get(id);
      // the copy that made it visible may have gone between the page query and now
      if (!seen) continue;
      const customerId = String(r.customer_id);
      const full = seen.visibility === 'full';
      out.push({
        id,
        threadId: String(r.thread_id),
        at: toIso(r.received_at),
        subject: (r.subject as string | null) ?? null,
        snippet: full ? snippetOf(textOf.get(id)) : null,
        from: addresses(r.from_json)[0] ?? null,
        to: addresses(r.to_json),
        visibility: full ? 'full' : 'subject',
        mailboxOwner: seen.owner,
        direction: r.direction === 'out' ? 'out' : 'in',
        customerId,
        contactIds: contacts
          .filter(c => c.message_id === id && c.customer_id === customerId)
          .map(c => c.contact_id)
          .sort(),
      });
    }
    return out;
  }
}
