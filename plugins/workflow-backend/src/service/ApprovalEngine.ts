import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  AddSignerPosition,
  DocumentSubmission,
  InstanceDetail,
  InstanceOutcome,
  Outcome,
  ResubmitPolicy,
  TaskOrigin,
  TaskStatus,
  WorkflowInstance,
  WorkflowTask,
  documentSubmissionSchema,
} from '@cocrm/plugin-workflow-common';
import { toIso } from '@cocrm/plugin-access-node';
import { WorkflowError, instanceStatusLabel, isUniqueViolation, parseInput, taskStatusLabel } from '../errors';
import { FlowStore } from '../database/FlowStore';
import { InstanceStore } from '../database/InstanceStore';
import { DelegationStore } from '../database/DelegationStore';
import {
  InstancePlan,
  InstanceRow,
  NodeRow,
  TaskRow,
  actionFromRow,
  instanceFromRow,
  nodeFromRow,
  parseJson,
  taskFromRow,
} from '../database/rows';
import { RoutePlanner } from './RoutePlanner';
import { Transition } from './Transition';
import type { DocumentTypeRegistry } from './FlowService';
import type { OutboxRecorder } from '../outbox/OutboxRecorder';
import { TaskState, evaluateNode } from './nodeRules';

const OPEN: TaskStatus[] = ['pending', 'queued', 'waiting'];
const HUMAN_DECISIONS: TaskStatus[] = ['approved', 'rejected', 'returned'];
const SYSTEM = 'system';
const SIGNER_ORIGIN: Record<AddSignerPosition, TaskOrigin> = { before: 'addBefore', after: 'addAfter', parallel: 'addParallel' };
const HOUR_MS = 3_600_000;

/** The time-limit columns of a task that is not (or no longer) waiting for its approver. */
type PendingStamp = Pick<TaskRow, 'pending_at' | 'due_at' | 'remind_at' | 'on_timeout' | 'reminded_at' | 'timed_out_at'>;
const NOT_PENDING: PendingStamp = { pending_at: null, due_at: null, remind_at: null, on_timeout: null, reminded_at: null, timed_out_at: null };

/** What the scheduler's call did to a task whose reminder time or deadline had come. */
export type DeadlineOutcome = 'skipped' | 'reminded' | 'remindedAtDeadline' | 'escalated' | 'autoApproved' | 'autoRejected';

export interface ReturnTarget {
  /** 'initiator', or the step id of an approval node the instance already passed */
  to: 'initiator' | { stepId: string };
  /** how resubmission / re-approval continues; default: the flow's policy */
  policy?: ResubmitPolicy;
  comment?: string;
}

export interface ResubmitChanges {
  title?: string;
  amount?: number | null;
  fields?: Record<string, unknown>;
  chosenApprovers?: Record<string, string[]>;
  /** the applicant the owning plugin resubmits for (service callers only) */
  applicant?: string;
}

/** Plugins call with their service identity, `service:plugin:<pluginId>` (see the router). */
const isService = (actor: string) => actor.startsWith('service:');

const toState = (t: TaskRow): TaskState => ({ id: t.id, status: t.status, origin: t.origin, parentTaskId: t.parent_task_id, seq: Number(t.seq) });

/**
 * 审批引擎: the state machine of approval instances. Every public method that
 * changes an instance is one transaction that first locks the instance row, so
 * concurrent actions on one instance run one after the other; each re-checks
 * what it acts on under the lock and loses with a 409/410 if someone else won.
 * Methods take the acting user's ref; authorisation beyond "is it your task /
 * your request" (e.g. admin reads) is the router's.
 */
export class ApprovalEngine {
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      knex: Knex;
      flows: FlowStore;
      instances: InstanceStore;
      delegations: DelegationStore;
      planner: RoutePlanner;
      /** who owns which document type: only the owning plugin's service identity submits for it */
      documentTypes: DocumentTypeRegistry;
      /** the side effects every commit writes (same transaction) and hands to delivery after it */
      outbox: OutboxRecorder;
      now?: () => Date;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  // ---------------------------------------------------------------- submit

  /** 提交: starts an instance on the document type's current flow version. */
  async submit(actor: string, input: DocumentSubmission): Promise<WorkflowInstance> {
    const doc: DocumentSubmission = parseInput(documentSubmissionSchema, input);
    // plugins submit with their service identity on behalf of the applicant, each only for its own types
    if (isService(actor)) this.requireOwningPlugin(actor, doc.type);
    else if (actor !== doc.applicant) throw new WorkflowError(403, 'notInitiator');
    const flow = await this.deps.flows.byDocumentType(doc.type);
    const version = flow && (await this.deps.flows.version(flow.id, flow.currentVersion));
    if (!flow || !version) throw new WorkflowError(404, 'noFlowForType', { type: doc.type });
    const plan = await this.deps.planner.plan(version.definition, doc);
    const now = this.now();
    const row: InstanceRow = {
      id: randomUUID(),
      flow_id: flow.id,
      flow_version_id: version.id,
      flow_version: version.number,
      document_type: doc.type,
      document_id: doc.id,
      title: doc.title,
      amount: doc.amount ?? null,
      currency: doc.amount === null || doc.amount === undefined ? null : doc.currency ?? 'CNY',
      applicant: doc.applicant,
      department: plan.department,
      fields: JSON.stringify(doc.fields),
      plan: JSON.stringify(plan),
      status: 'running',
      outcome: null,
      round: 1,
      current_position: 0,
      return_policy: null,
      resume_position: null,
      version: 0,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    let committed: Transition | undefined;
    try {
      await this.deps.knex.transaction(async trx => {
        await this.deps.instances.insertInstance(trx, { ...row, version: 1 });
        const tx = new Transition(trx, { ...row }, plan, now, 0);
        committed = tx;
        tx.log({ action: 'submit', actor, onBehalfOf: actor === doc.applicant ? null : doc.applicant, detail: { flowVersion: version.number } });
        await this.activate(tx, 0);
        await this.commit(tx);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new WorkflowError(409, 'alreadyInApproval');
      throw e;
    }
    this.deps.outbox.committed(committed!);
    return instanceFromRow((await this.deps.instances.get(row.id))!);
  }

  // ------------------------------------------------------- task decisions

  /** 同意 */
  approve(actor: string, taskId: string, version: number, comment?: string): Promise<void> {
    return this.onTask(actor, taskId, version, async (tx, task, node) => {
      await this.decide(tx, task, 'approved', actor, 'approve', comment);
      if (task.origin === 'addBefore' && task.parent_task_id) await this.releaseWaiting(tx, task.parent_task_id, node.id);
      await this.settle(tx, node);
    });
  }

  /** 拒绝 (驳回) */
  reject(actor: string, taskId: string, version: number, comment?: string): Promise<void> {
    return this.onTask(actor, taskId, version, async (tx, task, node) => {
      await this.decide(tx, task, 'rejected', actor, 'reject', comment);
      await this.settle(tx, node);
    });
  }

  /** 退回: to the applicant, or to an approval node already passed in this round. */
  return(actor: string, taskId: string, version: number, target: ReturnTarget): Promise<void> {
    return this.onTask(actor, taskId, version, async (tx, task, node) => {
      const policy = target.policy ?? tx.plan.policies.resubmit;
      const { trx } = tx;
      if (target.to === 'initiator') {
        await this.decide(tx, task, 'returned', actor, 'return', target.comment, { to: 'initiator', policy });
        await this.closeOpen(tx, await this.deps.instances.tasksOfNode(trx, node.id), 'returned');
        await this.deps.instances.updateNode(trx, node.id, { status: 'returned', finished_at: tx.now });
        tx.set({ status: 'returned', return_policy: policy, resume_position: node.position });
        return;
      }
      const stepId = target.to.stepId;
      const nodes = await this.deps.instances.nodesOf(trx, tx.row.id);
      const dest = nodes
        .filter(n => n.round === tx.row.round && n.step_id === stepId && n.kind === 'approval' && n.status === 'approved' && n.position < node.position)
        .pop();
      if (!dest) throw new WorkflowError(400, 'returnTargetInvalid');
      await this.decide(tx, task, 'returned', actor, 'return', target.comment, { to: stepId, policy });
      await this.closeOpen(tx, await this.deps.instances.tasksOfNode(trx, node.id), 'returned');
      await this.deps.instances.updateNode(trx, node.id, { status: 'returned', finished_at: tx.now });
      // the approvals from the target on are void: they must be given again
      for (const n of nodes) {
        if (n.round === tx.row.round && n.position >= dest.position && n.status === 'approved') {
          await this.deps.instances.updateNode(trx, n.id, { status: 'returned' });
        }
      }
      tx.set({ resume_position: policy === 'jump-back' ? node.position : null });
      await this.activate(tx, dest.position);
    });
  }

  /** 转交: hands the task to someone else, who takes the same place in the node. */
  transfer(actor: string, taskId: string, version: number, to: string, comment?: string): Promise<void> {
    return this.onTask(actor, taskId, version, async (tx, task, node) => {
      const open = (await this.deps.instances.tasksOfNode(tx.trx, node.id)).filter(t => OPEN.includes(t.status));
      if (to === actor || to === task.assignee || open.some(t => t.assignee === to || t.on_behalf_of === to)) {
        throw new WorkflowError(400, 'transferInvalid');
      }
      await this.decide(tx, task, 'transferred', actor, 'transfer', comment, { to });
      const replacement = await this.newTask(tx, node, to, { status: 'pending', origin: task.origin, parent: task.parent_task_id, seq: Number(task.seq) });
      await this.deps.instances.insertTasks(tx.trx, [replacement]);
    });
  }

  /**
   * 加签. before: the signers approve first, then the task returns to the actor;
   * after: the actor approves now and the signers must approve too before the
   * actor's approval counts; parallel: the signers join the node as approvers.
   */
  addSigner(actor: string, taskId: string, version: number, spec: { position: AddSignerPosition; users: string[]; comment?: string }): Promise<void> {
    return this.onTask(actor, taskId, version, async (tx, task, node) => {
      const open = (await this.deps.instances.tasksOfNode(tx.trx, node.id)).filter(t => OPEN.includes(t.status));
      const users = [...new Set(spec.users)];
      if (
        users.length === 0 ||
        users.some(u => u === actor || u === task.assignee || u === task.on_behalf_of || open.some(t => t.assignee === u || t.on_behalf_of === u))
      ) {
        throw new WorkflowError(400, 'addSignerInvalid');
      }
      const origin = SIGNER_ORIGIN[spec.position];
      if (spec.position === 'after') {
        await this.decide(tx, task, 'approved', actor, 'approve', spec.comment);
      } else if (spec.position === 'before') {
        await this.deps.instances.updateTask(tx.trx, task.id, { status: 'waiting', version: Number(task.version) + 1, updated_at: tx.now });
      }
      tx.log({ action: 'addSigner', actor, onBehalfOf: this.behalf(actor, task), taskId: task.id, nodeId: node.id, comment: spec.comment ?? null, detail: { position: spec.position, users } });
      const added: TaskRow[] = [];
      for (const u of users) added.push(await this.newTask(tx, node, u, { status: 'pending', origin, parent: task.id, seq: Number(task.seq) }));
      await this.deps.instances.insertTasks(tx.trx, added);
      if (spec.position === 'after') await this.settle(tx, node);
    });
  }

  /** 撤回: takes back one's own approval while nobody has decided after it. */
  recall(actor: string, taskId: string, comment?: string): Promise<void> {
    return this.withTaskInstance(taskId, async (tx, task) => {
      const { trx } = tx;
      if (actor !== task.decided_by && actor !== task.assignee && actor !== task.on_behalf_of) throw new WorkflowError(403, 'notYourTask');
      if (task.status !== 'approved' || !task.decided_by) throw new WorkflowError(409, 'recallNotAllowed');
      if (tx.row.status !== 'running') throw new WorkflowError(409, 'instanceClosed', { status: instanceStatusLabel(tx.row.status) });
      const node = (await this.deps.instances.node(trx, task.node_id))!;
      const all = await this.deps.instances.tasksOf(trx, tx.row.id);
      const decidedLater = all.some(
        t => t.id !== task.id && t.decided_by && HUMAN_DECISIONS.includes(t.status) && Number(t.decided_seq) > Number(task.decided_seq),
      );
      const hasSigners = all.some(t => t.parent_task_id === task.id);
      if (node.round !== tx.row.round || !['active', 'approved'].includes(node.status) || decidedLater || hasSigners) {
        throw new WorkflowError(409, 'recallTooLate');
      }
      // undo what the approval set in motion: later nodes of this round close
      for (const n of await this.deps.instances.nodesOf(trx, tx.row.id)) {
        if (n.round === tx.row.round && n.position > node.position && !['returned', 'cancelled', 'rejected'].includes(n.status)) {
          await this.closeOpen(tx, all.filter(t => t.node_id === n.id), 'recalled');
          await this.deps.instances.updateNode(trx, n.id, { status: 'cancelled', finished_at: tx.now });
        }
      }
      if (node.status === 'approved') {
        await this.deps.instances.updateNode(trx, node.id, { status: 'active', finished_at: null, jumped_to: null });
        if (node.jumped_to !== null) tx.set({ resume_position: node.jumped_to });
      }
      const sequential = node.mode === 'sequential';
      for (const t of all.filter(x => x.node_id === node.id && x.id !== task.id)) {
        const reopen = t.status === 'cancelled' && t.closed_reason === 'nodeDone';
        const requeue = sequential && t.status === 'pending' && Number(t.seq) > Number(task.seq);
        if (reopen || requeue) {
          const status: TaskStatus = sequential && Number(t.seq) > Number(task.seq) ? 'queued' : 'pending';
          const stamp = status === 'pending' ? this.pendingStamp(tx, node) : NOT_PENDING;
          await this.deps.instances.updateTask(trx, t.id, { status, closed_reason: null, version: Number(t.version) + 1, updated_at: tx.now, ...stamp });
        }
      }
      await this.deps.instances.updateTask(trx, task.id, {
        status: 'pending',
        decided_by: null,
        decided_at: null,
        decided_seq: null,
        comment: null,
        version: Number(task.version) + 1,
        updated_at: tx.now,
        ...this.pendingStamp(tx, node),
      });
      tx.set({ current_position: node.position });
      tx.log({ action: 'recall', actor, taskId: task.id, nodeId: node.id, comment: comment ?? null });
    });
  }

  // --------------------------------------------------- applicant's actions

  /** 重新提交 after 退回 to the applicant: restart from the first node, or jump back to the returning node. */
  async resubmit(actor: string, instanceId: string, changes: ResubmitChanges = {}): Promise<WorkflowInstance> {
    const before = await this.deps.instances.get(instanceId);
    if (!before) throw new WorkflowError(404, 'instanceNotFound');
    if (isService(actor)) {
      // the owning plugin resubmits its document for the applicant, and must say for whom
      this.requireOwningPlugin(actor, before.document_type);
      if (changes.applicant !== before.applicant) throw new WorkflowError(403, 'notInitiator');
    } else if (actor !== before.applicant) throw new WorkflowError(403, 'notInitiator');
    if (before.status !== 'returned') throw new WorkflowError(409, 'notReturned');
    const fields = changes.fields ?? parseJson<Record<string, unknown>>(before.fields, {});
    const storedAmount = before.amount === null ? null : Number(before.amount);
    const amount = changes.amount === undefined ? storedAmount : changes.amount;
    let plan: InstancePlan | undefined;
    if (before.return_policy !== 'jump-back') {
      // restart: the changed document may take other branches; the instance keeps its flow version
      const version = (await this.deps.flows.version(before.flow_id, Number(before.flow_version)))!;
      plan = await this.deps.planner.plan(version.definition, {
        type: before.document_type,
        id: before.document_id,
        title: changes.title ?? before.title,
        amount,
        applicant: before.applicant,
        department: before.department,
        fields,
        chosenApprovers: changes.chosenApprovers,
      });
    }
    await this.transition(instanceId, async tx => {
      if (tx.row.status !== 'returned' || tx.row.version !== before.version) throw new WorkflowError(409, 'notReturned');
      const jumpTo = plan ? 0 : Number(tx.row.resume_position ?? 0);
      tx.set({
        status: 'running',
        round: Number(tx.row.round) + 1,
        title: changes.title ?? tx.row.title,
        amount,
        fields: JSON.stringify(fields),
        return_policy: null,
        resume_position: null,
        ...(plan ? { plan: JSON.stringify(plan) } : {}),
      });
      if (plan) tx.plan = plan;
      tx.log({ action: 'resubmit', actor, onBehalfOf: actor === before.applicant ? null : before.applicant, detail: { policy: plan ? 'restart' : 'jump-back', position: jumpTo } });
      await this.activate(tx, jumpTo);
    });
    return instanceFromRow((await this.deps.instances.get(instanceId))!);
  }

  /** 撤销: the applicant withdraws the request while it is open. */
  withdraw(actor: string, instanceId: string, comment?: string): Promise<void> {
    return this.transition(instanceId, async tx => {
      if (actor !== tx.row.applicant) throw new WorkflowError(403, 'notInitiator');
      if (tx.row.status !== 'running' && tx.row.status !== 'returned') {
        throw new WorkflowError(tx.row.status === 'withdrawn' ? 410 : 409, 'instanceClosed', { status: instanceStatusLabel(tx.row.status) });
      }
      for (const n of await this.deps.instances.nodesOf(tx.trx, tx.row.id)) {
        if (n.status === 'active') await this.deps.instances.updateNode(tx.trx, n.id, { status: 'cancelled', finished_at: tx.now });
      }
      tx.log({ action: 'withdraw', actor, comment: comment ?? null });
      await this.finish(tx, 'withdrawn');
    });
  }

  /** 催办: records the reminder and answers whom to notify (notifications are the caller's). */
  remind(actor: string, instanceId: string, comment?: string): Promise<{ users: string[] }> {
    return this.transition(instanceId, async tx => {
      if (actor !== tx.row.applicant) throw new WorkflowError(403, 'notInitiator');
      if (tx.row.status !== 'running') throw new WorkflowError(409, 'instanceClosed', { status: instanceStatusLabel(tx.row.status) });
      const pending = (await this.deps.instances.tasksOf(tx.trx, tx.row.id)).filter(t => t.status === 'pending');
      const users = [...new Set(pending.flatMap(t => [t.assignee, ...(t.on_behalf_of ? [t.on_behalf_of] : [])]))];
      if (users.length === 0) throw new WorkflowError(409, 'nothingToRemind');
      tx.log({ action: 'remind', actor, comment: comment ?? null, detail: { users } });
      return { users };
    });
  }

  // ------------------------------------------------------- participants

  /** 抄送 by hand: any participant may copy others in. */
  cc(actor: string, instanceId: string, users: string[], comment?: string): Promise<void> {
    return this.transition(instanceId, async tx => {
      await this.requireParticipant(tx, actor);
      const list = [...new Set(users)];
      if (list.length === 0) throw new WorkflowError(400, 'validationFailed');
      await this.deps.instances.insertCc(
        tx.trx,
        list.map(u => ({ id: randomUUID(), instance_id: tx.row.id, node_id: null, user_ref: u, by: actor, created_at: tx.now })),
      );
      tx.log({ action: 'cc', actor, comment: comment ?? null, detail: { users: list } });
    });
  }

  /** 评论, optionally with attachment references (the files live in the net disk). */
  comment(actor: string, instanceId: string, text: string, attachments: Array<{ name: string; ref: string }> = []): Promise<void> {
    return this.transition(instanceId, async tx => {
      await this.requireParticipant(tx, actor);
      if (!text.trim() && attachments.length === 0) throw new WorkflowError(400, 'emptyComment');
      tx.log({ action: 'comment', actor, comment: text.trim(), detail: attachments.length ? { attachments } : {} });
    });
  }

  // ------------------------------------------------ 时限 (the scheduler's)

  /**
   * What the scheduler does once a task's reminder time (`remind`) or deadline
   * (`timeout`) has come: a reminder, or the node's `onTimeout` — 提醒, 上报
   * to the first of `supervisors` (the assignee's chain, nearest first) not
   * already on the node, 自动同意 or 自动拒绝 — as the system actor. One locked
   * transition like any action: under the lock the task must still be pending,
   * due and unmarked, so a person deciding at the same moment either wins (this
   * then does nothing) or loses with the usual 409, and a rerun does nothing.
   */
  deadline(taskId: string, kind: 'remind' | 'timeout', supervisors: string[] = []): Promise<DeadlineOutcome> {
    return this.withTaskInstance(taskId, async (tx, task): Promise<DeadlineOutcome> => {
      const at = kind === 'remind' ? task.remind_at : task.due_at;
      const done = kind === 'remind' ? task.reminded_at : task.timed_out_at;
      if (tx.row.status !== 'running' || task.status !== 'pending' || done || !at || Date.parse(toIso(at)) > tx.now.getTime()) return 'skipped';
      const users = [task.assignee, ...(task.on_behalf_of ? [task.on_behalf_of] : [])];
      const remind = (reason: string, extra: Record<string, unknown> = {}) =>
        tx.log({ action: 'remind', actor: SYSTEM, taskId: task.id, nodeId: task.node_id, detail: { users, reason, dueAt: toIso(task.due_at), ...extra } });
      // the mark does not bump the task's version: a reminder must not make the approver's open page stale
      await this.deps.instances.updateTask(tx.trx, task.id, kind === 'remind' ? { reminded_at: tx.now } : { timed_out_at: tx.now });
      if (kind === 'remind') {
        remind('beforeDeadline');
        return 'reminded';
      }
      const node = (await this.deps.instances.node(tx.trx, task.node_id))!;
      const detail = { reason: 'timeout' };
      if (task.on_timeout === 'autoApprove') {
        await this.decide(tx, task, 'autoApproved', SYSTEM, 'autoApprove', undefined, detail);
        if (task.origin === 'addBefore' && task.parent_task_id) await this.releaseWaiting(tx, task.parent_task_id, node.id);
        await this.settle(tx, node);
        return 'autoApproved';
      }
      if (task.on_timeout === 'autoReject') {
        await this.decide(tx, task, 'rejected', SYSTEM, 'autoReject', undefined, detail);
        await this.settle(tx, node);
        return 'autoRejected';
      }
      if (task.on_timeout === 'escalate') {
        const open = (await this.deps.instances.tasksOfNode(tx.trx, node.id)).filter(t => OPEN.includes(t.status));
        const to = supervisors.find(u => u !== task.assignee && u !== tx.row.applicant && !open.some(t => t.assignee === u || t.on_behalf_of === u));
        if (!to) {
          remind('timeout', { escalation: 'noSupervisor' });
          return 'remindedAtDeadline';
        }
        await this.decide(tx, task, 'transferred', SYSTEM, 'transfer', undefined, { to, from: task.assignee, ...detail });
        const replacement = await this.newTask(tx, node, to, { status: 'pending', origin: task.origin, parent: task.parent_task_id, seq: Number(task.seq) });
        await this.deps.instances.insertTasks(tx.trx, [replacement]);
        return 'escalated';
      }
      remind('timeout');
      return 'remindedAtDeadline';
    });
  }

  // ---------------------------------------------------------------- reads

  async detail(instanceId: string): Promise<InstanceDetail> {
    const row = await this.deps.instances.get(instanceId);
    if (!row) throw new WorkflowError(404, 'instanceNotFound');
    const db = this.deps.knex;
    const [nodes, tasks, actions, cc] = [
      await this.deps.instances.nodesOf(db, row.id),
      await this.deps.instances.tasksOf(db, row.id),
      await this.deps.instances.actionsOf(db, row.id),
      await this.deps.instances.ccOf(db, row.id),
    ];
    return {
      instance: instanceFromRow(row),
      nodes: nodes.map(nodeFromRow),
      tasks: tasks.map(taskFromRow),
      timeline: actions.map(actionFromRow),
      cc: cc.map(c => ({ user: c.user_ref, nodeId: c.node_id, by: c.by, createdAt: toIso(c.created_at) })),
    };
  }

  /** The recoverable status query: where the document's latest approval stands. */
  async outcome(documentType: string, documentId: string): Promise<InstanceOutcome | null> {
    const row = await this.deps.instances.latestForDocument(documentType, documentId);
    if (!row) return null;
    const i = instanceFromRow(row);
    return { instanceId: i.id, documentType: i.documentType, documentId: i.documentId, status: i.status, outcome: i.outcome, finishedAt: i.finishedAt, version: i.version };
  }

  async pendingTasks(instanceId: string): Promise<WorkflowTask[]> {
    return (await this.deps.instances.tasksOf(this.deps.knex, instanceId)).filter(t => t.status === 'pending').map(taskFromRow);
  }

  // ------------------------------------------------------------ internals

  private async transition<T>(instanceId: string, fn: (tx: Transition) => Promise<T>): Promise<T> {
    let committed: Transition | undefined;
    const result = await this.deps.knex.transaction(async trx => {
      const row = await this.deps.instances.lock(trx, instanceId);
      if (!row) throw new WorkflowError(404, 'instanceNotFound');
      const seqBase = await this.deps.instances.lastSeq(trx, instanceId);
      const before = await this.deps.outbox.snapshot(trx, row);
      const plan = parseJson<InstancePlan>(row.plan, { policies: undefined as never, route: [], department: null });
      const tx = new Transition(trx, row, plan, this.now(), seqBase, before);
      const value = await fn(tx);
      await this.commit(tx);
      committed = tx;
      return value;
    });
    this.deps.outbox.committed(committed!);
    return result;
  }

  private async commit(tx: Transition) {
    await this.deps.instances.insertActions(tx.trx, tx.row.id, tx.firstSeq, tx.actions, tx.now);
    const version = Number(tx.row.version) + 1;
    await this.deps.instances.updateInstance(tx.trx, tx.row.id, { ...tx.patch, version, updated_at: tx.now });
    // what the transition causes outside the database, in the same transaction: it happens if and only if the transition does
    await this.deps.outbox.record(tx, version);
  }

  private async withTaskInstance<T>(taskId: string, fn: (tx: Transition, task: TaskRow) => Promise<T>): Promise<T> {
    const first = await this.deps.instances.task(this.deps.knex, taskId);
    if (!first) throw new WorkflowError(404, 'taskNotFound');
    return this.transition(first.instance_id, async tx => fn(tx, (await this.deps.instances.task(tx.trx, taskId))!));
  }

  /** The checks every decision on a task makes, under the instance lock, in the order a user understands best. */
  private onTask<T>(actor: string, taskId: string, version: number, fn: (tx: Transition, task: TaskRow, node: NodeRow) => Promise<T>): Promise<T> {
    return this.withTaskInstance(taskId, async (tx, task) => {
      if (actor !== task.assignee && actor !== task.on_behalf_of) throw new WorkflowError(403, 'notYourTask');
      if (tx.row.status !== 'running') throw new WorkflowError(410, 'taskGone', { status: instanceStatusLabel(tx.row.status) });
      if (task.status !== 'pending') throw new WorkflowError(409, 'taskNotPending', { status: taskStatusLabel(task.status) });
      if (Number(task.version) !== version) throw new WorkflowError(409, 'staleTask');
      return fn(tx, task, (await this.deps.instances.node(tx.trx, task.node_id))!);
    });
  }

  /** A delegate acting records whom for; the delegator acting on their own task does not. */
  private behalf(actor: string, task: TaskRow): string | null {
    return actor === task.assignee ? task.on_behalf_of : null;
  }

  private async decide(
    tx: Transition,
    task: TaskRow,
    status: TaskStatus,
    actor: string,
    action: 'approve' | 'reject' | 'return' | 'transfer' | 'autoApprove' | 'autoReject',
    comment?: string,
    detail: Record<string, unknown> = {},
  ) {
    await this.deps.instances.updateTask(tx.trx, task.id, {
      status,
      decided_by: actor,
      decided_at: tx.now,
      decided_seq: tx.nextSeq,
      comment: comment ?? null,
      version: Number(task.version) + 1,
      updated_at: tx.now,
    });
    tx.log({ action, actor, onBehalfOf: this.behalf(actor, task), taskId: task.id, nodeId: task.node_id, comment: comment ?? null, detail });
  }

  /** 前加签 done: when every signer added before a task approved, the task is the actor's again. */
  private async releaseWaiting(tx: Transition, parentId: string, nodeId: string) {
    const tasks = await this.deps.instances.tasksOfNode(tx.trx, nodeId);
    const parent = tasks.find(t => t.id === parentId);
    const signers = tasks.filter(t => t.parent_task_id === parentId && t.origin === 'addBefore' && !['transferred', 'cancelled'].includes(t.status));
    if (parent?.status === 'waiting' && signers.every(t => t.status === 'approved' || t.status === 'autoApproved')) {
      const node = (await this.deps.instances.node(tx.trx, nodeId))!;
      await this.deps.instances.updateTask(tx.trx, parent.id, { status: 'pending', version: Number(parent.version) + 1, updated_at: tx.now, ...this.pendingStamp(tx, node) });
    }
  }

  private async newTask(
    tx: Transition,
    node: NodeRow,
    approver: string,
    spec: { status: TaskStatus; origin: TaskOrigin; parent: string | null; seq: number },
  ): Promise<TaskRow> {
    const delegate = await this.deps.delegations.activeDelegate(tx.trx, approver, tx.row.document_type, tx.now);
    const stamp = spec.status === 'pending' ? this.pendingStamp(tx, node) : NOT_PENDING;
    return {
      id: randomUUID(),
      instance_id: tx.row.id,
      node_id: node.id,
      assignee: delegate ?? approver,
      on_behalf_of: delegate ? approver : null,
      status: spec.status,
      origin: spec.origin,
      parent_task_id: spec.parent,
      seq: spec.seq,
      version: 1,
      comment: null,
      decided_by: null,
      decided_at: null,
      decided_seq: null,
      closed_reason: null,
      created_at: tx.now,
      updated_at: tx.now,
      ...stamp,
      viewed_at: null,
    };
  }

  /** A task reaching its approver: since when, and the node's time limit from now on. */
  private pendingStamp(tx: Transition, node: NodeRow): PendingStamp {
    const step = tx.plan.route[Number(node.position)];
    const limit = step?.stepId === node.step_id ? step.timeLimit : undefined;
    if (!limit) return { ...NOT_PENDING, pending_at: tx.now };
    const due = tx.now.getTime() + limit.hours * HOUR_MS;
    return {
      pending_at: tx.now,
      due_at: new Date(due),
      remind_at: limit.remindBeforeHours ? new Date(due - limit.remindBeforeHours * HOUR_MS) : null,
      on_timeout: limit.onTimeout,
      reminded_at: null,
      timed_out_at: null,
    };
  }

  private async closeOpen(tx: Transition, tasks: TaskRow[], reason: string) {
    for (const t of tasks) {
      if (OPEN.includes(t.status)) {
        await this.deps.instances.updateTask(tx.trx, t.id, { status: 'cancelled', closed_reason: reason, version: Number(t.version) + 1, updated_at: tx.now });
      }
    }
  }

  /** Approvers who already approved an earlier, still valid node of this round (for the duplicate-approver policy). */
  private async approvedEarlier(tx: Transition, position: number): Promise<Set<string>> {
    const rows: Array<{ assignee: string; on_behalf_of: string | null }> = await tx
      .trx('workflow_tasks as t')
      .join('workflow_nodes as n', 'n.id', 't.node_id')
      .where('n.instance_id', tx.row.id)
      .where('n.round', tx.row.round)
      .where('n.position', '<', position)
      .where('n.status', 'approved')
      .whereIn('t.status', ['approved', 'autoApproved'])
      .select('t.assignee', 't.on_behalf_of');
    return new Set(rows.map(r => r.on_behalf_of ?? r.assignee));
  }

  /** Starts the route node at `position` (or finishes the instance past the end). */
  private async activate(tx: Transition, position: number): Promise<void> {
    const route = tx.plan.route;
    if (position >= route.length) {
      await this.finish(tx, 'approved');
      return;
    }
    const step = route[position];
    tx.set({ current_position: position });
    const node: NodeRow = {
      id: randomUUID(),
      instance_id: tx.row.id,
      round: Number(tx.row.round),
      position,
      step_id: step.stepId,
      name: step.name,
      kind: step.kind,
      mode: step.mode,
      ratio: step.ratio,
      status: 'active',
      jumped_to: null,
      activated_at: tx.now,
      finished_at: null,
    };
    if (step.kind === 'cc' || step.users.length === 0) {
      node.status = step.kind === 'cc' ? 'done' : 'skipped';
      node.finished_at = tx.now;
      await this.deps.instances.insertNode(tx.trx, node);
      if (step.kind === 'cc') {
        await this.deps.instances.insertCc(
          tx.trx,
          step.users.map(u => ({ id: randomUUID(), instance_id: tx.row.id, node_id: node.id, user_ref: u, by: SYSTEM, created_at: tx.now })),
        );
        tx.log({ action: 'cc', actor: SYSTEM, nodeId: node.id, detail: { users: step.users } });
      } else {
        tx.log({ action: 'autoSkip', actor: SYSTEM, nodeId: node.id, detail: { emptyHandledBy: step.emptyHandledBy ?? 'autoPass' } });
      }
      await this.activate(tx, position + 1);
      return;
    }
    await this.deps.instances.insertNode(tx.trx, node);
    const earlier = tx.plan.policies.duplicateApprover === 'autoPass' ? await this.approvedEarlier(tx, position) : new Set<string>();
    const tasks: TaskRow[] = [];
    for (const [i, user] of step.users.entries()) {
      const seq = step.mode === 'sequential' ? i : 0;
      let status: TaskStatus = seq === 0 ? 'pending' : 'queued';
      if (earlier.has(user)) status = 'autoApproved';
      const task = await this.newTask(tx, node, user, { status, origin: 'rule', parent: null, seq });
      if (status === 'autoApproved') {
        task.decided_at = tx.now;
        tx.log({ action: 'autoApprove', actor: SYSTEM, onBehalfOf: user, taskId: task.id, nodeId: node.id, detail: { reason: 'duplicateApprover' } });
      }
      tasks.push(task);
    }
    await this.deps.instances.insertTasks(tx.trx, tasks);
    await this.settle(tx, node);
  }

  /** Applies the node's verdict: activate the next in turn, or close the node and move on / finish. */
  private async settle(tx: Transition, node: NodeRow): Promise<void> {
    const tasks = await this.deps.instances.tasksOfNode(tx.trx, node.id);
    const verdict = evaluateNode(node.mode ?? 'all', node.ratio === null ? null : Number(node.ratio), tasks.map(toState));
    if (verdict.outcome === 'open') {
      for (const id of verdict.activate) {
        const t = tasks.find(x => x.id === id)!;
        await this.deps.instances.updateTask(tx.trx, id, { status: 'pending', version: Number(t.version) + 1, updated_at: tx.now, ...this.pendingStamp(tx, node) });
      }
      // a turn can come to someone who already approved earlier: pass it on at once
      if (verdict.activate.length && tx.plan.policies.duplicateApprover === 'autoPass') {
        const earlier = await this.approvedEarlier(tx, Number(node.position));
        const repeat = tasks.filter(t => verdict.activate.includes(t.id) && earlier.has(t.on_behalf_of ?? t.assignee));
        for (const t of repeat) {
          await this.deps.instances.updateTask(tx.trx, t.id, { status: 'autoApproved', decided_at: tx.now, version: Number(t.version) + 2, updated_at: tx.now });
          tx.log({ action: 'autoApprove', actor: SYSTEM, onBehalfOf: t.on_behalf_of ?? t.assignee, taskId: t.id, nodeId: node.id, detail: { reason: 'duplicateApprover' } });
        }
        if (repeat.length) await this.settle(tx, node);
      }
      return;
    }
    await this.closeOpen(tx, tasks, 'nodeDone');
    if (verdict.outcome === 'rejected') {
      await this.deps.instances.updateNode(tx.trx, node.id, { status: 'rejected', finished_at: tx.now });
      await this.finish(tx, 'rejected');
      return;
    }
    let next = Number(node.position) + 1;
    const resume = tx.row.resume_position;
    const jump = resume !== null && resume !== undefined && Number(node.position) < Number(resume);
    if (jump) {
      next = Number(resume);
      tx.set({ resume_position: null });
    }
    await this.deps.instances.updateNode(tx.trx, node.id, { status: 'approved', finished_at: tx.now, jumped_to: jump ? next : null });
    tx.log({ action: 'nodeApproved', actor: SYSTEM, nodeId: node.id, detail: jump ? { jumpedTo: next } : {} });
    await this.activate(tx, next);
  }

  private async finish(tx: Transition, outcome: Outcome) {
    await this.closeOpen(tx, await this.deps.instances.tasksOf(tx.trx, tx.row.id), outcome);
    tx.set({ status: outcome, outcome, finished_at: tx.now });
    tx.log({ action: 'finish', actor: SYSTEM, detail: { outcome } });
  }

  /** A service caller acts only on document types its plugin registered. */
  private requireOwningPlugin(actor: string, type: string) {
    const spec = this.deps.documentTypes.get(type);
    if (!spec || actor !== `service:plugin:${spec.pluginId}`) throw new WorkflowError(403, 'notDocumentOwner', { type });
  }

  private async requireParticipant(tx: Transition, actor: string) {
    if (actor === tx.row.applicant) return;
    const tasks = await this.deps.instances.tasksOf(tx.trx, tx.row.id);
    if (tasks.some(t => t.assignee === actor || t.on_behalf_of === actor)) return;
    const cc = await this.deps.instances.ccOf(tx.trx, tx.row.id);
    if (cc.some(c => c.user_ref === actor)) return;
    throw new WorkflowError(403, 'notParticipant');
  }
}
