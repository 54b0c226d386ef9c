import type { InstanceStatus, Outcome } from '@cocrm/plugin-workflow-common';

/** Events service topic of the workflow plugin. */
export const WORKFLOW_EVENTS_TOPIC = 'cocrm.workflow';

/**
 * Published after every committed change of an instance's status (submitted,
 * returned, resubmitted, finished). Delivery is at least once and may be
 * missed while the subscriber is down, so subscribers apply it idempotently
 * and reconcile open documents through `WorkflowClient.outcome` at start.
 */
export interface WorkflowStatusEvent {
  kind: 'status';
  documentType: string;
  documentId: string;
  instanceId: string;
  status: InstanceStatus;
  outcome: Outcome | null;
  /** the instance's version after the change; subscribers ignore anything older than what they hold */
  version: number;
  /** ISO time of the change */
  at: string;
}
