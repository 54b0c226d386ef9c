import type { ApprovalMode, TaskOrigin, TaskStatus } from '@cocrm/plugin-workflow-common';

/** What node evaluation needs of a task. */
export interface TaskState {
  id: string;
  status: TaskStatus;
  origin: TaskOrigin;
  parentTaskId: string | null;
  seq: number;
}

export type NodeVerdict =
  | { outcome: 'approved' }
  | { outcome: 'rejected' }
  /** still open; `activate` are queued tasks whose turn has come (依次) */
  | { outcome: 'open'; activate: string[] };

const DONE: TaskStatus[] = ['approved', 'autoApproved'];
const GONE: TaskStatus[] = ['transferred', 'cancelled'];

/**
 * Decides a node from its tasks. Members are the rule's approvers and 并加签
 * signers; a member counts as approved only once the signers added after them
 * (后加签) approved too; signers added before (前加签) gate their member's task
 * and do not count themselves. A rejection by anyone rejects the node, except
 * in ratio mode, where it rejects only once the ratio can no longer be reached.
 */
export function evaluateNode(mode: ApprovalMode, ratio: number | null, tasks: TaskState[]): NodeVerdict {
  const live = tasks.filter(t => !GONE.includes(t.status));
  const afterChildren = (t: TaskState) => live.filter(c => c.origin === 'addAfter' && c.parentTaskId === t.id);
  const approved = (t: TaskState): boolean => DONE.includes(t.status) && afterChildren(t).every(approved);
  const members = live.filter(t => t.origin === 'rule' || t.origin === 'addParallel');
  const helperRejected = live.some(t => (t.origin === 'addBefore' || t.origin === 'addAfter') && t.status === 'rejected');
  const memberRejected = members.filter(t => t.status === 'rejected').length;

  if (mode === 'ratio') {
    if (helperRejected) return { outcome: 'rejected' };
    const needed = Math.max(1, Math.ceil(((ratio ?? 100) * members.length) / 100));
    if (members.filter(approved).length >= needed) return { outcome: 'approved' };
    if (members.length - memberRejected < needed) return { outcome: 'rejected' };
    return { outcome: 'open', activate: [] };
  }
  if (helperRejected || memberRejected > 0) return { outcome: 'rejected' };
  if (mode === 'any') return members.some(approved) ? { outcome: 'approved' } : { outcome: 'open', activate: [] };
  if (mode === 'all') return members.every(approved) ? { outcome: 'approved' } : { outcome: 'open', activate: [] };
  // sequential: the lowest sequence number with an unfinished member is the current turn
  const open = members.filter(t => !approved(t));
  if (open.length === 0) return { outcome: 'approved' };
  const turn = Math.min(...open.map(t => t.seq));
  return { outcome: 'open', activate: open.filter(t => t.seq === turn && t.status === 'queued').map(t => t.id) };
}
