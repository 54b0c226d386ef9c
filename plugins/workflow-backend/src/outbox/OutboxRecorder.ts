import type { TaskStatus } from '@cocrm/plugin-workflow-common';
import type { Db } from '../database/FlowStore';
import type { InstanceRow } from '../database/rows';
import type { Transition } from '../service/Transition';
import { CcSnap, InstanceSnapshot, TaskSnap, deriveEffects } from './effects';
import { OutboxStore } from './OutboxStore';

/**
 * The engine's side of the outbox: what a transition starts from, the rows its
 * commit writes (same transaction), and the hand-over to delivery once the
 * transaction is committed.
 */
export class OutboxRecorder {
  constructor(
    private readonly deps: {
      store: OutboxStore;
      /** approval mails are only written when they can be sent */
      mailEnabled: boolean;
      /** delivery right after commit; absent in tests that only look at the rows */
      dispatch?: (ids: string[], instanceId: string) => void;
    },
  ) {}

  async snapshot(db: Db, row: InstanceRow): Promise<InstanceSnapshot> {
    const tasks = await this.tasks(db, row.id);
    const cc = await this.cc(db, row.id);
    return { status: row.status, tasks, ccIds: cc.map(c => c.id) };
  }

  /** Writes the transition's effects; called by the commit after the instance got its new version. */
  async record(tx: Transition, version: number): Promise<void> {
    // one connection holds the transaction: the reads run one after the other anyway
    const tasks = await this.tasks(tx.trx, tx.row.id);
    const cc = await this.cc(tx.trx, tx.row.id);
    const r = tx.row;
    const messages = deriveEffects({
      instance: { id: r.id, applicant: r.applicant, documentType: r.document_type, documentId: r.document_id, status: r.status, outcome: r.outcome, version },
      before: tx.before,
      tasks,
      cc,
      actions: tx.actions,
      at: tx.now,
      mail: this.deps.mailEnabled,
    });
    tx.outboxIds = await this.deps.store.insert(tx.trx, r.id, messages, tx.now);
  }

  committed(tx: Transition): void {
    if (tx.outboxIds.length) this.deps.dispatch?.(tx.outboxIds, tx.row.id);
  }

  private async tasks(db: Db, instanceId: string): Promise<TaskSnap[]> {
    const rows: Array<{ id: string; assignee: string; on_behalf_of: string | null; status: TaskStatus; version: number | string }> = await db('workflow_tasks')
      .where({ instance_id: instanceId })
      .orderBy('created_at')
      .orderBy('seq')
      .orderBy('id')
      .select('id', 'assignee', 'on_behalf_of', 'status', 'version');
    return rows.map(t => ({ id: t.id, assignee: t.assignee, onBehalfOf: t.on_behalf_of, status: t.status, version: Number(t.version) }));
  }

  private async cc(db: Db, instanceId: string): Promise<CcSnap[]> {
    const rows: Array<{ id: string; user_ref: string; by: string }> = await db('workflow_cc')
      .where({ instance_id: instanceId })
      .orderBy('created_at')
      .orderBy('id')
      .select('id', 'user_ref', 'by');
    return rows.map(c => ({ id: c.id, user: c.user_ref, by: c.by }));
  }
}
