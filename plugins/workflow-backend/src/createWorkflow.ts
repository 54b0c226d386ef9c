import { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SuiteMailService } from '@cocrm/plugin-mail-node';
import { FlowStore } from './database/FlowStore';
import { InstanceStore } from './database/InstanceStore';
import { DelegationStore } from './database/DelegationStore';
import { ApprovalEngine } from './service/ApprovalEngine';
import { FlowService } from './service/FlowService';
import { DelegationService } from './service/DelegationService';
import { ListStore } from './database/ListStore';
import { ReportStore } from './database/ReportStore';
import { InboxService } from './service/InboxService';
import { ReportService } from './service/ReportService';
import { DeadlineService } from './service/DeadlineService';
import { OrgSource, RoleMembers, RoutePlanner } from './service/RoutePlanner';
import type { DocumentTypes } from './service/documentTypes';
import { OutboxStore } from './outbox/OutboxStore';
import { OutboxRecorder } from './outbox/OutboxRecorder';
import { OutboxDispatcher } from './outbox/OutboxDispatcher';
import { OutboxSinks, createOutboxDelivery, instancePath } from './outbox/deliveries';
import { MailTokenStore } from './mail/MailTokenStore';
import { MailApprovalService, MailLinks } from './mail/MailApprovalService';
import { ApprovalMailer } from './mail/ApprovalMailer';
import { peopleDirectory } from './mail/people';

/** How the effects of transitions leave the plugin; the plugin passes the real services, tests fakes. */
export interface WorkflowDelivery extends Omit<OutboxSinks, 'mailer'> {
  logger: Pick<LoggerService, 'warn' | 'error' | 'debug'>;
  /** approval mails with approve / reject links; left out (or not `enabled`) → no mails */
  mail?: Pick<SuiteMailService, 'enabled' | 'send'>;
  /** a user's mail address (the catalog's `spec.profile.email`) */
  email?: (userRef: string) => Promise<string | null>;
  links?: MailLinks;
  /** how long mail links work (`workflow.mailApproval.ttlHours`) */
  mailTtlHours?: number;
}

const DEFAULT_LINKS: MailLinks = {
  portal: instancePath,
  action: async token => `/api/workflow/mail-actions/${token}`,
};

/**
 * Builds the workflow services on a migrated database; the plugin and the
 * tests wire through this one place. Every transition writes its effects to
 * the outbox; they are delivered only when `delivery` is given.
 */
export function createWorkflow(deps: {
  knex: Knex;
  org: OrgSource;
  roles: RoleMembers;
  documentTypes: DocumentTypes;
  now?: () => Date;
  delivery?: WorkflowDelivery;
}) {
  const { knex, documentTypes, delivery } = deps;
  const flows = new FlowStore(knex);
  const instances = new InstanceStore(knex);
  const delegations = new DelegationStore(knex);
  const planner = new RoutePlanner({ org: deps.org, roles: deps.roles });
  const people = peopleDirectory(deps.org, delivery?.email);
  const links = delivery?.links ?? DEFAULT_LINKS;
  const mail = delivery?.mail?.enabled ? delivery.mail : undefined;

  const outboxStore = new OutboxStore(knex);
  // the dispatcher needs the engine (through mail approval) and the engine the dispatcher: tied through this late binding
  let dispatcher: OutboxDispatcher | undefined;
  const recorder = new OutboxRecorder({ store: outboxStore, mailEnabled: !!mail, dispatch: (ids, instanceId) => dispatcher?.dispatch(ids, instanceId) });
  const engine = new ApprovalEngine({ knex, flows, instances, delegations, planner, documentTypes, outbox: recorder, now: deps.now });
  const mailApproval = new MailApprovalService({
    knex,
    tokens: new MailTokenStore(knex),
    instances,
    engine,
    documentTypes,
    people,
    links,
    ttlHours: delivery?.mailTtlHours ?? 72,
    now: deps.now,
  });
  if (delivery) {
    const mailer = mail && new ApprovalMailer({ knex, mail, instances, documentTypes, people, approvals: mailApproval });
    dispatcher = new OutboxDispatcher({
      store: outboxStore,
      deliver: createOutboxDelivery({
        sinks: { notifications: delivery.notifications, signals: delivery.signals, events: delivery.events, mailer },
        knex,
        instances,
        documentTypes,
        people,
      }),
      logger: delivery.logger,
      now: deps.now,
    });
  }

  const lists = new ListStore(knex);
  return {
    engine,
    flows: new FlowService({ knex, flows, documentTypes, now: deps.now }),
    delegations: new DelegationService({ delegations, now: deps.now }),
    lists,
    inbox: new InboxService({ lists, engine, now: deps.now }),
    reports: new ReportService({ reports: new ReportStore(knex), org: deps.org, now: deps.now }),
    deadlines: new DeadlineService({ knex, engine, org: deps.org, now: deps.now }),
    documentTypes,
    mailApproval,
    outbox: { store: outboxStore, dispatcher },
  };
}

export type Workflow = ReturnType<typeof createWorkflow>;
