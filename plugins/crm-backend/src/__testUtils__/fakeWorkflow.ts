import express from 'express';
import { randomUUID } from 'node:crypto';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  EventParams,
  EventsService,
  EventsServiceSubscribeOptions,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import type {
  DocumentSubmission,
  InstanceOutcome,
  InstanceStatus,
  WorkflowInstance,
} from '@cocrm/plugin-workflow-common';
import {
  WORKFLOW_EVENTS_TOPIC,
  WorkflowStatusEvent,
} from '@cocrm/plugin-workflow-node';

/**
 * One in-process event bus for every plugin of a test backend (Backstage's
 * mock gives each plugin its own), so that what the fake workflow publishes
 * reaches the CRM's subscription the way it does in production.
 */
export class TestEventBus implements EventsService {
  private subscriptions: EventsServiceSubscribeOptions[] = [];

  async publish(params: EventParams): Promise<void> {
    await Promise.all(
      this.subscriptions
        .filter(s => s.topics.includes(params.topic))
        .map(s => s.onEvent(params)),
    );
  }

  async subscribe(options: EventsServiceSubscribeOptions): Promise<void> {
    this.subscriptions.push(options);
  }

  /** A backend restart: the old subscriptions die with the old backend. */
  reset() {
    this.subscriptions = [];
  }

  factory() {
    return createServiceFactory({
      service: eventsServiceRef,
      deps: {},
      factory: () => this,
    });
  }
}

interface FakeInstance extends WorkflowInstance {
  /** the resubmissions received, newest last */
  resubmissions: Array<Record<string, unknown>>;
}

/**
 * A stand-in for the workflow plugin's HTTP API as the CRM uses it (submit,
 * resubmit, outcome, instance detail), holding instances in memory. Tests
 * move instances on (`decide`) with or without publishing the status event,
 * and can make the next submission fail.
 */
export class FakeWorkflow {
  readonly instances = new Map<string, FakeInstance>();
  /** who called, as the fake saw them (the CRM's service identity) */
  readonly callers: string[] = [];
  /** the next submission answers this instead (then it is cleared) */
  refuseNext?: { status: number; message: string };
  /** the next submission is created, but the connection drops before the answer */
  dropNextAnswer = false;
  /** every document type answers 404 like the real plugin without a published flow */
  noFlow = false;
  /** the status event of a new instance goes out before the answer to the submitter (as it may in production) */
  publishBeforeAnswer = false;
  events?: EventsService;

  latestFor(documentId: string): FakeInstance | undefined {
    return [...this.instances.values()]
      .filter(i => i.documentId === documentId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .pop();
  }

  /** Moves an instance to `status` (version + 1) and, unless told otherwise, publishes the event. */
  async decide(
    instanceId: string,
    status: InstanceStatus,
    options: { publish?: boolean } = {},
  ): Promise<WorkflowStatusEvent> {
    const i = this.instances.get(instanceId)!;
    i.status = status;
    i.outcome =
      status === 'approved' || status === 'rejected' || status === 'withdrawn'
        ? status
        : null;
    i.version += 1;
    i.updatedAt = new Date().toISOString();
    const event = this.eventOf(i);
    if (options.publish !== false) await this.publish(event);
    return event;
  }

  eventOf(i: WorkflowInstance): WorkflowStatusEvent {
    return {
      kind: 'status',
      documentType: i.documentType,
      documentId: i.documentId,
      instanceId: i.id,
      status: i.status,
      outcome: i.outcome,
      version: i.version,
      at: i.updatedAt,
    };
  }

  async publish(event: WorkflowStatusEvent) {
    await this.events!.publish({
      topic: WORKFLOW_EVENTS_TOPIC,
      eventPayload: event,
    });
  }

  plugin() {
    return fakeWorkflowPlugin(this);
  }
}

/** The workflow plugin's routes the CRM calls, answered from `fake`. */
function fakeWorkflowPlugin(fake: FakeWorkflow) {
  return createBackendPlugin({
    pluginId: 'workflow',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          events: eventsServiceRef,
        },
        async init({ httpRouter, httpAuth, events }) {
          fake.events = events;
          const router = express.Router();
          router.use(express.json());
          const caller = async (req: express.Request) => {
            const c = await httpAuth.credentials(req, {
              allow: ['user', 'service'],
            });
            const p = c.principal as {
              type: string;
              subject?: string;
              userEntityRef?: string;
            };
            const who =
              p.type === 'service' ? `service:${p.subject}` : p.userEntityRef!;
            fake.callers.push(who);
            return who;
          };
          const fail = (
            res: express.Response,
            status: number,
            message: string,
          ) => res.status(status).json({ error: { name: 'Error', message } });
          router.post('/instances', async (req, res) => {
            await caller(req);
            const body = req.body as DocumentSubmission;
            if (fake.refuseNext) {
              const r = fake.refuseNext;
              fake.refuseNext = undefined;
              fail(res, r.status, r.message);
              return;
            }
            if (fake.noFlow) {
              fail(res, 404, `单据类型“${body.type}”没有已发布的审批流程`);
              return;
            }
            const open = [...fake.instances.values()].find(
              i =>
                i.documentId === body.id &&
                (i.status === 'running' || i.status === 'returned'),
            );
            if (open) {
              fail(res, 409, '该单据已在审批中，不能重复提交');
              return;
            }
            const now = new Date().toISOString();
            const instance: FakeInstance = {
              id: randomUUID(),
              flowId: 'flow-1',
              flowVersionId: 'flow-1-v1',
              flowVersion: 1,
              documentType: body.type,
              documentId: body.id,
              title: body.title,
              amount: body.amount ?? null,
              currency: body.currency ?? null,
              applicant: body.applicant,
              department: body.department ?? null,
              fields: body.fields,
              status: 'running',
              outcome: null,
              round: 1,
              currentPosition: 0,
              version: 1,
              createdAt: now,
              updatedAt: now,
              finishedAt: null,
              resubmissions: [],
            };
            fake.instances.set(instance.id, instance);
            if (fake.publishBeforeAnswer) await fake.publish(fake.eventOf(instance));
            if (fake.dropNextAnswer) {
              fake.dropNextAnswer = false;
              req.socket.destroy();
              return;
            }
            res.status(201).json(instance);
          });
          router.post('/instances/:id/resubmit', async (req, res) => {
            await caller(req);
            const i = fake.instances.get(req.params.id);
            if (!i) {
              fail(res, 404, '审批单不存在或无权查看');
              return;
            }
            if (i.status !== 'returned') {
              fail(res, 409, '审批单未被退回，无需重新提交');
              return;
            }
            i.resubmissions.push(req.body);
            i.fields = req.body.fields ?? i.fields;
            i.amount = req.body.amount ?? i.amount;
            i.status = 'running';
            i.version += 1;
            i.round += 1;
            i.updatedAt = new Date().toISOString();
            res.json(i);
          });
          router.get('/outcome', async (req, res) => {
            await caller(req);
            const i = fake.latestFor(String(req.query.documentId));
            if (!i) {
              fail(res, 404, '审批单不存在或无权查看');
              return;
            }
            const outcome: InstanceOutcome = {
              instanceId: i.id,
              documentType: i.documentType,
              documentId: i.documentId,
              status: i.status,
              outcome: i.outcome,
              finishedAt: i.finishedAt,
              version: i.version,
            };
            res.json(outcome);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}
