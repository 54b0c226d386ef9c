import { Knex } from 'knex';
import type { WorkflowActionKind } from '@cocrm/plugin-workflow-common';
import { ActionRow, InstanceRow, NodeRow, TaskRow } from './rows';
import type { Db } from './FlowStore';

export interface NewAction {
  action: WorkflowActionKind;
  actor: string;
  onBehalfOf?: string | null;
  taskId?: string | null;
  nodeId?: string | null;
  comment?: string | null;
  detail?: Record<string, unknown>;
}

const isPostgres = (db: Db) => {
  const client = (db as Knex).client?.config?.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
};

/** The instance aggregate: instance row, its nodes, tasks, action log and CC receipts. */
export class InstanceStore {
  constructor(readonly db: Knex) {}

  /**
   * Reads the instance and locks its row for the rest of the transaction
   * (PostgreSQL). SQLite has one writer at a time and serialises transactions,
   * so a plain read inside the transaction is equally exclusive there.
   */
  async lock(trx: Knex.Transaction, id: string): Promise<InstanceRow | undefined> {
    const q = trx<InstanceRow>('workflow_instances').where({ id });
    if (isPostgres(trx)) q.forUpdate();
    return q.first();
  }

  get(id: string, db: Db = this.db): Promise<InstanceRow | undefined> {
    return db<InstanceRow>('workflow_instances').where({ id }).first();
  }

  async insertInstance(trx: Db, row: InstanceRow) {
    await trx('workflow_instances').insert(row);
  }

  async updateInstance(trx: Db, id: string, patch: Partial<InstanceRow>) {
    await trx('workflow_instances').where({ id }).update(patch);
  }

  async insertNode(trx: Db, row: NodeRow) {
    await trx('workflow_nodes').insert(row);
  }

  async updateNode(trx: Db, id: string, patch: Partial<NodeRow>) {
    await trx('workflow_nodes').where({ id }).update(patch);
  }

  nodesOf(db: Db, instanceId: string): Promise<NodeRow[]> {
    return db<NodeRow>('workflow_nodes').where({ instance_id: instanceId }).orderBy('activated_at').orderBy('round').orderBy('position');
  }

  node(db: Db, id: string): Promise<NodeRow | undefined> {
    return db<NodeRow>('workflow_nodes').where({ id }).first();
  }

  async insertTasks(trx: Db, rows: TaskRow[]) {
    if (rows.length) await trx('workflow_tasks').insert(rows);
  }

  async updateTask(trx: Db, id: string, patch: Partial<TaskRow>) {
    await trx('workflow_tasks').where({ id }).update(patch);
  }

  task(db: Db, id: string): Promise<TaskRow | undefined> {
    return db<TaskRow>('workflow_tasks').where({ id }).first();
  }

  tasksOfNode(db: Db, nodeId: string): Promise<TaskRow[]> {
    return db<TaskRow>('workflow_tasks').where({ node_id: nodeId }).orderBy('seq').orderBy('created_at').orderBy('id');
  }

  tasksOf(db: Db, instanceId: string): Promise<TaskRow[]> {
    return db<TaskRow>('workflow_tasks').where({ instance_id: instanceId }).orderBy('created_at').orderBy('seq').orderBy('id');
  }

  async insertActions(trx: Db, instanceId: string, firstSeq: number, actions: NewAction[], now: Date) {
    if (!actions.length) return;
    await trx('workflow_actions').insert(
      actions.map((a, i) => ({
        instance_id: instanceId,
        seq: firstSeq + i,
        action: a.action,
        actor: a.actor,
        on_behalf_of: a.onBehalfOf ?? null,
        task_id: a.taskId ?? null,
        node_id: a.nodeId ?? null,
        comment: a.comment ?? null,
        detail: JSON.stringify(a.detail ?? {}),
        created_at: now,
      })),
    );
  }

  actionsOf(db: Db, instanceId: string): Promise<ActionRow[]> {
    return db<ActionRow>('workflow_actions').where({ instance_id: instanceId }).orderBy('seq');
  }

  async lastSeq(db: Db, instanceId: string): Promise<number> {
    const row = await db('workflow_actions').where({ instance_id: instanceId }).max({ m: 'seq' }).first();
    return Number((row as { m: number | string | null } | undefined)?.m ?? 0);
  }

  async insertCc(trx: Db, rows: Array<{ id: string; instance_id: string; node_id: string | null; user_ref: string; by: string; created_at: Date }>) {
    if (rows.length) await trx('workflow_cc').insert(rows);
  }

  ccOf(db: Db, instanceId: string): Promise<Array<{ user_ref: string; node_id: string | null; by: string; created_at: unknown }>> {
    return db('workflow_cc').where({ instance_id: instanceId }).orderBy('created_at').orderBy('id');
  }

  latestForDocument(documentType: string, documentId: string): Promise<InstanceRow | undefined> {
    return this.db<InstanceRow>('workflow_instances')
      .where({ document_type: documentType, document_id: documentId })
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .first();
  }
}
