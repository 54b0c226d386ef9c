import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { keyOfMessageId, referencedIds, RoutableMessage } from './participants';
import { moveLinks } from './linkRows';
import { chunks, IN_CHUNK, insertChunk, updateEach } from '../database/batchSql';

/** Where a message went and which threads disappeared into it. */
export interface ThreadResult {
  threadId: string;
  /** threads merged into threadId (their links and messages moved) */
  absorbed: string[];
}

export type ThreadInput = Pick<RoutableMessage, 'id' | 'messageKey' | 'inReplyTo' | 'references'> & {
  /** the message's thread as the caller just read it (null: none yet); read here when any is left out */
  threadId?: string | null;
};

/** A message's place as `assign` decides it, with the thread it had before. */
export interface Placement extends ThreadResult {
  id: string;
  previous: string | null;
}

/** Rounds of "claim the keys, read them back" before giving up on a writer that keeps claiming them. */
const ROUNDS = 5;

const agree = (keys: string[], claimed: Map<string, string>, wanted: Map<string, string>) => keys.every(k => claimed.get(k) === wanted.get(k));

/** Messages, keys and threads that belong together: connected through a shared key or thread. */
class Groups {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    // path compression: the next find is one step
    for (let y = x; y !== root; ) {
      const next = this.parent.get(y)!;
      this.parent.set(y, root);
      y = next;
    }
    if (!this.parent.has(root)) this.parent.set(root, root);
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

/**
 * Threads by Message-ID only (In-Reply-To / References; no subject guessing).
 * Each thread owns the keys of its messages and of every message they refer
 * to, so a parent that arrives after its replies finds their thread under its
 * own key, and a message whose keys sit in several threads merges them into
 * the smallest thread id — a rule two concurrent mergers agree on.
 */
export class Threader {
  constructor(private readonly knex: Knex) {}

  async thread(m: ThreadInput): Promise<ThreadResult> {
    return (await this.threadMany([m]))[0];
  }

  /**
   * A batch threaded in one transaction with a few set-based statements
   * whatever its size: see `assign`, then each message moved gets its
   * thread_id in one UPDATE. Results are in the order of `list`.
   */
  async threadMany(list: ThreadInput[]): Promise<ThreadResult[]> {
    if (!list.length) return [];
    return this.knex.transaction(async trx => {
      const placed = await this.assign(trx, list);
      await updateEach(
        trx,
        'mail_messages',
        placed.filter(p => p.previous !== p.threadId).map(p => ({ id: p.id, set: { thread_id: p.threadId } })),
        { pgTypes: { thread_id: 'uuid' } },
      );
      return placed.map(({ threadId, absorbed }) => ({ threadId, absorbed }));
    });
  }

  /**
   * Threads a batch in the caller's transaction: the batch's messages are
   * joined in memory (a reply and its parent in the same batch land in one
   * thread), the threads they bridge are merged, and all their keys are
   * claimed at once and read back. Writing each message's thread_id is left
   * to the caller, in the same transaction: routing writes it with the
   * message's routing outcome, one UPDATE of the row instead of two.
   */
  async assign(trx: Knex.Transaction, list: ThreadInput[]): Promise<Placement[]> {
    if (!list.length) return [];
    const keysOf = new Map<string, string[]>();
    for (const m of list) keysOf.set(m.id, [...new Set([...(keysOf.get(m.id) ?? []), m.messageKey, ...referencedIds(m).map(keyOfMessageId)])]);
    const ids = [...keysOf.keys()];
    const allKeys = [...new Set([...keysOf.values()].flat())].sort();
    const current = list.every(m => m.threadId !== undefined) ? new Map(list.map(m => [m.id, m.threadId ?? null])) : await this.currentThreads(trx, ids);
    // the thread each message holds, carried from round to round as today's single-message rule does
    const held = new Map(current);
    // from → to of every merge done here, to tell each message which threads it absorbed
    const merged = new Map<string, string>();
    let claimed = await this.claims(trx, allKeys);
    for (let round = 0; round < ROUNDS; round++) {
      const { wanted, wrote } = await this.claim(trx, { keysOf, allKeys, held, claimed, merged });
      // every key was claimed and each group held one thread: nothing of ours can disagree
      if (!wrote) break;
      // a concurrent writer may have claimed one of our keys for another thread between reading and inserting: go round until they agree
      claimed = await this.claims(trx, allKeys);
      if (agree(allKeys, claimed, wanted)) break;
    }
    const finalOf = (t: string): string => {
      let x = t;
      for (let next = merged.get(x); next !== undefined; next = merged.get(x)) x = next;
      return x;
    };
    const absorbedBy = new Map<string, string[]>();
    for (const from of merged.keys()) {
      const to = finalOf(from);
      if (to === from) continue;
      absorbedBy.set(to, [...(absorbedBy.get(to) ?? []), from]);
    }
    return list.map(m => {
      const threadId = held.get(m.id)!;
      return { id: m.id, threadId, previous: current.get(m.id) ?? null, absorbed: absorbedBy.get(threadId) ?? [] };
    });
  }

  /**
   * One round: joins the batch's messages, keys and the threads holding them
   * into groups, merges each group's threads into its smallest id (a new one
   * for a group without any), moves `held` along and claims the unclaimed
   * keys. Returns which thread each key should be in now, and whether
   * anything was written.
   */
  private async claim(
    trx: Knex.Transaction,
    s: { keysOf: Map<string, string[]>; allKeys: string[]; held: Map<string, string | null>; claimed: Map<string, string>; merged: Map<string, string> },
  ): Promise<{ wanted: Map<string, string>; wrote: boolean }> {
    const groups = new Groups();
    for (const [id, keys] of s.keysOf) {
      for (const k of keys) groups.union(`m:${id}`, `k:${k}`);
      const t = s.held.get(id);
      if (t) groups.union(`m:${id}`, `t:${t}`);
    }
    for (const [k, t] of s.claimed) groups.union(`k:${k}`, `t:${t}`);
    const threadsOf = new Map<string, Set<string>>();
    const note = (node: string, thread: string | null | undefined) => {
      const root = groups.find(node);
      if (!threadsOf.has(root)) threadsOf.set(root, new Set());
      if (thread) threadsOf.get(root)!.add(thread);
    };
    for (const id of s.keysOf.keys()) note(`m:${id}`, s.held.get(id));
    for (const k of s.allKeys) note(`k:${k}`, s.claimed.get(k));
    const targetOf = new Map<string, string>();
    let wrote = false;
    for (const [root, threads] of threadsOf) {
      const next = [...threads].sort()[0] ?? randomUUID();
      targetOf.set(root, next);
      for (const other of threads) {
        if (other === next) continue;
        await this.merge(trx, other, next);
        s.merged.set(other, next);
        wrote = true;
      }
    }
    for (const id of s.keysOf.keys()) s.held.set(id, targetOf.get(groups.find(`m:${id}`))!);
    const wanted = new Map(s.allKeys.map(k => [k, targetOf.get(groups.find(`k:${k}`))!]));
    // keys claimed before were moved along by merge; only unclaimed ones need a row
    const fresh = s.allKeys.filter(k => !s.claimed.has(k)).map(k => ({ message_key: k, thread_id: wanted.get(k)! }));
    for (const part of chunks(fresh, insertChunk(trx, 2))) {
      // sorted keys: two writers claiming overlapping keys lock them in the same order
      await trx('mail_thread_keys').insert(part).onConflict('message_key').ignore();
      wrote = true;
    }
    return { wanted, wrote };
  }

  private async currentThreads(trx: Knex.Transaction, ids: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>(ids.map(id => [id, null]));
    for (const part of chunks(ids, IN_CHUNK)) {
      const rows: Array<{ id: string; thread_id: string | null }> = await trx('mail_messages').whereIn('id', part).select('id', 'thread_id');
      for (const r of rows) out.set(String(r.id), r.thread_id ?? null);
    }
    return out;
  }

  /** key → the thread that holds it, for the keys already claimed. */
  private async claims(trx: Knex.Transaction, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of chunks(keys, IN_CHUNK)) {
      const rows: Array<{ message_key: string; thread_id: string }> = await trx('mail_thread_keys').whereIn('message_key', part).select('message_key', 'thread_id');
      for (const r of rows) out.set(r.message_key, r.thread_id);
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
