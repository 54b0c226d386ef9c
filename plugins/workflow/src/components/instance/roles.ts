import type { InstanceDetail, TaskStatus, WorkflowNode, WorkflowTask } from '@cocrm/plugin-workflow-common';

/** Decisions a person made (as opposed to closings and automatic passes). */
const HUMAN_DECISIONS: TaskStatus[] = ['approved', 'rejected', 'returned'];

/** What the signed-in user may do on an approval, from their part in it. The backend checks every action again. */
export interface CallerRole {
  /** the caller's open task (as assignee, or as the delegator it is held for) */
  pendingTask: WorkflowTask | undefined;
  /** the node of that task */
  pendingNode: WorkflowNode | undefined;
  /** the caller's own approval that may still be taken back (撤回) */
  recallableTask: WorkflowTask | undefined;
  isApplicant: boolean;
  /** applicant, approver (also on someone's behalf) or CC recipient: may CC and comment */
  isParticipant: boolean;
  /** earlier approval nodes of this round a pending task may be returned to (by step id) */
  returnTargets: WorkflowNode[];
}

const sameRef = (a: string | null | undefined, b: string | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

export function callerRole(detail: InstanceDetail, me: string | undefined): CallerRole {
  const { instance, tasks, nodes, cc } = detail;
  const mine = (t: WorkflowTask) => sameRef(t.assignee, me) || sameRef(t.onBehalfOf, me);
  const open = instance.status === 'running';
  const nodeById = new Map(nodes.map(n => [n.id, n]));

  // one's own task before one held for one by a delegate
  const pending = open ? tasks.filter(t => t.status === 'pending' && mine(t)) : [];
  const pendingTask = pending.find(t => sameRef(t.assignee, me)) ?? pending[0];
  const pendingNode = pendingTask ? nodeById.get(pendingTask.nodeId) : undefined;

  const recallableTask = open
    ? tasks
        .filter(
          t => t.status === 'approved' && sameRef(t.decidedBy, me) && nodeById.get(t.nodeId)?.round === instance.round,
        )
        .find(
          t =>
            !tasks.some(
              o =>
                o.id !== t.id &&
                HUMAN_DECISIONS.includes(o.status) &&
                !!o.decidedAt &&
                !!t.decidedAt &&
                o.decidedAt > t.decidedAt,
            ) && !tasks.some(o => o.parentTaskId === t.id),
        )
    : undefined;

  const isApplicant = sameRef(instance.applicant, me);
  const isParticipant = isApplicant || tasks.some(mine) || cc.some(c => sameRef(c.user, me));

  const returnTargets: WorkflowNode[] = [];
  if (pendingNode) {
    const seen = new Set<string>();
    for (const n of [...nodes].sort((a, b) => b.position - a.position)) {
      if (
        n.kind === 'approval' &&
        n.status === 'approved' &&
        n.round === instance.round &&
        n.position < pendingNode.position &&
        !seen.has(n.stepId)
      ) {
        seen.add(n.stepId);
        returnTargets.unshift(n);
      }
    }
  }

  return { pendingTask, pendingNode, recallableTask, isApplicant, isParticipant, returnTargets };
}
