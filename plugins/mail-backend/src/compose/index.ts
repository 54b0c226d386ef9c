import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MailServices } from '../createMail';
import { StreamingMessageParser } from '../mime/MessageParser';
import { defaultImapClientFactory } from '../service/imapClient';
import type { MessageStore } from '../database/MessageStore';
import type { RawStore } from '../database/RawStore';
import type { MessageParser } from '../mime/MessageParser';
import type { ParsedMessageHook } from '../service/hooks';
import type { ImapClientFactory } from '../service/imapClient';
import type { PasswordCipher } from '../service/PasswordCipher';
import type { AccountTransport } from './AccountTransport';
import { DraftService } from './DraftService';
import type { ComposeAccess, ComposeCustomers, ComposeThreads } from './DraftService';
import { CustomerVisibility } from '../routing/CustomerVisibility';
import { routingOf } from '../routing';
import { DraftStore } from './DraftStore';
import { OutboxService } from './OutboxService';
import type { OutboxOptions } from './OutboxService';
import { OutboxStore } from './OutboxStore';
import { SendingAccounts } from './SendingAccounts';
import { SentMail } from './SentMail';
import { SmtpAccountTransport } from './SmtpAccountTransport';
import type { SmtpTimeouts } from './SmtpAccountTransport';

export type { AccountTransport, SendEnvelope, SendReceipt } from './AccountTransport';
export { SendRefusedError } from './AccountTransport';
export type { ComposeAccess, ComposeCaller, ComposeCustomers, ComposeThreads } from './DraftService';
export type { SweepResult, OutboxOptions } from './OutboxService';
export { DraftService, OutboxService };
export { cleanFilename } from './DraftService';
export { resolveSentFolder } from './SentMail';

export interface ComposeServices {
  drafts: DraftService;
  /** `outbox.sweep()` is the scheduler's recovery run */
  outbox: OutboxService;
}

/**
 * Compose and send, built from the mail services createMail already has.
 * `hooks` is the same array the sync runs, so sent mail is threaded and routed
 * like received mail; `graph` is the Microsoft 365 sender (settable later with
 * `outbox.setGraphTransport`).
 */
export function createCompose(deps: {
  knex: Knex;
  cipher: PasswordCipher;
  raw: RawStore;
  messages: MessageStore;
  parser: MessageParser;
  hooks: ParsedMessageHook[];
  access: ComposeAccess;
  customers: ComposeCustomers;
  threads?: ComposeThreads;
  clientFactory: ImapClientFactory;
  logger: LoggerService;
  graph?: AccountTransport;
  smtp?: AccountTransport;
  smtpTimeouts?: SmtpTimeouts;
  outboxOptions?: OutboxOptions;
}): ComposeServices {
  const accounts = new SendingAccounts(deps.knex, deps.cipher);
  const outboxStore = new OutboxStore(deps.knex);
  const sentMail = new SentMail({
    knex: deps.knex,
    raw: deps.raw,
    messages: deps.messages,
    parser: deps.parser,
    hooks: deps.hooks,
    accounts,
    clientFactory: deps.clientFactory,
    logger: deps.logger,
  });
  const outbox = new OutboxService(
    {
      knex: deps.knex,
      store: outboxStore,
      raw: deps.raw,
      accounts,
      sentMail,
      smtp: deps.smtp ?? new SmtpAccountTransport(accounts, deps.smtpTimeouts),
      graph: deps.graph,
      logger: deps.logger,
    },
    deps.outboxOptions,
  );
  const drafts = new DraftService({
    knex: deps.knex,
    drafts: new DraftStore(deps.knex),
    outboxStore,
    outbox,
    accounts,
    access: deps.access,
    customers: deps.customers,
    threads: deps.threads,
    raw: deps.raw,
  });
  return { drafts, outbox };
}

export interface ComposeOptions {
  /** Microsoft 365 sender; also settable later with `outbox.setGraphTransport` */
  graph?: AccountTransport;
  /** replaces SMTP sending (tests) */
  smtp?: AccountTransport;
  smtpTimeouts?: SmtpTimeouts;
  outboxOptions?: OutboxOptions;
}

const installed = new WeakMap<MailServices, ComposeServices>();

/**
 * Builds compose/send on the mail services and puts the outbox sweep into
 * `mail.jobs` (the scheduler's every run). Installing again — a test with its
 * own transport — replaces the job instead of adding a second one.
 */
export function installCompose(mail: MailServices, options: ComposeOptions = {}): ComposeServices {
  const { env } = mail;
  const compose = createCompose({
    knex: env.knex,
    cipher: env.cipher,
    raw: mail.raw,
    messages: mail.messages,
    parser: env.parser ?? new StreamingMessageParser(),
    hooks: mail.hooks,
    access: mail.access,
    customers: new CustomerVisibility(env.permissions),
    // looked up per call: a test may install routing again (another CRM) after compose
    threads: { linksOf: (credentials, threadIds) => routingOf(mail).links.linksOf(credentials, threadIds) },
    clientFactory: env.clientFactory ?? defaultImapClientFactory,
    logger: env.logger,
    ...options,
  });
  const job = { name: 'outbox', run: async () => void (await compose.outbox.sweep()) };
  const j = mail.jobs.findIndex(x => x.name === job.name);
  if (j >= 0) mail.jobs[j] = job;
  else mail.jobs.push(job);
  installed.set(mail, compose);
  return compose;
}

/** The compose services installed on these mail services (routes, the Graph sender's registration). */
export function composeOf(mail: MailServices): ComposeServices {
  const compose = installed.get(mail);
  if (!compose) throw new Error('mail compose is not installed; createMail installs it');
  return compose;
}
