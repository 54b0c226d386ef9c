import type { LoggerService } from '@backstage/backend-plugin-api';
import type { OutboxMessage } from './effects';
import { OutboxEntry, OutboxStore } from './OutboxStore';

/** Delivers one message; throwing means "try again later". */
export type OutboxDelivery = (message: OutboxMessage, entry: OutboxEntry) => Promise<void>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface OutboxDispatcherOptions {
  store: OutboxStore;
  deliver: OutboxDelivery;
  logger: Pick<LoggerService, 'warn' | 'error' | 'debug'>;
  now?: () => Date;
  /** how long a claim holds a row; a crashed replica's claim expires after it */
  leaseMs?: number;
  /** attempts before the row is given up (and kept with its error) */
  maxAttempts?: number;
}

/**
 * Delivers outbox rows: right after the transition committed, and again from
 * the scheduled sweep for whatever failed or was left behind (a replica that
 * stopped between commit and delivery). Retries back off exponentially from
 * 30 s up to an hour. Deliveries are at least once; the receivers are
 * idempotent by design (notification scope, signal "changed", versioned
 * events, a mail per task version).
 */
export class OutboxDispatcher {
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 2 * MINUTE;
    this.maxAttempts = options.maxAttempts ?? 12;
  }

  /**
   * After commit: delivers in the background (the request that caused the rows
   * does not wait), one transition after the other per instance, so receivers
   * see an instance's changes in order unless a retry intervenes.
   */
  dispatch(ids: string[], instanceId = ''): void {
    const previous = this.chains.get(instanceId) ?? Promise.resolve();
    const run = previous
      .then(() => this.deliverAll(ids))
      .catch(e => this.options.logger.error(`workflow outbox: delivery after commit failed: ${e}`));
    this.chains.set(instanceId, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.chains.get(instanceId) === run) this.chains.delete(instanceId);
    });
  }

  /** Waits for the background deliveries started so far (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The scheduled pass: everything due, in batches, until nothing is left or the pass has run long enough. */
  async sweep(options: { batch?: number; maxRows?: number } = {}): Promise<{ delivered: number; failed: number }> {
    const batch = options.batch ?? 50;
    const maxRows = options.maxRows ?? 1000;
    const result = { delivered: 0, failed: 0 };
    let seen = 0;
    while (seen < maxRows) {
      const ids = await this.options.store.due(this.now(), batch);
      if (!ids.length) break;
      seen += ids.length;
      for (const id of ids) {
        const outcome = await this.deliverOne(id);
        if (outcome === 'delivered') result.delivered += 1;
        else if (outcome === 'failed') result.failed += 1;
      }
      if (ids.length < batch) break;
    }
    await this.options.store.purgeDelivered(new Date(this.now().getTime() - 7 * 24 * 60 * MINUTE));
    return result;
  }

  private async deliverAll(ids: string[]) {
    for (const id of ids) await this.deliverOne(id);
  }

  /** Claims, delivers and records one row; `skipped` when it was not due or another delivery holds it. */
  async deliverOne(id: string): Promise<'delivered' | 'failed' | 'skipped'> {
    const { store, logger } = this.options;
    const start = this.now();
    const entry = await store.claim(id, start, new Date(start.getTime() + this.leaseMs));
    if (!entry) return 'skipped';
    try {
      await this.options.deliver(entry.message, entry);
      await store.delivered(id, this.now());
      return 'delivered';
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const now = this.now();
      const giveUp = entry.attempts >= this.maxAttempts;
      const retryAt = giveUp ? null : new Date(now.getTime() + Math.min(30 * SECOND * 2 ** (entry.attempts - 1), 60 * MINUTE));
      await store.attemptFailed(id, error, now, retryAt);
      const what = `workflow outbox: ${entry.message.kind} ${id} (instance ${entry.instanceId}) attempt ${entry.attempts} failed: ${error}`;
      if (giveUp) logger.error(`${what}; giving up`);
      else logger.warn(`${what}; retrying at ${retryAt!.toISOString()}`);
      return 'failed';
    }
  }
}
