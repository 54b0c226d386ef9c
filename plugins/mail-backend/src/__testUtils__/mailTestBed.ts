import path from 'path';
import type { Knex } from 'knex';
import { ImapFlow } from 'imapflow';
import { TestDatabaseId, TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { createMail, MailServices } from '../createMail';
import type { RawStore } from '../database/RawStore';
import type { MessageParser } from '../mime/MessageParser';
import type { ImapClientFactory } from '../service/imapClient';
import { PasswordCipher } from '../service/PasswordCipher';
import type { SyncOptions } from '../service/SyncService';
import type { DovecotServer } from '../testUtils/dovecot';

/** Every database the suite must run on; PostgreSQL comes from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. */
export const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The databases CI must not skip: scripts/test.sh sets CRM_REQUIRE_POSTGRES under CI. */
export const requiredDatabases = process.env.CRM_REQUIRE_POSTGRES ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];

export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

export async function migratedDatabase(databaseId: TestDatabaseId): Promise<Knex> {
  const knex = await databases.init(databaseId);
  await knex.migrate.latest({ directory: path.resolve(__dirname, '../../migrations') });
  return knex;
}

export function mail(
  knex: Knex,
  options: { raw?: RawStore; parser?: MessageParser; sync?: SyncOptions; clientFactory?: ImapClientFactory } = {},
): MailServices {
  return createMail({ knex, cipher: PasswordCipher.fromBase64Key(TEST_KEY), logger: mockServices.logger.mock(), ...options });
}

export async function connectAccount(services: MailServices, server: DovecotServer, user: string, password: string, folders: string[] = []) {
  return services.accounts.connect(
    `user:default/${user}`,
    {
      displayName: `${user} 的邮箱`,
      email: `${user}@corp.example`,
      imap: { host: '127.0.0.1', port: server.port, secure: false, user, password },
      folders,
    },
  );
}

/** A client for acting on the server as the mail user (append, flag, expunge). */
export async function withImap<T>(server: DovecotServer, user: string, password: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

export async function append(server: DovecotServer, user: string, password: string, raws: Buffer[], mailbox = 'INBOX'): Promise<number[]> {
  return withImap(server, user, password, async client => {
    const uids: number[] = [];
    for (const raw of raws) {
      const res = await client.append(mailbox, raw, [], new Date('2026-03-01T08:00:00Z'));
      uids.push(res && typeof res === 'object' && res.uid ? res.uid : 0);
    }
    return uids;
  });
}
