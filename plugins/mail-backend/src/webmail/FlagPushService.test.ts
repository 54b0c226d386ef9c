import type { Knex } from 'knex';
import request from 'supertest';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import type { MailServices } from '../createMail';
import { DovecotServer, dovecotMode } from '../testUtils/dovecot';
import { append, databases, migratedDatabase, withImap } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { addAccount } from '../routing/__testUtils__/routingBed';
import { webmailBed } from './__testUtils__/webmailBed';
import { withPendingFlags } from './FlagChanges';
import { webmailOf } from '.';

jest.setTimeout(120_000);

const mode = dovecotMode();
const PASSWORD = 'Secr3t-口令';

const raw = (n: number) =>
  Buffer.from(`From: buyer@customer.example\r\nTo: sunli@corp.example\r\nMessage-ID: <flags-${n}@customer.example>\r\nSubject: order ${n}\r\n\r\nbody ${n}\r\n`);

(mode === 'skip' ? describe.skip : describe)('flag changes pushed to a real Dovecot', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    if (mode === 'fail') throw new Error('Dovecot is required under CI (apt-get install dovecot-imapd)');
    server = await DovecotServer.start({ sunli: PASSWORD });
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe.each(databases.eachSupportedId())('on %s', (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let mail: MailServices;
    let agent: ReturnType<typeof request>;
    let accountId: string;
    const mailbox = `Flags-${databaseId}`;

    const post = (messageId: string, body: object) =>
      agent.post(`/api/mail/messages/${messageId}/flags`).set('Authorization', mockCredentials.user.header(user('sunli'))).send(body);
    const serverFlags = () =>
      withImap(server, 'sunli', PASSWORD, async client => {
        const lock = await client.getMailboxLock(mailbox);
        try {
          const out = new Map<number, string[]>();
          for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true })) out.set(m.uid, [...(m.flags ?? [])].sort());
          return out;
        } finally {
          lock.release();
        }
      });
    const copies = async () =>
      new Map(
        (await knex('mail_copies').whereNull('deleted_at').select('uid', 'flags', 'message_id')).map(r => [Number(r.uid), { flags: JSON.parse(r.flags) as string[], messageId: r.message_id as string }]),
      );
    const pendingOps = async () => Number((await knex('mail_flag_ops').count('* as n').first())?.n ?? 0);

    beforeAll(async () => {
      knex = await migratedDatabase(databaseId);
      const bed = webmailBed(knex);
      mail = bed.mail;
      agent = request(bed.app);
      await withImap(server, 'sunli', PASSWORD, client => client.mailboxCreate(mailbox));
      await append(server, 'sunli', PASSWORD, [raw(1), raw(2), raw(3)], mailbox);
      accountId = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example', imap: { port: server.port, user: 'sunli', password: PASSWORD } });
      await knex('mail_accounts').where({ id: accountId }).update({ folders: JSON.stringify([mailbox]) });
      await mail.sync.syncAccount(accountId);
    });

    it('stores 已读 and 星标 on the server before the next sync, which then keeps them', async () => {
      const before = await copies();
      const [one, two] = [before.get(1)!.messageId, before.get(2)!.messageId];
      expect((await post(one, { seen: true, flagged: true })).status).toBe(200);
      expect((await post(two, { flagged: true })).status).toBe(200);
      expect(await pendingOps()).toBe(3);
      // nothing on the server yet
      expect(await serverFlags()).toEqual(
        new Map([
          [1, []],
          [2, []],
          [3, []],
        ]),
      );

      // the scheduler's run: pending flags first (before task), then the sync
      await mail.syncNow(accountId);
      expect(await pendingOps()).toBe(0);
      expect(await serverFlags()).toEqual(
        new Map([
          [1, ['\\Flagged', '\\Seen']],
          [2, ['\\Flagged']],
          [3, []],
        ]),
      );
      const local = await copies();
      expect(local.get(1)?.flags).toEqual(['\\Flagged', '\\Seen']);
      expect(local.get(2)?.flags).toEqual(['\\Flagged']);
    });

    it('removes flags too, and reads server changes again once nothing is pending', async () => {
      const one = (await copies()).get(1)!.messageId;
      await post(one, { seen: false });
      expect(await webmailOf(mail).flagPush.pushPending(accountId)).toEqual({ pushed: 1, waiting: 0, dropped: 0 });
      expect((await serverFlags()).get(1)).toEqual(['\\Flagged']);
      // another client marks message 3 read: the sync brings it in
      await withImap(server, 'sunli', PASSWORD, async client => {
        const lock = await client.getMailboxLock(mailbox);
        try {
          await client.messageFlagsAdd('3', ['\\Seen'], { uid: true });
        } finally {
          lock.release();
        }
      });
      await mail.syncNow(accountId);
      expect((await copies()).get(3)?.flags).toEqual(['\\Seen']);
    });

    it('lays pending changes over the server’s old flags, so a sync before the push cannot undo them', async () => {
      const one = (await copies()).get(1)!.messageId;
      await post(one, { seen: true });
      const folder = await knex('mail_folders').where({ account_id: accountId, path: mailbox }).first('id', 'uid_validity');
      // what the server still reports for UIDs 1 and 2
      const reported = new Map([
        [1, ['\\Flagged']],
        [2, ['\\Flagged']],
      ]);
      const kept = await withPendingFlags(knex, folder.id, folder.uid_validity, reported);
      expect(kept.get(1)?.sort()).toEqual(['\\Flagged', '\\Seen']);
      expect(kept.get(2)).toEqual(['\\Flagged']);
      // another UIDVALIDITY: the intents are not this folder generation's
      expect((await withPendingFlags(knex, folder.id, '999', reported)).get(1)).toEqual(['\\Flagged']);
      await webmailOf(mail).flagPush.pushPending(accountId);
    });

    it('waits while the folder’s UIDVALIDITY is not the copy’s, and drops changes to copies gone from the server', async () => {
      const local = await copies();
      await post(local.get(2)!.messageId, { seen: true });
      server.setUidValidity('sunli', mailbox, 4242);
      expect(await webmailOf(mail).flagPush.pushPending(accountId)).toEqual({ pushed: 0, waiting: 1, dropped: 0 });
      expect(await pendingOps()).toBe(1);
      expect((await serverFlags()).get(2)).toEqual(['\\Flagged']);

      await knex('mail_copies').where({ message_id: local.get(2)!.messageId }).update({ deleted_at: new Date() });
      expect(await webmailOf(mail).flagPush.pushPending(accountId)).toEqual({ pushed: 0, waiting: 0, dropped: 1 });
      expect(await pendingOps()).toBe(0);
    });
  });
});
