import type { Knex } from 'knex';
import type { MailAddress } from '@cocrm/plugin-mail-common';
import type { ParsedMessageHook } from '../service/hooks';
import { isPg, RowUpdate, updateEach } from '../database/batchSql';
import { bigramsOf, buildSearchText } from './searchText';

const addresses = (json: unknown): MailAddress[] => {
  if (typeof json !== 'string') return [];
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
};

const BATCH = 50;

/**
 * Fills mail_messages.search_text (and on PostgreSQL search_bigrams) after a
 * message parsed: the first after-parse hook, so that mail is findable as soon
 * as it is shown. Idempotent; what a crash or a failing run leaves unindexed
 * (search_text still null) is picked up by `indexMissing`, which also indexes
 * mail parsed before this hook existed.
 */
export class SearchIndexer implements ParsedMessageHook {
  readonly name = 'search';

  constructor(private readonly knex: Knex) {}

  async afterParsed(messageIds: string[]): Promise<void> {
    for (let i = 0; i < messageIds.length; i += BATCH) {
      await this.index(messageIds.slice(i, i + BATCH));
    }
  }

  /** Indexes up to `limit` parsed messages that have no search text yet; returns how many it did. */
  async indexMissing(limit = 500): Promise<number> {
    const rows: Array<{ id: string }> = await this.knex('mail_messages').where({ parse_status: 'parsed' }).whereNull('search_text').limit(limit).select('id');
    await this.afterParsed(rows.map(r => r.id));
    return rows.length;
  }

  /** One read and one write per batch, whatever its size. */
  private async index(ids: string[]): Promise<void> {
    // parse_status filtered here: in SQL, SQLite without statistics would scan its index instead of the primary key
    const rows = (
      await this.knex('mail_messages').whereIn('id', ids).select('id', 'parse_status', 'subject', 'from_json', 'to_json', 'cc_json', 'reply_to_json', 'text_body', 'html_body')
    ).filter(r => r.parse_status === 'parsed');
    const pg = isPg(this.knex);
    const updates: RowUpdate[] = rows.map(r => {
      const text = buildSearchText({
        subject: r.subject,
        from: addresses(r.from_json),
        to: addresses(r.to_json),
        cc: addresses(r.cc_json),
        replyTo: addresses(r.reply_to_json),
        text: r.text_body,
        html: r.html_body,
      });
      return { id: String(r.id), set: pg ? { search_text: text, search_bigrams: bigramsOf(text) } : { search_text: text } };
    });
    await updateEach(this.knex, 'mail_messages', updates, { pgTypes: { search_bigrams: 'text[]' } });
  }
}
