import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { AccountStore } from './database/AccountStore';
import { MessageStore } from './database/MessageStore';
import { DatabaseRawStore, RawStore } from './database/RawStore';
import { MessageParser, StreamingMessageParser } from './mime/MessageParser';
import { AccountService } from './service/AccountService';
import { ImapClientFactory, defaultImapClientFactory } from './service/imapClient';
import { PasswordCipher } from './service/PasswordCipher';
import { SyncOptions, SyncService } from './service/SyncService';

export interface MailServices {
  accounts: AccountService;
  sync: SyncService;
  messages: MessageStore;
}

/** Builds the mail services on a migrated database; the plugin and the tests share this wiring. */
export function createMail(options: {
  knex: Knex;
  cipher: PasswordCipher;
  logger: LoggerService;
  raw?: RawStore;
  parser?: MessageParser;
  clientFactory?: ImapClientFactory;
  sync?: SyncOptions;
}): MailServices {
  const raw = options.raw ?? new DatabaseRawStore(options.knex);
  const accountStore = new AccountStore(options.knex);
  const messages = new MessageStore(options.knex, raw);
  return {
    accounts: new AccountService(accountStore, options.cipher),
    messages,
    sync: new SyncService(
      {
        accounts: accountStore,
        messages,
        raw,
        parser: options.parser ?? new StreamingMessageParser(),
        cipher: options.cipher,
        clientFactory: options.clientFactory ?? defaultImapClientFactory,
        logger: options.logger,
      },
      options.sync,
    ),
  };
}
