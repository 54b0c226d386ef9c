import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { keyOfMessageId, referencedIds, RoutableMessage } from './participants';
import { moveLinks } from './linkRows';

/** Where a message went and which threads disappeared into it. */
export interface ThreadResult {
  threadId: string;
  /** threads merged into threadId (their links and messages moved) */
  absorbed: string[];
}

const IN_CHUNK = 500;

/**
 * Threads by Message-ID only (In-Reply-To / References; no subject guessing).
 * Each thread owns the keys of its messages and of every message they refer
 * to, so a parent that arrives after its replies finds their thread under its
 * own key, and a message whose keys sit in several threads merges them into
 * the smallest thread id — a rule two concurrent mergers agree on.
 */
export class Threader {
  constructor(private readonly knex: Knex) {}

  async thread(m: Pick<RoutableMessage, 'id' | 'messageKey' | 'inReplyTo' | 'references'>): Promise<ThreadResult> {
    return this.knex.transaction(trx => this.threadIn(trx, m));
  }

  /** A batch threaded in one transaction: one commit instead of one per message. */
  async threadMany(list: Array<Pick<RoutableMessage, 'id' | 'messageKey' | 'inReplyTo' | 'references'>>): Promise<ThreadResult[]> {
    return this.knex.transaction(async trx => {
      const out: ThreadResult[] = [];
      for (const m of list) out.push(await this.threadIn(trx, m));
      return out;
    });
  }

  private async threadIn(trx: Knex.Transaction, m: Pick<RoutableMessage, 'id' | 'messageKey' | 'inReplyTo' | 'references'>): Promise<ThreadResult> {
    const keys = [...new Set([m.messageKey, ...referencedIds(m).map(keyOfMessageId)])];
    const absorbed = new Set<string>();
    const current: string | null = (await trx('mail_messages').where({ id: m.id }).first('thread_id'))?.thread_id ?? null;
    let target = current;
    // a concurrent writer may have claimed one of our keys for another thread between reading and inserting: go round until they agree
    for (let round = 0; round < 5; round++) {
      const found = await this.threadsOf(trx, keys);
      if (target) found.add(target);
      const next = [...found].sort()[0] ?? randomUUID();
      for (const other of found) {
        if (other === next) continue;
        await this.merge(trx, other, next);
        absorbed.add(other);
      }
      target = next;
      for (let i = 0; i < keys.length; i += IN_CHUNK) {
        await trx('mail_thread_keys')
          .insert(keys.slice(i, i + IN_CHUNK).map(k => ({ message_key: k, thread_id: next })))
          .onConflict('message_key')
          .ignore();
      }
      const after = await this.threadsOf(trx, keys);
      if (after.size === 1 && after.has(target)) break;
    }
    if (current !== target) await trx('mail_messages').where({ id: m.id }).update({ thread_id: target });
    absorbed.delete(target!);
    return { threadId: target!, absorbed: [...absorbed] };
  }

  private async threadsOf(trx: Knex.Transaction, keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += IN_CHUNK) {
      const rows: Array<{ thread_id: string }> = await trx('mail_thread_keys').whereIn('message_key', keys.slice(i, i + IN_CHUNK)).distinct('thread_id');
      for (const r of rows) out.add(r.thread_id);
    }
    return out;
  }

  /** Everything of `from` becomes `to`'s: keys, messages, links (a manual choice wins over an automatic link). */
  private async merge(trx: Knex.Transaction, from: string, to: string): Promise<void> {
    await trx('mail_thread_keys').where({ thread_id: from }).update({ thread_id: to });
    await trx('mail_messages').where({ thread_id: from }).update({ thread_id: to });
    await moveLinks(trx, from, to);
  }
}
