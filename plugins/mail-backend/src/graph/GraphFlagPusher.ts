import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Client } from '@microsoft/microsoft-graph-client';
import { graphReason, graphStatus } from './graphErrors';

/** What Graph can hold of the webmail's flags. */
const PUSHABLE = new Set(['\\Seen', '\\Flagged']);

const BATCH = 200;

interface Op {
  id: string;
  flag: string;
  value: boolean | number;
  revision: string;
  remote_id: string;
}

/**
 * Pushes the webmail's local flag changes (mail_flag_ops: the latest intent
 * per copy and flag) of a Microsoft 365 account to Graph: \Seen → isRead,
 * \Flagged → flag.flagStatus. A push removes only the intent revision it
 * applied, so a change made meanwhile is pushed next time. Runs before the
 * sync (SyncTask shape); accounts of other providers are left alone.
 */
export class GraphFlagPusher {
  readonly name = 'graph-flag-push';

  constructor(
    private readonly deps: {
      knex: Knex;
      /** PATCH is idempotent; the reading client never retries it anyway */
      client: Client;
      logger: LoggerService;
    },
  ) {}

  async run(accountId: string): Promise<void> {
    const { knex, client, logger } = this.deps;
    const account = await knex('mail_accounts').where({ id: accountId }).whereNull('deleted_at').first('provider', 'graph_mailbox');
    if (!account || account.provider !== 'graph' || !account.graph_mailbox) return;
    const ops: Op[] = await knex('mail_flag_ops as o')
      .join('mail_copies as c', 'c.id', 'o.copy_id')
      .where('o.account_id', accountId)
      .whereNotNull('c.remote_id')
      .orderBy('o.updated_at')
      .limit(BATCH)
      .select('o.id', 'o.flag', 'o.value', 'o.revision', 'c.remote_id');
    const byMessage = new Map<string, Op[]>();
    for (const op of ops) byMessage.set(op.remote_id, [...(byMessage.get(op.remote_id) ?? []), op]);

    for (const [remoteId, list] of byMessage) {
      const unsupported = list.filter(op => !PUSHABLE.has(op.flag));
      const body: { isRead?: boolean; flag?: { flagStatus: string } } = {};
      for (const op of list) {
        const on = op.value === true || op.value === 1;
        if (op.flag === '\\Seen') body.isRead = on;
        if (op.flag === '\\Flagged') body.flag = { flagStatus: on ? 'flagged' : 'notFlagged' };
      }
      try {
        if (Object.keys(body).length) {
          await client.api(`/users/${encodeURIComponent(account.graph_mailbox)}/messages/${encodeURIComponent(remoteId)}`).header('Prefer', 'IdType="ImmutableId"').patch(body);
        }
        await this.done(list);
      } catch (e) {
        const status = graphStatus(e);
        // gone from the mailbox: nothing to push to; the sync marks the copy deleted
        if (status === 404) {
          await this.done(list);
          continue;
        }
        const reason = graphReason(e);
        for (const op of list) {
          await knex('mail_flag_ops')
            .where({ id: op.id, revision: op.revision })
            .update({ attempts: knex.raw('attempts + 1'), last_error: reason.slice(0, 4000) });
        }
        logger.warn(`Pushing flags of Microsoft 365 message ${remoteId} (account ${accountId}) failed: ${reason}`);
        // throttled or down: the rest waits for the next run
        if (status === undefined || status === 429 || status >= 500) return;
      }
      if (unsupported.length) logger.debug(`Flags ${unsupported.map(op => op.flag).join(', ')} have no Microsoft 365 equivalent; kept locally only`);
    }
  }

  /** Removes the intents that were applied, unless a newer one replaced them meanwhile. */
  private async done(list: Op[]): Promise<void> {
    for (const op of list) await this.deps.knex('mail_flag_ops').where({ id: op.id, revision: op.revision }).delete();
  }
}
