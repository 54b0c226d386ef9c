import { Knex } from 'knex';
import { supervisorChain } from '@cocrm/plugin-access-node';
import { WorkflowError } from '../errors';
import type { ApprovalEngine, DeadlineOutcome } from './ApprovalEngine';
import type { OrgSource } from './RoutePlanner';

export interface DeadlineRunSummary {
  reminded: number;
  remindedAtDeadline: number;
  escalated: number;
  autoApproved: number;
  autoRejected: number;
  /** someone acted first, or another run already did it */
  skipped: number;
  /** tasks whose action failed unexpectedly (left for the next run) */
  failed: Array<{ taskId: string; error: string }>;
}

const BATCH = 100;

/**
 * 审批时限: the scheduler's task (global scope, every minute). Finds tasks
 * whose reminder time or deadline has come and hands each to the engine, one
 * locked transition per task, as the system actor. The engine re-checks under
 * the lock, so finding a task here promises nothing: a decision in the
 * meantime, or another replica's run, makes the call a no-op.
 */
export class DeadlineService {
  private readonly now: () => Date;

  constructor(private readonly deps: { knex: Knex; engine: ApprovalEngine; org: OrgSource; now?: () => Date; budgetMs?: number }) {
    this.now = deps.now ?? (() => new Date());
  }

  async run(): Promise<DeadlineRunSummary> {
    const summary: DeadlineRunSummary = { reminded: 0, remindedAtDeadline: 0, escalated: 0, autoApproved: 0, autoRejected: 0, skipped: 0, failed: [] };
    // stop well before the scheduler's timeout; what is left is still due on the next run
    const until = Date.now() + (this.deps.budgetMs ?? 4 * 60_000);
    const count = (o: DeadlineOutcome) => {
      if (o === 'skipped') summary.skipped++;
      else summary[o]++;
    };
    for (const kind of ['remind', 'timeout'] as const) {
      // tasks this run looked at and left as they were: not looked at again until the next run
      const passed: string[] = [];
      for (;;) {
        const due = await this.due(kind, passed);
        for (const task of due) {
          let outcome: DeadlineOutcome = 'skipped';
          try {
            const supervisors = kind === 'timeout' && task.on_timeout === 'escalate' ? supervisorChain(await this.deps.org.snapshot(), task.assignee) : [];
            outcome = await this.deps.engine.deadline(task.id, kind, supervisors);
          } catch (e) {
            // a person acted between the scan and the lock: their action stands
            if (!(e instanceof WorkflowError && (e.status === 409 || e.status === 410 || e.status === 404))) {
              summary.failed.push({ taskId: task.id, error: e instanceof Error ? e.message : String(e) });
              passed.push(task.id);
              continue;
            }
          }
          if (outcome === 'skipped') passed.push(task.id);
          count(outcome);
        }
        if (due.length < BATCH || Date.now() > until) break;
      }
    }
    return summary;
  }

  /**
   * Pending tasks whose reminder time (`remind`) or deadline (`timeout`) has
   * passed and that were not handled yet, oldest first. A reminder is only
   * due while the deadline is still ahead: past it the timeout speaks.
   */
  private due(kind: 'remind' | 'timeout', exclude: string[]): Promise<Array<{ id: string; assignee: string; on_timeout: string | null }>> {
    const now = this.now();
    const column = kind === 'remind' ? 'remind_at' : 'due_at';
    const qb = this.deps.knex('workflow_tasks')
      .where('status', 'pending')
      .whereNotNull(column)
      .where(column, '<=', now)
      .whereNull(kind === 'remind' ? 'reminded_at' : 'timed_out_at');
    if (kind === 'remind') qb.where('due_at', '>', now);
    if (exclude.length) qb.whereNotIn('id', exclude);
    return qb.orderBy(column).orderBy('id').limit(BATCH).select('id', 'assignee', 'on_timeout');
  }
}
