import type { Knex } from 'knex';
import { toBool, toIso } from '@cocrm/plugin-access-node';
import type { CustomerRef, MailLinkSource, ThreadLink } from '@cocrm/plugin-mail-common';
import { jsonList } from './messageViews';

/*
 * A thread's customers as routing recorded them (mail_links, written by
 * src/routing). Read here for the list and the thread view only; linking and
 * unlinking go through the routing routes.
 */

export async function threadCustomers(knex: Knex, threadIds: string[]): Promise<Map<string, CustomerRef[]>> {
  const out = new Map<string, CustomerRef[]>();
  if (!threadIds.length) return out;
  const rows: Array<{ thread_id: string; customer_id: string; customer_name: string | null }> = await knex('mail_links')
    .whereIn('thread_id', threadIds)
    .where({ state: 'linked' })
    .orderBy(['thread_id', 'customer_name', 'customer_id'])
    .select('thread_id', 'customer_id', 'customer_name');
  for (const r of rows) out.set(r.thread_id, [...(out.get(r.thread_id) ?? []), { id: r.customer_id, name: r.customer_name ?? '' }]);
  return out;
}

export async function threadLinks(knex: Knex, threadId: string): Promise<ThreadLink[]> {
  const rows = await knex('mail_links').where({ thread_id: threadId }).orderBy(['customer_name', 'customer_id']);
  return rows.map(r => ({
    customerId: r.customer_id,
    customerName: r.customer_name ?? '',
    contactIds: jsonList<string>(r.contact_ids),
    source: r.source as MailLinkSource,
    state: r.state === 'unlinked' ? 'unlinked' : 'linked',
    manual: toBool(r.manual),
    by: r.updated_by ?? r.created_by ?? null,
    at: toIso(r.updated_at),
  }));
}
