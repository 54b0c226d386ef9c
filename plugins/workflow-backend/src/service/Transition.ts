import { Knex } from 'knex';
import type { InstancePlan, InstanceRow } from '../database/rows';
import type { NewAction } from '../database/InstanceStore';
import type { InstanceSnapshot } from '../outbox/effects';

/**
 * One transition of one instance: the transaction holding the instance's row
 * lock, the instance as it is becoming, and the log lines to append. The
 * engine writes both at the end of the transaction, so a transition is all or
 * nothing and the log's sequence numbers follow the order of transitions.
 * `before` is the instance's tasks and CC as the lock found them: the commit
 * compares them with what the transition left to know whom to tell what.
 */
export class Transition {
  readonly actions: NewAction[] = [];
  readonly patch: Partial<InstanceRow> = {};
  /** outbox rows the commit wrote, delivered once the transaction is committed */
  outboxIds: string[] = [];

  constructor(
    readonly trx: Knex.Transaction,
    readonly row: InstanceRow,
    public plan: InstancePlan,
    readonly now: Date,
    private readonly seqBase: number,
    readonly before: InstanceSnapshot = { status: null, tasks: [], ccIds: [] },
  ) {}

  get firstSeq() {
    return this.seqBase + 1;
  }

  /** The sequence number the next log line gets (stored on decisions, see 撤回). */
  get nextSeq() {
    return this.seqBase + this.actions.length + 1;
  }

  log(action: NewAction) {
    this.actions.push(action);
  }

  set(patch: Partial<InstanceRow>) {
    Object.assign(this.row, patch);
    Object.assign(this.patch, patch);
  }
}
