import type { MailServices } from '../createMail';
import { defaultImapClientFactory } from '../service/imapClient';
import { FlagPushService } from './FlagPushService';
import { KnowledgeService } from './KnowledgeService';
import { RemoteImageSenders } from './RemoteImageSenders';
import { SearchIndexer } from './SearchIndexer';
import { WebmailService } from './WebmailService';

export interface WebmailServices {
  webmail: WebmailService;
  senders: RemoteImageSenders;
  knowledge: KnowledgeService;
  indexer: SearchIndexer;
  flagPush: FlagPushService;
}

const built = new WeakMap<MailServices, WebmailServices>();

/** The webmail services of these mail services (built once; the routes and the scheduler share them). */
export function webmailOf(mail: MailServices): WebmailServices {
  let services = built.get(mail);
  if (!services) {
    const { knex } = mail.env;
    const senders = new RemoteImageSenders(knex);
    services = {
      webmail: new WebmailService({ knex, access: mail.access, senders }),
      senders,
      knowledge: new KnowledgeService(knex, senders),
      indexer: new SearchIndexer(knex),
      flagPush: new FlagPushService({
        knex,
        accounts: mail.accountStore,
        cipher: mail.env.cipher,
        clientFactory: mail.env.clientFactory ?? defaultImapClientFactory,
        logger: mail.env.logger,
      }),
    };
    built.set(mail, services);
  }
  return services;
}

/**
 * Hooks webmail into the mail pipeline: the search indexer runs last after
 * parsing (after threads and routing, whose UPDATE would otherwise re-insert
 * every bigram into the GIN index), pending flag changes go to the
 * server before each sync, and mail parsed before the indexer existed (or
 * left unindexed by a crash) is indexed by the scheduler's jobs.
 */
export function registerWebmail(mail: MailServices): void {
  const { indexer, flagPush } = webmailOf(mail);
  mail.hooks.push(indexer);
  mail.runner.before.push({ name: 'flag-push', run: async accountId => void (await flagPush.pushPending(accountId)) });
  mail.jobs.push({
    name: 'search-backfill',
    run: async () => {
      while ((await indexer.indexMissing(500)) === 500) {
        // until none is left; each round is its own batch of transactions
      }
    },
  });
}
