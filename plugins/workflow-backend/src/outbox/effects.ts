import type { InstanceStatus, Outcome, TaskStatus } from '@cocrm/plugin-workflow-common';
import type { WorkflowStatusEvent } from '@cocrm/plugin-workflow-node';
import type { NewAction } from '../database/InstanceStore';

/** A task as far as side effects care. */
export interface TaskSnap {
  id: string;
  assignee: string;
  onBehalfOf: string | null;
  status: TaskStatus;
  version: number;
}

/** What a transition found under the lock; `status` is null before a submit. */
export interface InstanceSnapshot {
  status: InstanceStatus | null;
  tasks: TaskSnap[];
  ccIds: string[];
}

export interface CcSnap {
  id: string;
  user: string;
  by: string;
}

/** Outcomes the applicant hears about (撤销 is their own doing). */
export type ApplicantNews = Exclude<Outcome, 'withdrawn'> | 'returned';

export type NotifyPayload =
  /** a task waits for its assignee (the delegate when `onBehalfOf` is set) */
  | { type: 'task'; instanceId: string; taskId: string; taskVersion: number; to: string; onBehalfOf: string | null }
  /** 催办 of a pending task: the same scope as the task's notification, so it updates that one */
  | { type: 'remind'; instanceId: string; taskId: string; taskVersion: number; to: string; onBehalfOf: string | null; by: string; comment: string | null }
  | { type: 'cc'; instanceId: string; to: string; by: string }
  | { type: 'outcome'; instanceId: string; to: string; status: ApplicantNews; by: string | null; comment: string | null };

export type OutboxMessage =
  | { kind: 'notify'; payload: NotifyPayload }
  | { kind: 'signal'; payload: { users: string[] } }
  | { kind: 'event'; payload: WorkflowStatusEvent }
  | { kind: 'mail'; payload: { instanceId: string; taskId: string; taskVersion: number } };

export type OutboxKind = OutboxMessage['kind'];

const APPLICANT_NEWS: Record<string, ApplicantNews | undefined> = { approved: 'approved', rejected: 'rejected', returned: 'returned' };
const DECISIONS = new Set(['approve', 'reject', 'return', 'autoApprove', 'autoReject']);

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every(v => typeof v === 'string') ? (value as string[]) : undefined;
}

/**
 * Everything a committed transition must cause outside the database, derived
 * from what changed rather than from which action ran, so that every action —
 * including the scheduler's (reminders, escalation, automatic decisions) —
 * informs the same people in the same way.
 */
export function deriveEffects(input: {
  instance: { id: string; applicant: string; documentType: string; documentId: string; status: InstanceStatus; outcome: Outcome | null; version: number };
  before: InstanceSnapshot;
  tasks: TaskSnap[];
  cc: CcSnap[];
  actions: NewAction[];
  at: Date;
  mail: boolean;
}): OutboxMessage[] {
  const { instance, before, tasks, cc, actions } = input;
  const previous = new Map(before.tasks.map(t => [t.id, t]));
  const out: OutboxMessage[] = [];
  const touched = new Set<string>();
  const touch = (...refs: Array<string | null | undefined>) => refs.forEach(r => r && touched.add(r));

  const newlyPending: TaskSnap[] = [];
  for (const t of tasks) {
    const old = previous.get(t.id);
    if (old && old.status === t.status && old.assignee === t.assignee && old.onBehalfOf === t.onBehalfOf) continue;
    touch(t.assignee, t.onBehalfOf, old?.assignee, old?.onBehalfOf);
    if (t.status === 'pending') newlyPending.push(t);
  }

  for (const t of newlyPending) {
    out.push({ kind: 'notify', payload: { type: 'task', instanceId: instance.id, taskId: t.id, taskVersion: t.version, to: t.assignee, onBehalfOf: t.onBehalfOf } });
  }
  if (input.mail) {
    for (const t of newlyPending) out.push({ kind: 'mail', payload: { instanceId: instance.id, taskId: t.id, taskVersion: t.version } });
  }

  const fresh = new Set(newlyPending.map(t => t.id));
  for (const a of actions.filter(x => x.action === 'remind')) {
    const users = stringList(a.detail?.users);
    for (const t of tasks) {
      if (t.status !== 'pending' || fresh.has(t.id) || (a.taskId && a.taskId !== t.id)) continue;
      if (users && !users.includes(t.assignee) && !(t.onBehalfOf && users.includes(t.onBehalfOf))) continue;
      out.push({
        kind: 'notify',
        payload: { type: 'remind', instanceId: instance.id, taskId: t.id, taskVersion: t.version, to: t.assignee, onBehalfOf: t.onBehalfOf, by: a.actor, comment: a.comment ?? null },
      });
    }
  }

  const knownCc = new Set(before.ccIds);
  const newCc = new Map<string, CcSnap>();
  for (const c of cc) if (!knownCc.has(c.id) && !newCc.has(c.user)) newCc.set(c.user, c);
  for (const c of newCc.values()) {
    out.push({ kind: 'notify', payload: { type: 'cc', instanceId: instance.id, to: c.user, by: c.by } });
    touch(c.user);
  }

  const statusChanged = before.status !== instance.status;
  const news = statusChanged ? APPLICANT_NEWS[instance.status] : undefined;
  if (news) {
    const decision = [...actions].reverse().find(a => DECISIONS.has(a.action));
    out.push({
      kind: 'notify',
      payload: { type: 'outcome', instanceId: instance.id, to: instance.applicant, status: news, by: decision?.actor ?? null, comment: decision?.comment ?? null },
    });
  }

  if (statusChanged) touch(...cc.map(c => c.user));
  if (touched.size || statusChanged) touch(instance.applicant);
  if (touched.size) out.push({ kind: 'signal', payload: { users: [...touched].sort() } });

  if (statusChanged) {
    out.push({
      kind: 'event',
      payload: {
        kind: 'status',
        documentType: instance.documentType,
        documentId: instance.documentId,
        instanceId: instance.id,
        status: instance.status,
        outcome: instance.outcome,
        version: instance.version,
        at: input.at.toISOString(),
      },
    });
  }
  return out;
}
