import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { toBool } from '@cocrm/plugin-access-node';
import type { MailLinkSource } from '@cocrm/plugin-mail-common';

/** A row of mail_links as stored. */
export interface LinkRow {
  id: string;
  thread_id: string;
  customer_id: string;
  customer_name: string | null;
  contact_ids: string;
  source: MailLinkSource;
  state: 'linked' | 'unlinked';
  manual: boolean | number;
  created_by: string | null;
  created_at: unknown;
  updated_by: string | null;
  updated_at: unknown;
}

/** What one message contributes to its thread's automatic links. */
export interface MessageMatch {
  customerId: string;
  source: 'contact' | 'domain' | 'record';
  contactIds: string[];
}

/** When messages of a thread reach a customer in different ways, the most specific way names the link. */
const PRIORITY: Record<string, number> = { contact: 3, record: 2, domain: 1 };

const IN_CHUNK = 500;

/** Replaces what the CRM matched for one message (re-matching replaces, never adds up). */
export async function replaceMatches(db: Knex | Knex.Transaction, messageId: string, matches: MessageMatch[]): Promise<void> {
  await db('mail_message_contacts').where({ message_id: messageId }).delete();
  await db('mail_message_customers').where({ message_id: messageId }).delete();
  if (matches.length) {
    // a concurrent routing of the same message (hook and scheduler) writes the same rows: either set is right
    await db('mail_message_customers')
      .insert(matches.map(m => ({ message_id: messageId, customer_id: m.customerId, source: m.source })))
      .onConflict(['message_id', 'customer_id'])
      .ignore();
  }
  const contacts = new Map<string, string>();
  for (const m of matches) for (const c of m.contactIds) contacts.set(c, m.customerId);
  if (contacts.size) {
    await db('mail_message_contacts')
      .insert([...contacts].map(([contactId, customerId]) => ({ message_id: messageId, contact_id: contactId, customer_id: customerId })))
      .onConflict(['message_id', 'contact_id'])
      .ignore();
  }
}

/**
 * Derives a thread's automatic links from what its messages matched. Manual
 * rows are the user's and keep their state and source; they only learn the
 * thread's contacts. Automatic rows no message supports any more go.
 */
export async function deriveThreadLinks(db: Knex | Knex.Transaction, threadId: string, names: Map<string, string>): Promise<void> {
  const customers: Array<{ customer_id: string; source: string }> = await db('mail_message_customers as mc')
    .join('mail_messages as m', 'm.id', 'mc.message_id')
    .where('m.thread_id', threadId)
    .select('mc.customer_id', 'mc.source');
  const contacts: Array<{ customer_id: string; contact_id: string }> = await db('mail_message_contacts as mt')
    .join('mail_messages as m', 'm.id', 'mt.message_id')
    .where('m.thread_id', threadId)
    .select('mt.customer_id', 'mt.contact_id');
  const derived = new Map<string, { source: string; contactIds: Set<string> }>();
  for (const c of customers) {
    const d = derived.get(c.customer_id);
    if (!d) derived.set(c.customer_id, { source: c.source, contactIds: new Set() });
    else if (PRIORITY[c.source] > PRIORITY[d.source]) d.source = c.source;
  }
  const contactsOf = new Map<string, Set<string>>();
  for (const c of contacts) {
    if (!contactsOf.has(c.customer_id)) contactsOf.set(c.customer_id, new Set());
    contactsOf.get(c.customer_id)!.add(c.contact_id);
    derived.get(c.customer_id)?.contactIds.add(c.contact_id);
  }
  const existing: LinkRow[] = await db('mail_links').where({ thread_id: threadId });
  const now = new Date();
  for (const row of existing) {
    const d = derived.get(row.customer_id);
    if (toBool(row.manual)) {
      const ids = JSON.stringify([...(contactsOf.get(row.customer_id) ?? [])].sort());
      if (ids !== row.contact_ids) await db('mail_links').where({ id: row.id }).update({ contact_ids: ids });
      continue;
    }
    if (!d) {
      await db('mail_links').where({ id: row.id }).delete();
      continue;
    }
    const ids = JSON.stringify([...d.contactIds].sort());
    const name = names.get(row.customer_id) ?? row.customer_name;
    if (ids !== row.contact_ids || d.source !== row.source || row.state !== 'linked' || name !== row.customer_name) {
      await db('mail_links').where({ id: row.id }).update({ contact_ids: ids, source: d.source, state: 'linked', customer_name: name, updated_at: now });
    }
  }
  const held = new Set(existing.map(r => r.customer_id));
  const fresh = [...derived].filter(([customerId]) => !held.has(customerId));
  if (fresh.length) {
    await db('mail_links')
      .insert(
        fresh.map(([customerId, d]) => ({
          id: randomUUID(),
          thread_id: threadId,
          customer_id: customerId,
          customer_name: names.get(customerId) ?? null,
          contact_ids: JSON.stringify([...d.contactIds].sort()),
          source: d.source,
          state: 'linked',
          manual: false,
          created_by: null,
          created_at: now,
          updated_by: null,
          updated_at: now,
        })),
      )
      // a concurrent derivation of the same thread inserted it: theirs is as good
      .onConflict(['thread_id', 'customer_id'])
      .ignore();
  }
}

/**
 * Two threads became one: `from`'s links join `to`. Where both have a row for
 * a customer, a manual row beats an automatic one, and the later of two
 * manual choices wins; automatic rows are derived again afterwards anyway.
 */
export async function moveLinks(trx: Knex.Transaction, from: string, to: string): Promise<void> {
  const moving: LinkRow[] = await trx('mail_links').where({ thread_id: from });
  if (!moving.length) return;
  const targets: LinkRow[] = [];
  const ids = moving.map(r => r.customer_id);
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    targets.push(...(await trx('mail_links').where({ thread_id: to }).whereIn('customer_id', ids.slice(i, i + IN_CHUNK))));
  }
  const byCustomer = new Map(targets.map(t => [t.customer_id, t]));
  const time = (v: unknown) => new Date(v as string | number | Date).getTime();
  for (const row of moving) {
    const there = byCustomer.get(row.customer_id);
    const ours = toBool(row.manual);
    if (!there) {
      await trx('mail_links').where({ id: row.id }).update({ thread_id: to });
    } else if (ours && (!toBool(there.manual) || time(row.updated_at) > time(there.updated_at))) {
      await trx('mail_links').where({ id: there.id }).delete();
      await trx('mail_links').where({ id: row.id }).update({ thread_id: to });
    } else {
      await trx('mail_links').where({ id: row.id }).delete();
    }
  }
}

/** The threads (by id) whose links must be derived again after messages changed. */
export async function threadsOfMessages(db: Knex, messageIds: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (let i = 0; i < messageIds.length; i += IN_CHUNK) {
    const rows: Array<{ thread_id: string | null }> = await db('mail_messages').whereIn('id', messageIds.slice(i, i + IN_CHUNK)).select('thread_id');
    for (const r of rows) if (r.thread_id) out.add(r.thread_id);
  }
  return [...out];
}
