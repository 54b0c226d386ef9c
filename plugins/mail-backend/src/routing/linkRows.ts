import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { toBool } from '@cocrm/plugin-access-node';
import type { MailLinkSource } from '@cocrm/plugin-mail-common';
import { chunks, IN_CHUNK, insertChunk } from '../database/batchSql';

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

/** Replaces what the CRM matched for these messages (re-matching replaces, never adds up): one DELETE and one INSERT per table. */
export async function replaceMatches(db: Knex | Knex.Transaction, matchesOf: Map<string, MessageMatch[]>): Promise<void> {
  const ids = [...matchesOf.keys()];
  for (const part of chunks(ids, IN_CHUNK)) {
    await db('mail_message_contacts').whereIn('message_id', part).delete();
    await db('mail_message_customers').whereIn('message_id', part).delete();
  }
  const customers: Array<{ message_id: string; customer_id: string; source: string }> = [];
  const contacts: Array<{ message_id: string; contact_id: string; customer_id: string }> = [];
  for (const [messageId, matches] of matchesOf) {
    for (const m of matches) customers.push({ message_id: messageId, customer_id: m.customerId, source: m.source });
    const contactOf = new Map<string, string>();
    for (const m of matches) for (const c of m.contactIds) contactOf.set(c, m.customerId);
    for (const [contactId, customerId] of contactOf) contacts.push({ message_id: messageId, contact_id: contactId, customer_id: customerId });
  }
  // a concurrent routing of the same message (hook and scheduler) writes the same rows: either set is right
  for (const part of chunks(customers, insertChunk(db, 3))) {
    await db('mail_message_customers').insert(part).onConflict(['message_id', 'customer_id']).ignore();
  }
  for (const part of chunks(contacts, insertChunk(db, 3))) {
    await db('mail_message_contacts').insert(part).onConflict(['message_id', 'contact_id']).ignore();
  }
}

/** What a thread's messages matched: customers with the most specific way they were reached, and every contact. */
interface Derived {
  source: Map<string, string>;
  contactsOf: Map<string, Set<string>>;
}

/**
 * Derives the automatic links of these threads from what their messages
 * matched, with a few statements however many threads: one read each of
 * matched customers, contacts and existing links, one insert for new links;
 * rows are only updated or deleted where something changed. Manual rows are
 * the user's and keep their state and source; they only learn the thread's
 * contacts. Automatic rows no message supports any more go.
 */
export async function deriveThreadLinks(db: Knex | Knex.Transaction, threadIds: string[], names: Map<string, string>): Promise<void> {
  const threads = [...new Set(threadIds)];
  if (!threads.length) return;
  const derived = new Map<string, Derived>(threads.map(t => [t, { source: new Map(), contactsOf: new Map() }]));
  const existing: LinkRow[] = [];
  for (const part of chunks(threads, IN_CHUNK)) {
    // the threads' messages first, then their matches by message id: both index lookups whatever the planner
    // believes of tables that grew during a bulk import (a join was planned as scans, growing with the mailbox)
    const members: Array<{ id: string; thread_id: string }> = await db('mail_messages').whereIn('thread_id', part).select('id', 'thread_id');
    const threadOf = new Map(members.map(m => [m.id, m.thread_id]));
    const customers: Array<{ thread_id: string; customer_id: string; source: string }> = [];
    const contacts: Array<{ thread_id: string; customer_id: string; contact_id: string }> = [];
    for (const ids of chunks([...threadOf.keys()], IN_CHUNK)) {
      const found: Array<{ message_id: string; customer_id: string; source: string }> = await db('mail_message_customers')
        .whereIn('message_id', ids)
        .select('message_id', 'customer_id', 'source');
      for (const f of found) customers.push({ thread_id: threadOf.get(f.message_id)!, customer_id: f.customer_id, source: f.source });
      const people: Array<{ message_id: string; customer_id: string; contact_id: string }> = await db('mail_message_contacts')
        .whereIn('message_id', ids)
        .select('message_id', 'customer_id', 'contact_id');
      for (const p of people) contacts.push({ thread_id: threadOf.get(p.message_id)!, customer_id: p.customer_id, contact_id: p.contact_id });
    }
    for (const c of customers) {
      const d = derived.get(c.thread_id)!;
      const had = d.source.get(c.customer_id);
      if (!had || PRIORITY[c.source] > PRIORITY[had]) d.source.set(c.customer_id, c.source);
    }
    for (const c of contacts) {
      const d = derived.get(c.thread_id)!;
      if (!d.contactsOf.has(c.customer_id)) d.contactsOf.set(c.customer_id, new Set());
      d.contactsOf.get(c.customer_id)!.add(c.contact_id);
    }
    existing.push(...(await db('mail_links').whereIn('thread_id', part)));
  }
  const now = new Date();
  const idsOf = (d: Derived, customerId: string) => JSON.stringify([...(d.contactsOf.get(customerId) ?? [])].sort());
  const gone: string[] = [];
  const held = new Set<string>();
  for (const row of existing) {
    const d = derived.get(row.thread_id)!;
    held.add(`${row.thread_id} ${row.customer_id}`);
    const ids = idsOf(d, row.customer_id);
    if (toBool(row.manual)) {
      if (ids !== row.contact_ids) await db('mail_links').where({ id: row.id }).update({ contact_ids: ids });
      continue;
    }
    const source = d.source.get(row.customer_id);
    if (!source) {
      gone.push(row.id);
      continue;
    }
    const name = names.get(row.customer_id) ?? row.customer_name;
    if (ids !== row.contact_ids || source !== row.source || row.state !== 'linked' || name !== row.customer_name) {
      await db('mail_links').where({ id: row.id }).update({ contact_ids: ids, source, state: 'linked', customer_name: name, updated_at: now });
    }
  }
  for (const part of chunks(gone, IN_CHUNK)) await db('mail_links').whereIn('id', part).delete();
  const fresh = [...derived].flatMap(([threadId, d]) =>
    [...d.source]
      .filter(([customerId]) => !held.has(`${threadId} ${customerId}`))
      .map(([customerId, source]) => ({
        id: randomUUID(),
        thread_id: threadId,
        customer_id: customerId,
        customer_name: names.get(customerId) ?? null,
        contact_ids: idsOf(d, customerId),
        source,
        state: 'linked',
        manual: false,
        created_by: null,
        created_at: now,
        updated_by: null,
        updated_at: now,
      })),
  );
  for (const part of chunks(fresh, insertChunk(db, 12))) {
    // a concurrent derivation of the same thread inserted it: theirs is as good
    await db('mail_links').insert(part).onConflict(['thread_id', 'customer_id']).ignore();
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
