import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import { corpus } from '../__testUtils__/corpus';
import { DovecotServer } from '../testUtils/dovecot';
import { append, databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { describeWithDovecot } from '../__testUtils__/dovecotSuite';
import { user } from '../__testUtils__/org';
import { FakeCrm } from './__testUtils__/fakeCrm';
import { routingPolicy } from './__testUtils__/policy';
import { addAccount, routingBed } from './__testUtils__/routingBed';

jest.setTimeout(120_000);

/*
 * The whole pipeline against a real Dovecot: sync → store → parse → after-parse
 * hooks → routing, with the CRM faked in memory.
 */

const USERS = { sunli: 'pw-sunli', sales: 'pw-sales', sunli2: 'pw-sunli2' };

const describeDovecot = describeWithDovecot();

describeDovecot('routing synced mail (Dovecot)', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await DovecotServer.start(USERS);
    await append(server, 'sunli', USERS.sunli, Object.values(corpus).map(build => build()));
    // the same customer mail also reached the group mailbox sales@
    await append(server, 'sales', USERS.sales, [corpus.plain(), corpus.colleagues()]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe.each(databases.eachSupportedId())('on %s', (databaseId: TestDatabaseId) => {
    let knex: Knex;
    beforeAll(async () => {
      knex = await migratedDatabase(databaseId);
    });
    afterAll(async () => {
      await knex.destroy();
    });

    it('routes customer mail once across a personal and a group mailbox, never colleagues’ mail', async () => {
      const crm = new FakeCrm();
      const customer = randomUUID();
      const buyer = randomUUID();
      crm.customer(customer, 'Customer 公司', ['customer.example']).contact(buyer, customer, 'Buyer', ['buyer@customer.example']);
      const policy = routingPolicy({ customers: { [user('sunli')]: 'all', [user('zhouhao')]: 'all', [user('liuyang')]: 'all' } });
      const { mail } = routingBed(knex, crm, policy);
      const personal = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example', sharing: 'nothing', imap: { port: server.port, user: 'sunli', password: USERS.sunli } });
      const group = await addAccount(knex, {
        owner: user('wangjianguo'),
        email: 'sales@corp.example',
        kind: 'shared',
        sharing: 'nothing',
        readers: ['group:default/sales-east'],
        imap: { port: server.port, user: 'sales', password: USERS.sales },
      });
      await mail.sync.syncAccount(personal);
      await mail.sync.syncAccount(group);

      const byKey = async (key: string) => knex('mail_messages').where({ message_key: key }).first('id', 'thread_id', 'route_status', 'direction');
      const unrouted = await knex('mail_messages').where('parse_status', 'parsed').whereNot('route_status', 'routed').count('* as n').first();
      expect(Number(unrouted!.n)).toBe(0);

      const colleagues = await byKey('m:internal-1@corp.example');
      expect(colleagues).toMatchObject({ route_status: 'routed', direction: 'internal' });
      expect(await knex('mail_links').where({ thread_id: colleagues.thread_id })).toEqual([]);

      const plain = await byKey('m:plain-1@customer.example');
      expect((await mail.messages.copiesOf(plain.id)).map(c => c.accountId).sort()).toEqual([personal, group].sort());
      expect(await knex('mail_links').where({ thread_id: plain.thread_id }).select('customer_id', 'source')).toEqual([{ customer_id: customer, source: 'contact' }]);
      // 张伟 is no contact: his mail reaches the customer by its domain
      const gbk = await byKey('m:gbk-1@customer.example');
      expect(await knex('mail_links').where({ thread_id: gbk.thread_id }).select('customer_id', 'source')).toEqual([{ customer_id: customer, source: 'domain' }]);

      // both mailboxes share nothing: 孙丽 sees it through hers, 周浩 through the group's, 刘洋 not at all — each once
      const { routing } = routingBed(knex, crm, policy);
      const seen = async (who: string) => (await routing.routed.forCustomer(mockCredentials.user(user(who)), customer, { limit: 100 })).filter(e => e.id === plain.id);
      expect(await seen('sunli')).toEqual([expect.objectContaining({ visibility: 'full', mailboxOwner: user('sunli') })]);
      expect(await seen('zhouhao')).toEqual([expect.objectContaining({ visibility: 'full', mailboxOwner: user('wangjianguo') })]);
      expect(await seen('liuyang')).toEqual([]);
    });

    it('keeps synced mail pending while the CRM is down; the scheduler’s job routes it later', async () => {
      const crm = new FakeCrm();
      const customer = randomUUID();
      crm.customer(customer, '华信科技', ['huaxin.example']);
      const { mail } = routingBed(knex, crm);
      const id = `down-${randomUUID()}@huaxin.example`;
      const raw = Buffer.from(
        [`From: zhang@huaxin.example`, 'To: sunli@corp.example', `Message-ID: <${id}>`, 'Subject: order', 'Content-Type: text/plain; charset=utf-8', '', 'please confirm', ''].join('\r\n'),
      );
      await append(server, 'sunli2', USERS.sunli2, [raw]);
      const account = await addAccount(knex, { owner: user('sunli'), email: 'sunli2@corp.example', imap: { port: server.port, user: 'sunli2', password: USERS.sunli2 } });
      crm.down = true;
      const result = await mail.sync.syncAccount(account);
      expect(result.parsed).toBeGreaterThanOrEqual(1);
      const row = () => knex('mail_messages').where({ message_key: `m:${id}` }).first('thread_id', 'route_status', 'route_error');
      expect(await row()).toMatchObject({ route_status: 'failed', route_error: expect.stringContaining('ECONNREFUSED') });

      crm.down = false;
      const job = mail.jobs.find(j => j.name === 'routing')!;
      await job.run();
      const routed = await row();
      expect(routed).toMatchObject({ route_status: 'routed', route_error: null });
      expect(await knex('mail_links').where({ thread_id: routed.thread_id }).select('customer_id', 'source')).toEqual([{ customer_id: customer, source: 'domain' }]);
    });
  });
});
