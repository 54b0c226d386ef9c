import type { Knex } from 'knex';
import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AccountStore } from './database/AccountStore';
import { MessageStore } from './database/MessageStore';
import { DatabaseRawStore, RawStore } from './database/RawStore';
import { MessageParser, StreamingMessageParser } from './mime/MessageParser';
import { AccountService } from './service/AccountService';
import { ImapClientFactory, defaultImapClientFactory } from './service/imapClient';
import { PasswordCipher } from './service/PasswordCipher';
import { SyncOptions, SyncService } from './service/SyncService';
import { MailboxAccess, OrgSource, orgSourceFromCatalog } from './service/MailboxAccess';
import type { ParsedMessageHook } from './service/hooks';
import { installRouting } from './routing';
import { installCompose } from './compose';
import { installGraph } from './graph';
import { registerWebmail } from './webmail';
import { SyncRunner } from './service/SyncRunner';
import type { MailJob } from './service/scheduleMailTasks';
import type { MailSyncResult } from '@cocrm/plugin-mail-common';

/** What the mail services are built from: the plugin passes core services, tests pass fakes. */
export interface MailEnvironment {
  knex: Knex;
  cipher: PasswordCipher;
  logger: LoggerService;
  config?: RootConfigService;
  auth?: AuthService;
  discovery?: DiscoveryService;
  catalog?: Pick<CatalogService, 'getEntities'>;
  permissions?: PermissionsService;
  /** the org (users' departments and mail addresses); defaults to the catalog through `catalog` + `auth` */
  org?: OrgSource;
  raw?: RawStore;
  parser?: MessageParser;
  clientFactory?: ImapClientFactory;
  sync?: SyncOptions;
}

export interface MailServices {
  env: MailEnvironment;
  accounts: AccountService;
  sync: SyncService;
  messages: MessageStore;
  accountStore: AccountStore;
  raw: RawStore;
  access: MailboxAccess;
  /** run in order after messages parse (search text, threads, routing) */
  hooks: ParsedMessageHook[];
  /** one sync per account at a time; providers, before/after tasks register here */
  runner: SyncRunner;
  /** run by the scheduler after the syncs (routing what is pending, the outbox sweep) */
  jobs: MailJob[];
  /** 立即同步: the account's sync now, or `undefined` when one is already running */
  syncNow(accountId: string): Promise<MailSyncResult | undefined>;
}

/** Builds the mail services on a migrated database; the plugin and the tests share this wiring. */
export function createMail(env: MailEnvironment): MailServices {
  const raw = env.raw ?? new DatabaseRawStore(env.knex);
  const accountStore = new AccountStore(env.knex);
  const messages = new MessageStore(env.knex, raw);
  const hooks: ParsedMessageHook[] = [];
  const runner = new SyncRunner(env.knex, env.logger);
  const access = new MailboxAccess({ knex: env.knex, permissions: env.permissions, org: env.org ?? orgSourceFromCatalog(env), config: env.config });
  const mail: MailServices = {
    env,
    accounts: new AccountService(accountStore, env.cipher, access, {
      graphConfigured: !!env.config?.has('mail.microsoft'),
      clientFactory: env.clientFactory ?? defaultImapClientFactory,
    }),
    messages,
    accountStore,
    raw,
    access,
    hooks,
    runner,
    jobs: [],
    syncNow: accountId => runner.run(accountId),
    sync: new SyncService(
      {
        accounts: accountStore,
        messages,
        raw,
        parser: env.parser ?? new StreamingMessageParser(),
        cipher: env.cipher,
        clientFactory: env.clientFactory ?? defaultImapClientFactory,
        logger: env.logger,
        hooks,
      },
      env.sync,
    ),
  };
  runner.providers.imap = accountId => mail.sync.syncAccount(accountId);
  // after-parse hooks, in order: threads and routing, then search text (each pushes itself here). Search last: on
  // PostgreSQL every later UPDATE of a row re-inserts all its bigrams into the GIN index, which cost routing 10×.
  installRouting(mail);
  registerWebmail(mail);
  installCompose(mail);
  installGraph(mail);
  return mail;
}
