import { Knex } from 'knex';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { WORKFLOW_EVENTS_TOPIC } from '@cocrm/plugin-workflow-node';
import type { InstanceStore } from '../database/InstanceStore';
import { instanceFromRow } from '../database/rows';
import type { DocumentTypeRegistry } from '../service/FlowService';
import type { ApprovalMailer } from '../mail/ApprovalMailer';
import { formatAmount } from '../mail/documentSummary';
import type { PeopleDirectory } from '../mail/people';
import { text } from '../mail/texts';
import type { NotifyPayload, OutboxMessage } from './effects';
import type { OutboxDelivery } from './OutboxDispatcher';

/** The channel the inbox pages listen on; the message only says "reload your counts and lists". */
export const INBOX_SIGNAL_CHANNEL = 'workflow:inbox';

/** Where notifications point: the instance's page in the portal (relative, the app resolves it). */
export const instancePath = (instanceId: string) => `/approvals/instances/${instanceId}`;

/** Notification scopes: a re-send with the same scope updates the earlier notification instead of adding one. */
export const notificationScope = {
  task: (taskId: string) => `workflow-task:${taskId}`,
  cc: (instanceId: string) => `workflow-cc:${instanceId}`,
  outcome: (instanceId: string) => `workflow-instance:${instanceId}`,
};

export interface OutboxSinks {
  notifications?: Pick<NotificationService, 'send'>;
  signals?: Pick<SignalsService, 'publish'>;
  events?: Pick<EventsService, 'publish'>;
  mailer?: Pick<ApprovalMailer, 'send'>;
}

const t = (key: Parameters<typeof text>[1], vars?: Record<string, string | number>) => text('zh-CN', key, vars);

/** Delivers each kind of outbox message to its service; a missing service means that kind is not wanted here. */
export function createOutboxDelivery(deps: {
  sinks: OutboxSinks;
  knex: Knex;
  instances: InstanceStore;
  documentTypes: DocumentTypeRegistry;
  people: PeopleDirectory;
}): OutboxDelivery {
  const { sinks } = deps;

  const notify = async (p: NotifyPayload) => {
    if (!sinks.notifications) return;
    const row = await deps.instances.get(p.instanceId);
    if (!row) return;
    const instance = instanceFromRow(row);
    const name = await deps.people.names();
    const type = deps.documentTypes.get(instance.documentType)?.label['zh-CN'] ?? instance.documentType;
    const subject = { type, title: instance.title };
    let title: string;
    let description: string;
    let scope: string;
    let severity: 'normal' | 'high' = 'normal';
    if (p.type === 'task' || p.type === 'remind') {
      // a task decided meanwhile needs no (re)notification any more
      const task = await deps.instances.task(deps.knex, p.taskId);
      if (!task || task.status !== 'pending') return;
      scope = notificationScope.task(p.taskId);
      if (p.type === 'task') {
        const node = await deps.instances.node(deps.knex, task.node_id);
        title = p.onBehalfOf ? t('notifyTaskBehalf', { ...subject, name: name(p.onBehalfOf) }) : t('notifyTask', subject);
        description = t('notifyTaskDescription', { applicant: name(instance.applicant), node: node?.name ?? '' });
        if (instance.amount !== null) description += ` · ${t('fieldAmount')} ${formatAmount(instance.amount, instance.currency)}`;
      } else {
        title = t('notifyRemind', subject);
        description = t('notifyRemindDescription', { by: name(p.by) }) + (p.comment ? `：${p.comment}` : '');
        severity = 'high';
      }
    } else if (p.type === 'cc') {
      scope = notificationScope.cc(p.instanceId);
      title = t('notifyCc', subject);
      description = p.by === 'system' ? t('notifyCcByFlow') : t('notifyCcDescription', { by: name(p.by) });
    } else {
      scope = notificationScope.outcome(p.instanceId);
      const by = p.by && p.by !== 'system' ? name(p.by) : null;
      if (p.status === 'approved') title = t('notifyApproved', subject);
      else if (p.status === 'rejected') title = t('notifyRejected', subject);
      else title = t('notifyReturned', subject);
      description =
        p.status === 'returned' && by ? t('notifyReturnedDescription', { by }) : [by ? t('notifyOutcomeBy', { by }) : '', p.comment ?? ''].filter(Boolean).join('：');
      if (p.status === 'rejected') severity = 'high';
    }
    await sinks.notifications.send({
      recipients: { type: 'entity', entityRef: [p.to] },
      payload: { title, description: description || undefined, link: instancePath(p.instanceId), scope, severity, topic: 'workflow' },
    });
  };

  return async (message: OutboxMessage) => {
    switch (message.kind) {
      case 'notify':
        await notify(message.payload);
        return;
      case 'signal':
        await sinks.signals?.publish({ recipients: { type: 'user', entityRef: message.payload.users }, channel: INBOX_SIGNAL_CHANNEL, message: { kind: 'changed' } });
        return;
      case 'event':
        await sinks.events?.publish({ topic: WORKFLOW_EVENTS_TOPIC, eventPayload: message.payload });
        return;
      case 'mail':
        await sinks.mailer?.send(message.payload);
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unknown outbox message ${JSON.stringify(unknown)}`);
      }
    }
  };
}
