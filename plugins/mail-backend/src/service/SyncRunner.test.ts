import type { Knex } from 'knex';
import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import type { MailSyncResult } from '@cocrm/plugin-mail-common';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { addAccount } from '../routing/__testUtils__/routingBed';
import { SyncRunner } from './SyncRunner';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const done = (accountId: string): MailSyncResult => ({ accountId, folders: [], parsed: 0, failed: 0 });

describe.each(databases.eachSupportedId())('the sync lease on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let accountId: string;
  const timing = { leaseMs: 400, renewEveryMs: 100 };

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    accountId = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
  });

  const runner = (sync: (id: string) => Promise<MailSyncResult>) => {
    const r = new SyncRunner(knex, mockServices.logger.mock(), timing);
    r.providers.imap = sync;
    return r;
  };

  it('is renewed while a sync runs longer than the lease, so a second replica keeps out', async () => {
    let release!: () => void;
    const long = runner(async id => {
      await new Promise<void>(resolve => {
        release = resolve;
      });
      return done(id);
    });
    const other = runner(async id => done(id));
    const first = long.run(accountId);
    await sleep(3 * timing.leaseMs);
    expect(await other.run(accountId)).toBeUndefined();
    release();
    expect(await first).toEqual(done(accountId));
    // released at the end: the next run gets it at once
    expect(await other.run(accountId)).toEqual(done(accountId));
  });

  it('is taken over once a crashed holder stops renewing it', async () => {
    // what a killed process leaves: its lease, never renewed, never released
    await knex('mail_accounts').where({ id: accountId }).update({ sync_lease_owner: 'dead-process', sync_lease_until: new Date(Date.now() + timing.leaseMs) });
    const next = runner(async id => done(id));
    expect(await next.run(accountId)).toBeUndefined();
    await sleep(timing.leaseMs + 50);
    expect(await next.run(accountId)).toEqual(done(accountId));
  });
});
