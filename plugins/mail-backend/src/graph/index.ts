import type { Config } from '@backstage/config';
import type { MailServices } from '../createMail';
import { composeOf } from '../compose';
import { AccountStore } from '../database/AccountStore';
import { StreamingMessageParser } from '../mime/MessageParser';
import { GraphClients, GraphRetryOptions, createGraphClients } from './graphClients';
import { GraphFlagPusher } from './GraphFlagPusher';
import { GraphAccountTransport } from './GraphAccountTransport';
import { readGraphSettings } from './graphSettings';
import { GraphSender } from './GraphSender';
import { GraphStore } from './GraphStore';
import { GraphSyncOptions, GraphSyncService } from './GraphSyncService';

export { GraphSyncService } from './GraphSyncService';
export type { GraphSyncOptions } from './GraphSyncService';
export { GraphSender, GraphSendError } from './GraphSender';
export { GraphFlagPusher } from './GraphFlagPusher';
export { GraphAccountTransport } from './GraphAccountTransport';
export type { GraphEnvelope, GraphSendOptions, GraphSendResult } from './GraphSender';
export type { GraphRetryOptions } from './graphClients';
export { readGraphSettings } from './graphSettings';
export type { GraphSettings } from './graphSettings';

export interface GraphServices {
  sync: GraphSyncService;
  sender: GraphSender;
  /** the outbox's transport for provider 'graph' (OutboxService.setGraphTransport) */
  transport: GraphAccountTransport;
  /** a SyncTask for the runner's `before` list: the webmail's flag changes of Graph accounts, pushed to Microsoft 365 */
  flagPusher: GraphFlagPusher;
  clients: GraphClients;
}

/**
 * Microsoft 365 over the mail services: undefined when `mail.microsoft` is
 * not configured (Graph accounts then cannot sync or send). Shares the store,
 * raw store, parser and after-parse hooks with the IMAP sync.
 */
export function createGraph(
  mail: MailServices,
  config: Config | undefined = mail.env.config,
  options: { retry?: GraphRetryOptions; sync?: GraphSyncOptions } = {},
): GraphServices | undefined {
  const settings = readGraphSettings(config);
  if (!settings) return undefined;
  const clients = createGraphClients(settings, options.retry);
  const accounts = new AccountStore(mail.env.knex);
  const { logger } = mail.env;
  const sync = new GraphSyncService(
    {
      accounts,
      messages: mail.messages,
      store: new GraphStore(mail.env.knex, mail.raw),
      client: clients.read,
      parse: {
        messages: mail.messages,
        raw: mail.raw,
        parser: mail.env.parser ?? new StreamingMessageParser(),
        afterParsed: ids => mail.sync.afterParsed(ids),
        logger,
      },
      logger,
    },
    options.sync,
  );
  const sender = new GraphSender({ accounts, client: clients.write });
  return {
    sync,
    sender,
    transport: new GraphAccountTransport(sender),
    flagPusher: new GraphFlagPusher({ knex: mail.env.knex, client: clients.read, logger }),
    clients,
  };
}

const installed = new WeakMap<MailServices, GraphServices>();

/**
 * Registers Microsoft 365 on the mail services when `mail.microsoft` is
 * configured: the sync of provider 'graph' accounts (scheduler and 立即同步),
 * the push of webmail flag changes before each sync, and the outbox's
 * transport. Without the config Graph accounts fail with graphNotConfigured.
 */
export function installGraph(mail: MailServices, options: { retry?: GraphRetryOptions; sync?: GraphSyncOptions } = {}): GraphServices | undefined {
  const graph = createGraph(mail, mail.env.config, options);
  if (!graph) return undefined;
  mail.runner.providers.graph = accountId => graph.sync.syncAccount(accountId);
  const before = mail.runner.before;
  const i = before.findIndex(t => t.name === graph.flagPusher.name);
  if (i >= 0) before[i] = graph.flagPusher;
  else before.push(graph.flagPusher);
  composeOf(mail).outbox.setGraphTransport(graph.transport);
  installed.set(mail, graph);
  return graph;
}

/** The Graph services installed on these mail services (e.g. to try a mailbox before saving it: `sync.checkMailbox`). */
export function graphOf(mail: MailServices): GraphServices | undefined {
  return installed.get(mail);
}
