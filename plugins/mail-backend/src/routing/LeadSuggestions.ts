import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Page } from '@cocrm/plugin-access-common';
import { fetchPage, toIso } from '@cocrm/plugin-access-node';
import type { MailAddress, MailLeadSuggestion } from '@cocrm/plugin-mail-common';
import type { MailboxAccess } from '../service/MailboxAccess';

const IN_CHUNK = 500;

/**
 * Unknown external senders of mailboxes that ask for it (suggest_leads): one
 * suggestion per mailbox and address, counting each message once however
 * often it is routed. Stored until the CRM has leads to create from them.
 */
export class LeadSuggestions {
  constructor(
    private readonly deps: {
      knex: Knex;
      access: Pick<MailboxAccess, 'readableAccountIds'>;
    },
  ) {}

  /** Records the senders of these messages for every suggest_leads mailbox holding a live copy. */
  async record(messages: Array<{ id: string; from: MailAddress; receivedAt: unknown }>): Promise<void> {
    const { knex } = this.deps;
    if (!messages.length) return;
    const holders: Array<{ message_id: string; account_id: string }> = [];
    for (let i = 0; i < messages.length; i += IN_CHUNK) {
      holders.push(
        ...(await knex('mail_copies as c')
          .join('mail_accounts as a', 'a.id', 'c.account_id')
          .whereIn(
            'c.message_id',
            messages.slice(i, i + IN_CHUNK).map(m => m.id),
          )
          .whereNull('c.deleted_at')
          .whereNull('a.deleted_at')
          .where('a.suggest_leads', true)
          .distinct('c.message_id', 'c.account_id')),
      );
    }
    const byId = new Map(messages.map(m => [m.id, m]));
    for (const h of holders) {
      const m = byId.get(h.message_id)!;
      await this.count(h.account_id, m.from, m.id, m.receivedAt);
    }
  }

  private async count(accountId: string, from: MailAddress, messageId: string, receivedAt: unknown): Promise<void> {
    const { knex } = this.deps;
    const address = from.address.toLowerCase();
    const now = new Date();
    const at = new Date(receivedAt as string | number | Date);
    await knex.transaction(async trx => {
      await trx('mail_lead_suggestions')
        .insert({
          id: randomUUID(),
          account_id: accountId,
          address,
          name: from.name || null,
          first_message_id: messageId,
          first_at: at,
          last_at: at,
          message_count: 0,
          created_at: now,
          updated_at: now,
        })
        .onConflict(['account_id', 'address'])
        .ignore();
      const s = await trx('mail_lead_suggestions').where({ account_id: accountId, address }).first('id', 'first_at', 'last_at', 'name');
      await trx('mail_lead_suggestion_messages').insert({ suggestion_id: s.id, message_id: messageId }).onConflict(['suggestion_id', 'message_id']).ignore();
      const n = await trx('mail_lead_suggestion_messages').where({ suggestion_id: s.id }).count('* as n').first();
      const first = new Date(toIso(s.first_at));
      const last = new Date(toIso(s.last_at));
      await trx('mail_lead_suggestions')
        .where({ id: s.id })
        .update({
          message_count: Number(n?.n ?? 0),
          ...(at < first ? { first_at: at, first_message_id: messageId } : {}),
          ...(at > last ? { last_at: at } : {}),
          ...(!s.name && from.name ? { name: from.name } : {}),
          updated_at: now,
        });
    });
  }

  /** The CRM knows these addresses now: their suggestions are answered. */
  async forget(addresses: string[]): Promise<void> {
    const { knex } = this.deps;
    for (let i = 0; i < addresses.length; i += IN_CHUNK) {
      const part = addresses.slice(i, i + IN_CHUNK);
      // routing calls this for every batch, and there is rarely anything to forget: a read, and writes only when there is
      const ids = (await knex('mail_lead_suggestions').whereIn('address', part).select('id')).map((r: { id: string }) => r.id);
      if (!ids.length) continue;
      // explicit: SQLite enforces ON DELETE CASCADE only with foreign keys switched on
      await knex('mail_lead_suggestion_messages').whereIn('suggestion_id', ids).delete();
      await knex('mail_lead_suggestions').whereIn('id', ids).delete();
    }
  }

  /** Suggestions of the mailboxes the caller may read, the latest mail first. */
  async list(credentials: BackstageCredentials, request: { page: number; pageSize: number }): Promise<Page<MailLeadSuggestion>> {
    const { knex, access } = this.deps;
    const readable = await access.readableAccountIds(credentials);
    const base = () => knex('mail_lead_suggestions as s').whereIn('s.account_id', readable);
    return fetchPage<Record<string, unknown>, MailLeadSuggestion>({
      count: base().count('* as n'),
      rows: base().select('s.*'),
      sortColumn: 's.last_at',
      idColumn: 's.id',
      request: { ...request, order: 'desc' },
      hydrate: rows =>
        rows.map(r => ({
          id: String(r.id),
          accountId: String(r.account_id),
          address: String(r.address),
          name: (r.name as string | null) ?? null,
          firstMessageId: String(r.first_message_id),
          firstAt: toIso(r.first_at),
          lastAt: toIso(r.last_at),
          messageCount: Number(r.message_count),
        })),
    });
  }
}
