import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { toBool } from '@cocrm/plugin-access-node';
import { FLAGGED, SEEN, flagsJson, parseFlags, withFlag } from './flagsJson';

export interface FlagChange {
  seen?: boolean;
  flagged?: boolean;
}

/**
 * A user's flag change: applied to the copies now, and recorded as pending
 * operations (the latest intent per copy and flag) that FlagPushService
 * stores on the server. Until then the sync must not take the server's old
 * flags for news: `withPendingFlags` lays the pending intents over what the
 * server reports.
 */
export class FlagChanges {
  constructor(private readonly knex: Knex) {}

  /** Applies the change to these copies; returns the copies' new flags by copy id. */
  async apply(copyIds: string[], change: FlagChange, actor: string): Promise<Map<string, string[]>> {
    const wanted: Array<[string, boolean]> = [];
    if (change.seen !== undefined) wanted.push([SEEN, change.seen]);
    if (change.flagged !== undefined) wanted.push([FLAGGED, change.flagged]);
    const result = new Map<string, string[]>();
    await this.knex.transaction(async trx => {
      const copies: Array<{ id: string; account_id: string; flags: string }> = await trx('mail_copies').whereIn('id', copyIds).select('id', 'account_id', 'flags');
      const pending: Array<{ copy_id: string; flag: string }> = await trx('mail_flag_ops').whereIn('copy_id', copyIds).select('copy_id', 'flag');
      const now = new Date();
      for (const copy of copies) {
        let stored = copy.flags;
        let before = parseFlags(stored);
        let json = flagsJson(before);
        // conditional on what was read: a sync storing server flags meanwhile is not overwritten blindly
        for (let attempt = 0; attempt < 3; attempt++) {
          let after = before;
          for (const [flag, on] of wanted) after = withFlag(after, flag, on);
          json = flagsJson(after);
          if (json === flagsJson(before)) break;
          if ((await trx('mail_copies').where({ id: copy.id, flags: stored }).update({ flags: json })) === 1) break;
          stored = (await trx('mail_copies').where({ id: copy.id }).first('flags'))?.flags ?? '[]';
          before = parseFlags(stored);
        }
        result.set(copy.id, JSON.parse(json));
        for (const [flag, on] of wanted) {
          const changed = before.some(f => f.toLowerCase() === flag.toLowerCase()) !== on;
          // unchanged and nothing waiting: the server already has it
          if (!changed && !pending.some(p => p.copy_id === copy.id && p.flag === flag)) continue;
          await trx('mail_flag_ops')
            .insert({ id: randomUUID(), copy_id: copy.id, account_id: copy.account_id, flag, value: on, revision: randomUUID(), attempts: 0, created_by: actor, updated_at: now })
            .onConflict(['copy_id', 'flag'])
            .merge({ value: on, revision: randomUUID(), attempts: 0, last_error: null, created_by: actor, updated_at: now });
        }
      }
    });
    return result;
  }
}

/**
 * What SyncService should store for a folder's server flags: the server's,
 * with every pending local change laid over them — so a sync that runs
 * before the push (or after a failed one) never undoes what the user just did.
 */
export async function withPendingFlags(knex: Knex, folderId: string, uidValidity: string, serverFlags: Map<number, string[]>): Promise<Map<number, string[]>> {
  if (!serverFlags.size) return serverFlags;
  const ops: Array<{ uid: number | string; flag: string; value: unknown }> = await knex('mail_flag_ops as o')
    .join('mail_copies as c', 'c.id', 'o.copy_id')
    .where({ 'c.folder_id': folderId, 'c.uid_validity': uidValidity })
    .select('c.uid', 'o.flag', 'o.value');
  if (!ops.length) return serverFlags;
  const out = new Map(serverFlags);
  for (const op of ops) {
    const uid = Number(op.uid);
    const flags = out.get(uid);
    if (flags) out.set(uid, withFlag(flags, op.flag, toBool(op.value)));
  }
  return out;
}
