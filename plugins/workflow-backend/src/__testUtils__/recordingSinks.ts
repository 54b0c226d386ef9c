import type { EventParams } from '@backstage/plugin-events-node';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import type { WorkflowDelivery } from '../createWorkflow';

/** Notifications, signals and events as the services would have received them. */
export function recordingSinks() {
  const sent = {
    notifications: [] as NotificationSendOptions[],
    signals: [] as SignalPayload[],
    events: [] as EventParams[],
  };
  /** set to make the next deliveries of a kind fail */
  const failing = { notifications: 0, signals: 0, events: 0 };
  const fail = (kind: keyof typeof failing) => {
    if (failing[kind] > 0) {
      failing[kind] -= 1;
      throw new Error(`${kind} down`);
    }
  };
  const delivery: WorkflowDelivery = {
    logger: { warn: () => {}, error: () => {}, debug: () => {} },
    notifications: {
      send: async options => {
        fail('notifications');
        sent.notifications.push(options);
      },
    },
    signals: {
      publish: async signal => {
        fail('signals');
        sent.signals.push(signal as SignalPayload);
      },
    },
    events: {
      publish: async params => {
        fail('events');
        sent.events.push(params);
      },
    },
  };
  const recipients = (n: NotificationSendOptions) => (n.recipients.type === 'entity' ? [n.recipients.entityRef].flat() : ['*']);
  return { sent, failing, delivery, recipients };
}
