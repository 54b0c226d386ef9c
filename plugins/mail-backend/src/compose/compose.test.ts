import express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { simpleParser } from 'mailparser';
import { TestDatabaseId, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { parseRecordMessageId } from '@cocrm/plugin-mail-common';
import type { Draft, MailAccount, OutboxItem } from '@cocrm/plugin-mail-common';
import type { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMail } from '../createMail';
import type { MailServices } from '../createMail';
import { mailErrorHandler } from '../errors';
import { normaliseMessageId } from '../mime/messageKey';
import { composeRoutes } from '../routes/composeRoutes';
import { PasswordCipher } from '../service/PasswordCipher';
import { readAll } from '../service/imapClient';
import { DovecotServer } from '../testUtils/dovecot';
import { corpus } from '../__testUtils__/corpus';
import { append, databases, migratedDatabase, TEST_KEY, withImap } from '../__testUtils__/mailTestBed';
import { describeWithDovecot } from '../__testUtils__/dovecotSuite';
import { ComposeOptions, ComposeServices, installCompose } from '.';
import type { AccountTransport } from './AccountTransport';
import { SendingAccounts } from './SendingAccounts';
import { SmtpAccountTransport } from './SmtpAccountTransport';
import { DroppingSmtpServer, TestSmtpServer, closedPort } from './__testUtils__/smtpServers';
import { FakeCrm } from '../routing/__testUtils__/fakeCrm';
import { routingBed } from '../routing/__testUtils__/routingBed';

jest.setTimeout(120_000);

const USERS = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`u${i}`, `pw-${i}`]));
let nextUser = 0;
const freshUser = () => {
  const name = `u${nextUser++}`;
  return { name, password: USERS[name], ref: `user:default/${name}` };
};
type TestUser = ReturnType<typeof freshUser>;

const CUSTOMER = '6f1c2b9e-4a7d-4c1e-9f0a-0123456789ab';
const MB = 1024 * 1024;

let dovecot: DovecotServer;
let smtp: TestSmtpServer;

const describeDovecot = describeWithDovecot();

/** Everyone sees the customer CUSTOMER except OUTSIDER; nobody holds any mail permission beyond their own mailboxes. */
const OUTSIDER = 'user:default/outsider';
function customerPolicy(): PermissionsService {
  const decide = (ref: string, permission: string, resourceRef?: string) => ({
    result: permission === 'crm.customer.read' && resourceRef === CUSTOMER && ref !== OUTSIDER ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  });
  const refOf = (c: BackstageCredentials) => (c.principal as { userEntityRef?: string }).userEntityRef ?? '';
  return mockServices.permissions.mock({
    authorize: async (reqs, { credentials }) =>
      reqs.map(r => decide(refOf(credentials), r.permission.name, 'resourceRef' in r ? (r.resourceRef as string | undefined) : undefined)) as never,
    authorizeConditional: async reqs => reqs.map(() => ({ result: AuthorizeResult.DENY })) as never,
  });
}

/**
 * Mail services with compose on them, the compose API as an express app, and
 * a hook that records what it was called for. With a CRM: routing on it, the
 * colleagues' org and corp.example as the internal domain.
 */
function bed(knex: Knex, options: ComposeOptions = {}, crm?: FakeCrm) {
  const permissions = customerPolicy();
  const mail: MailServices = crm
    ? routingBed(knex, crm, permissions).mail
    : createMail({ knex, cipher: PasswordCipher.fromBase64Key(TEST_KEY), logger: mockServices.logger.mock(), permissions });
  const hookCalls: string[][] = [];
  mail.hooks.push({ name: 'test-recorder', afterParsed: async ids => void hookCalls.push(ids) });
  const compose: ComposeServices = installCompose(mail, { smtpTimeouts: { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000 }, ...options });
  const app = express();
  app.use(express.json({ limit: '2mb' }));
  app.use(composeRoutes({ mail, httpAuth: mockServices.httpAuth() }));
  app.use(mailErrorHandler);
  return { mail, compose, app, hookCalls };
}

async function connect(mail: MailServices, u: TestUser, smtpPort: number = smtp.port): Promise<MailAccount> {
  await withImap(dovecot, u.name, u.password, async client => {
    await client.mailboxCreate('Sent').catch(() => undefined);
  });
  return mail.accounts.connect(u.ref, {
    displayName: `${u.name} 销售`,
    email: `${u.name}@corp.example`,
    aliases: [`${u.name}.alias@corp.example`],
    imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: u.name, password: u.password },
    // SMTP user and password default to the IMAP ones
    smtp: { host: '127.0.0.1', port: smtpPort, secure: false },
    folders: ['INBOX', 'Sent'],
  });
}

const as = (u: TestUser) => mockCredentials.user.header(u.ref);

async function waitFor(check: () => boolean | Promise<boolean>, ms = 15000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 50));
  }
}

async function messagesWithKey(knex: Knex, idHeader: string) {
  return knex('mail_messages').where({ message_key: `m:${normaliseMessageId(idHeader)}` }).select('id', 'parse_status', 'subject');
}

async function sentFolderCount(u: TestUser, idHeader: string): Promise<number> {
  return withImap(dovecot, u.name, u.password, async client => {
    const lock = await client.getMailboxLock('Sent');
    try {
      const found = await client.search({ header: { 'message-id': idHeader } }, { uid: true });
      return Array.isArray(found) ? found.length : 0;
    } finally {
      lock.release();
    }
  });
}

const inbound = (id: string, to: string, cc: string) =>
  Buffer.from(
    [
      'From: =?UTF-8?B?5byg5LiJ?= <zhangsan@customer.example>',
      `To: ${to}, =?UTF-8?B?5p2O5Zub?= <lisi@customer.example>`,
      `Cc: ${cc}, wangwu@customer.example`,
      'Date: Tue, 24 Nov 2026 10:00:00 +0800',
      `Message-ID: <${id}>`,
      'References: <first@corp.example>',
      'Subject: =?UTF-8?B?UmU6IOaKpeS7tw==?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '请确认报价。',
      '',
    ].join('\r\n'),
  );

describeDovecot('compose and send against Dovecot and a real SMTP server', () => {
  beforeAll(async () => {
    dovecot = await DovecotServer.start(USERS);
    smtp = await new TestSmtpServer((user, password) => USERS[user] === password).start();
  });
  afterAll(async () => {
    await smtp?.stop();
    await dovecot?.stop();
  });
  beforeEach(() => {
    smtp.refuseRecipients = null;
  });

  describe.each(databases.eachSupportedId())('on %s', (databaseId: TestDatabaseId) => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await migratedDatabase(databaseId);
    });

    it('prefills a reply-all from the synced source; drafts are their creator’s alone; versions guard edits', async () => {
      const { mail, app } = bed(knex);
      const alice = freshUser();
      const bob = freshUser();
      const account = await connect(mail, alice);
      const bobAccount = await connect(mail, bob);
      await append(dovecot, alice.name, alice.password, [inbound(`src-${alice.name}@customer.example`, `${alice.name}@corp.example`, `${alice.name}.alias@corp.example`)]);
      await mail.sync.syncAccount(account.id);
      const source = await knex('mail_messages').where({ message_key: `m:src-${alice.name}@customer.example` }).first('id');

      const created = await request(app).post('/drafts').set('authorization', as(alice)).send({ accountId: account.id, mode: 'replyAll', sourceMessageId: source.id });
      expect(created.status).toBe(201);
      const draft: Draft = created.body;
      expect(draft.subject).toBe('回复：报价');
      expect(draft.to.map(a => a.address)).toEqual(['zhangsan@customer.example', 'lisi@customer.example']);
      // the mailbox's own address and its alias are left out
      expect(draft.cc.map(a => a.address)).toEqual(['wangwu@customer.example']);
      // the time the source arrived in the mailbox (its IMAP INTERNALDATE, here 08:00 UTC), in Beijing time
      expect(draft.html).toContain('在 2026年3月1日 16:00，张三 &lt;zhangsan@customer.example&gt; 写道：');
      expect(draft.html).toContain('请确认报价。');
      expect(draft.inReplyTo).toBe(`<src-${alice.name}@customer.example>`);
      expect(draft.references).toEqual(['<first@corp.example>', `<src-${alice.name}@customer.example>`]);
      expect(draft.version).toBe(1);

      // someone else: the draft does not exist for them, nor may they reply to alice's mail or send from her mailbox
      for (const r of [
        request(app).get(`/drafts/${draft.id}`),
        request(app).put(`/drafts/${draft.id}`).send({ version: 1, subject: 'x' }),
        request(app).post(`/drafts/${draft.id}/send`).send({ version: 1 }),
        request(app).post(`/drafts/${draft.id}/attachments?filename=a.txt`).set('content-type', 'application/octet-stream').send(Buffer.from('x')),
        request(app).delete(`/drafts/${draft.id}?version=1`),
      ]) {
        const res = await r.set('authorization', as(bob));
        expect(res.status).toBe(404);
        expect(res.body.error.key).toBe('draftNotFound');
      }
      expect((await request(app).get('/drafts').set('authorization', as(bob))).body.totalCount).toBe(0);
      const foreignSource = await request(app).post('/drafts').set('authorization', as(bob)).send({ accountId: bobAccount.id, mode: 'reply', sourceMessageId: source.id });
      expect(foreignSource.status).toBe(404);
      expect(foreignSource.body.error.key).toBe('messageNotFound');
      const foreignAccount = await request(app).post('/drafts').set('authorization', as(bob)).send({ accountId: account.id, mode: 'new' });
      expect(foreignAccount.status).toBe(404);
      expect(foreignAccount.body.error.key).toBe('accountNotFound');

      // optimistic locking
      const saved = await request(app).put(`/drafts/${draft.id}`).set('authorization', as(alice)).send({ version: 1, subject: '回复：报价（修订）' });
      expect(saved.status).toBe(200);
      expect(saved.body.version).toBe(2);
      const stale = await request(app).put(`/drafts/${draft.id}`).set('authorization', as(alice)).set('accept-language', 'zh-CN').send({ version: 1, subject: '旧' });
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toBe('草稿已在别处修改，请刷新后重试');
      expect((await request(app).post(`/drafts/${draft.id}/send`).set('authorization', as(alice)).send({ version: 1 })).status).toBe(409);
      expect((await request(app).delete(`/drafts/${draft.id}?version=1`).set('authorization', as(alice))).status).toBe(409);
      expect(smtp.deliveries.filter(d => d.from === account.email)).toHaveLength(0);
      const list = await request(app).get('/drafts').set('authorization', as(alice));
      expect(list.body).toMatchObject({ totalCount: 1, page: 0, pageSize: 50 });
      expect(list.body.items[0].subject).toBe('回复：报价（修订）');
      expect((await request(app).delete(`/drafts/${draft.id}?version=2`).set('authorization', as(alice))).status).toBe(204);
      expect((await request(app).get(`/drafts/${draft.id}`).set('authorization', as(alice))).status).toBe(404);
      expect((await request(app).get('/drafts/not-a-uuid').set('authorization', as(alice))).status).toBe(404);
    });

    it('sends once with its attachments, stores and routes it once, appends it to Sent, and the next sync adds nothing', async () => {
      const { mail, compose, app, hookCalls } = bed(knex);
      const alice = freshUser();
      const account = await connect(mail, alice);
      const created = await request(app)
        .post('/drafts')
        .set('authorization', as(alice))
        .send({
          accountId: account.id,
          to: ['张三 <zhangsan@customer.example>'],
          cc: [{ name: '李四', address: 'LiSi@customer.example' }],
          bcc: ['boss@customer.example'],
          subject: '报价单',
          html: '<p>您好，附件是<b>报价单</b>。</p><script>alert(1)</script>',
          customerId: CUSTOMER,
        });
      expect(created.status).toBe(201);
      expect(created.body.html).toBe('<p>您好，附件是<b>报价单</b>。</p>');
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300_000, 0x41)]);
      const upload = await request(app)
        .post(`/drafts/${created.body.id}/attachments`)
        .query({ filename: '报价单（2026年）.pdf' })
        .set('authorization', as(alice))
        .set('content-type', 'application/octet-stream')
        .send(pdf);
      expect(upload.status).toBe(201);
      expect(upload.body).toMatchObject({ filename: '报价单（2026年）.pdf', contentType: 'application/pdf', size: pdf.length, source: 'upload' });
      const notes = await request(app)
        .post(`/drafts/${created.body.id}/attachments?filename=${encodeURIComponent('说明.txt')}`)
        .set('authorization', as(alice))
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from('交货期：30 天'));
      expect(notes.body.contentType).toBe('text/plain');
      const draft: Draft = (await request(app).get(`/drafts/${created.body.id}`).set('authorization', as(alice))).body;
      expect(draft.attachments.map(a => a.filename)).toEqual(['报价单（2026年）.pdf', '说明.txt']);

      const sent = await request(app).post(`/drafts/${draft.id}/send`).set('authorization', as(alice)).send({ version: draft.version });
      expect(sent.status).toBe(202);
      const queued: OutboxItem = sent.body;
      expect(parseRecordMessageId(queued.messageIdHeader)).toEqual({ type: 'customer', id: CUSTOMER });
      expect(queued.messageIdHeader).toMatch(/@corp\.example>$/);
      await compose.outbox.settle();

      // exactly one SMTP delivery, to every recipient (Bcc only in the envelope), logged in with the IMAP credentials
      const deliveries = smtp.withMessageId(queued.messageIdHeader);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0].from).toBe(account.email);
      expect(deliveries[0].user).toBe(alice.name);
      expect(deliveries[0].to.sort()).toEqual(['boss@customer.example', 'lisi@customer.example', 'zhangsan@customer.example']);
      const text = deliveries[0].raw.toString('latin1');
      expect(text).not.toMatch(/^bcc:/im);
      expect(text).toMatch(/filename\*(0\*)?=utf-8''/i);
      const parsed = await simpleParser(deliveries[0].raw);
      expect(parsed.subject).toBe('报价单');
      expect(parsed.attachments.map(a => a.filename)).toEqual(['报价单（2026年）.pdf', '说明.txt']);
      expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
      expect(parsed.attachments[0].contentType).toBe('application/pdf');

      // the same bytes are stored; one logical message, parsed; the hooks ran for it
      const outboxRow = await knex('mail_outbox').where({ id: queued.id }).first();
      expect((await mail.raw.get(outboxRow.raw_ref)).equals(deliveries[0].raw)).toBe(true);
      const stored = await messagesWithKey(knex, queued.messageIdHeader);
      expect(stored).toEqual([{ id: outboxRow.message_id, parse_status: 'parsed', subject: '报价单' }]);
      expect(hookCalls).toContainEqual([outboxRow.message_id]);

      const outbox = await request(app).get('/outbox').set('authorization', as(alice));
      expect(outbox.body.totalCount).toBe(1);
      expect(outbox.body.items[0]).toMatchObject({ id: queued.id, status: 'sent', sentCopy: 'appended', messageId: outboxRow.message_id, attempts: 1, error: null });
      expect(outbox.body.items[0].attachments).toHaveLength(2);
      // the draft was consumed
      expect((await request(app).get(`/drafts/${draft.id}`).set('authorization', as(alice))).status).toBe(404);
      expect(Number((await knex('mail_draft_blobs').count('* as n').first())?.n)).toBe(0);

      // in the Sent folder once, recorded as a copy of the stored message
      expect(await sentFolderCount(alice, queued.messageIdHeader)).toBe(1);
      const copies = () => knex('mail_copies').where({ message_id: outboxRow.message_id }).select('folder_id', 'uid', 'uid_validity');
      expect(await copies()).toHaveLength(1);
      const [copy] = await copies();
      const appended = await withImap(dovecot, alice.name, alice.password, async client => {
        const lock = await client.getMailboxLock('Sent');
        try {
          expect(String(client.mailbox && client.mailbox.uidValidity)).toBe(String(copy.uid_validity));
          const { content } = await client.download(String(copy.uid), undefined, { uid: true });
          return content ? readAll(content) : Buffer.alloc(0);
        } finally {
          lock.release();
        }
      });
      expect(appended.equals(deliveries[0].raw)).toBe(true);

      // the next sync reads the Sent folder and finds the same message: nothing new
      const result = await mail.sync.syncAccount(account.id);
      expect(result.folders.find(f => f.path === 'Sent')?.added).toBe(1);
      expect(await messagesWithKey(knex, queued.messageIdHeader)).toHaveLength(1);
      expect(await copies()).toHaveLength(1);
      expect(hookCalls.filter(ids => ids.includes(outboxRow.message_id))).toHaveLength(1);

      // recovery runs find nothing to do
      expect(await compose.outbox.sweep()).toEqual({ markedUncertain: 0, delivered: 0, finished: 0 });
      expect(smtp.withMessageId(queued.messageIdHeader)).toHaveLength(1);
      expect(await sentFolderCount(alice, queued.messageIdHeader)).toBe(1);
    });

    it('routes sent mail into the customer its Message-ID names, and the customer’s reply from an unknown address with it', async () => {
      const crm = new FakeCrm().customer(CUSTOMER, '云帆贸易');
      const { mail, compose, app } = bed(knex, {}, crm);
      const alice = freshUser();
      const account = await connect(mail, alice);
      const draft = await request(app)
        .post('/drafts')
        .set('authorization', as(alice))
        .send({ accountId: account.id, to: ['new.buyer@gmail.com'], subject: '合作方案', html: '<p>您好</p>', customerId: CUSTOMER });
      const sent = await request(app).post(`/drafts/${draft.body.id}/send`).set('authorization', as(alice)).send({ version: 1 });
      await compose.outbox.settle();
      const { message_id: sentMessage } = await knex('mail_outbox').where({ id: sent.body.id }).first('message_id');
      const routed = await knex('mail_messages').where({ id: sentMessage }).first('thread_id', 'route_status', 'direction');
      expect(routed).toMatchObject({ route_status: 'routed', direction: 'out' });
      const links = () => knex('mail_links').where({ thread_id: routed.thread_id }).select('customer_id', 'source', 'state');
      expect(await links()).toEqual([{ customer_id: CUSTOMER, source: 'record', state: 'linked' }]);

      // the buyer answers from yet another free-mail address: the reply names our Message-ID
      const replyId = `reply-${alice.name}@163.com`;
      await append(dovecot, alice.name, alice.password, [
        Buffer.from(
          [
            'From: buyer2@163.com',
            `To: ${account.email}`,
            'Date: Tue, 24 Nov 2026 11:00:00 +0800',
            `Message-ID: <${replyId}>`,
            `In-Reply-To: ${sent.body.messageIdHeader}`,
            `References: ${sent.body.messageIdHeader}`,
            'Subject: =?UTF-8?B?5Zue5aSN77ya5ZCI5L2c5pa55qGI?=',
            'Content-Type: text/plain; charset=utf-8',
            '',
            '收到，谢谢。',
            '',
          ].join('\r\n'),
        ),
      ]);
      await mail.sync.syncAccount(account.id);
      const reply = await knex('mail_messages').where({ message_key: `m:${replyId}` }).first('thread_id', 'route_status', 'direction');
      expect(reply).toMatchObject({ thread_id: routed.thread_id, route_status: 'routed', direction: 'in' });
      expect(await links()).toEqual([{ customer_id: CUSTOMER, source: 'record', state: 'linked' }]);
      expect(await messagesWithKey(knex, sent.body.messageIdHeader)).toHaveLength(1);
    });

    it('forwards the source attachments by reference', async () => {
      const { mail, compose, app } = bed(knex);
      const alice = freshUser();
      const account = await connect(mail, alice);
      await append(dovecot, alice.name, alice.password, [corpus.withAttachment()]);
      await mail.sync.syncAccount(account.id);
      const source = await knex('mail_messages').where({ message_key: 'm:attach-1@customer.example' }).first('id');
      const created = await request(app)
        .post('/drafts')
        .set('authorization', as(alice))
        .send({ accountId: account.id, mode: 'forward', sourceMessageId: source.id, to: ['legal@partner.example'] });
      expect(created.status).toBe(201);
      expect(created.body.subject).toBe('转发：Contract draft');
      expect(created.body.inReplyTo).toBeNull();
      expect(created.body.html).toContain('---------- 转发的邮件 ----------');
      expect(created.body.attachments).toEqual([expect.objectContaining({ filename: 'contract.pdf', contentType: 'application/pdf', size: 3000, source: 'forward' })]);
      const sent = await request(app).post(`/drafts/${created.body.id}/send`).set('authorization', as(alice)).send({ version: 1 });
      await compose.outbox.settle();
      const [delivery] = smtp.withMessageId(sent.body.messageIdHeader);
      const parsed = await simpleParser(delivery.raw);
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0].filename).toBe('contract.pdf');
      expect(parsed.attachments[0].content.equals(Buffer.alloc(3000, 0x25))).toBe(true);
      expect(parsed.text).toContain('请查收合同草稿。');
    });

    it('a crash between handing the mail over and recording it leaves it uncertain: never re-sent by the sweep, once on a confirmed resend', async () => {
      const first = bed(knex);
      const alice = freshUser();
      const account = await connect(first.mail, alice);
      // the process "dies" after the server accepted the mail: the send never returns
      const real = new SmtpAccountTransport(new SendingAccounts(knex, PasswordCipher.fromBase64Key(TEST_KEY)));
      const dying: AccountTransport = { send: async (...args) => real.send(...args).then(() => new Promise<never>(() => undefined)) };
      const crashing = bed(knex, { smtp: dying });
      const draft = await request(crashing.app).post('/drafts').set('authorization', as(alice)).send({ accountId: account.id, to: ['zhangsan@customer.example'], subject: '合同', html: '<p>见附件</p>' });
      const sent = await request(crashing.app).post(`/drafts/${draft.body.id}/send`).set('authorization', as(alice)).send({ version: 1 });
      const idHeader: string = sent.body.messageIdHeader;
      await waitFor(() => smtp.withMessageId(idHeader).length === 1);
      expect((await knex('mail_outbox').where({ id: sent.body.id }).first()).status).toBe('sending');

      // a restarted process: its sweep finds the row in 'sending'
      const restarted = bed(knex, { outboxOptions: { sendingLeaseMs: 0 } });
      expect(await restarted.compose.outbox.sweep()).toEqual({ markedUncertain: 1, delivered: 0, finished: 0 });
      expect(await restarted.compose.outbox.sweep()).toEqual({ markedUncertain: 0, delivered: 0, finished: 0 });
      expect(smtp.withMessageId(idHeader)).toHaveLength(1);
      const item = (await request(restarted.app).get(`/outbox/${sent.body.id}`).set('authorization', as(alice)).set('accept-language', 'zh-CN')).body;
      expect(item.status).toBe('uncertain');
      expect(item.error.message).toMatch(/^发送状态不确定/);
      expect(await messagesWithKey(knex, idHeader)).toHaveLength(0);

      // a resend needs the explicit confirmation, and only the owner may
      const unconfirmed = await request(restarted.app).post(`/outbox/${sent.body.id}/resend`).set('authorization', as(alice)).send({});
      expect(unconfirmed.status).toBe(400);
      expect(unconfirmed.body.error.fields[0]).toMatchObject({ path: 'confirm', key: 'confirmRequired' });
      expect((await request(restarted.app).post(`/outbox/${sent.body.id}/resend`).set('authorization', as(freshUser())).send({ confirm: true })).status).toBe(404);
      expect((await request(restarted.app).post(`/outbox/${sent.body.id}/retry`).set('authorization', as(alice)).send({})).status).toBe(409);
      const resent = await request(restarted.app).post(`/outbox/${sent.body.id}/resend`).set('authorization', as(alice)).send({ confirm: true });
      expect(resent.status).toBe(202);
      await restarted.compose.outbox.settle();
      expect(smtp.withMessageId(idHeader)).toHaveLength(2);
      const after = (await request(restarted.app).get(`/outbox/${sent.body.id}`).set('authorization', as(alice))).body;
      expect(after).toMatchObject({ status: 'sent', attempts: 2, error: null, sentCopy: 'appended' });
      expect(await messagesWithKey(knex, idHeader)).toHaveLength(1);
      expect(await sentFolderCount(alice, idHeader)).toBe(1);
      expect((await request(restarted.app).post(`/outbox/${sent.body.id}/resend`).set('authorization', as(alice)).send({ confirm: true })).status).toBe(409);
    });

    it('a refusing server makes the mail failed with the reason; retry sends it once', async () => {
      const { mail, compose, app } = bed(knex);
      const alice = freshUser();
      const account = await connect(mail, alice);
      smtp.refuseRecipients = 550;
      const draft = await request(app).post('/drafts').set('authorization', as(alice)).send({ accountId: account.id, to: ['nobody@customer.example'], subject: '你好', html: '<p>x</p>' });
      const sent = await request(app).post(`/drafts/${draft.body.id}/send`).set('authorization', as(alice)).send({ version: 1 });
      await compose.outbox.settle();
      const failed = (await request(app).get(`/outbox/${sent.body.id}`).set('authorization', as(alice))).body;
      expect(failed.status).toBe('failed');
      expect(failed.error.key).toBe('sendRefused');
      expect(failed.error.message).toMatch(/^发送失败：.*550/);
      expect(await compose.outbox.sweep()).toMatchObject({ delivered: 0 });
      expect(smtp.withMessageId(sent.body.messageIdHeader)).toHaveLength(0);
      const byStatus = async (status: string) => (await request(app).get('/outbox').query({ status }).set('authorization', as(alice))).body.totalCount;
      expect([await byStatus('failed'), await byStatus('sent')]).toEqual([1, 0]);
      expect((await request(app).get('/outbox?status=lost').set('authorization', as(alice))).status).toBe(400);

      smtp.refuseRecipients = null;
      const retried = await request(app).post(`/outbox/${sent.body.id}/retry`).set('authorization', as(alice)).send({});
      expect(retried.status).toBe(202);
      await compose.outbox.settle();
      expect(smtp.withMessageId(sent.body.messageIdHeader)).toHaveLength(1);
      expect((await request(app).get(`/outbox/${sent.body.id}`).set('authorization', as(alice))).body).toMatchObject({ status: 'sent', attempts: 2 });
      expect([await byStatus('failed'), await byStatus('sent')]).toEqual([0, 1]);
      const again = await request(app).post(`/outbox/${sent.body.id}/retry`).set('authorization', as(alice)).send({});
      expect(again.status).toBe(409);
      expect(again.body.error.key).toBe('outboxNotFailed');
    });

    it('an unreachable server fails the mail; a connection lost after the data makes it uncertain; a Graph mailbox without its sender fails clearly', async () => {
      const { mail, compose, app } = bed(knex);
      const dropping = await new DroppingSmtpServer().start();
      try {
        const cases: Array<[TestUser, number, string, RegExp]> = [
          [freshUser(), await closedPort(), 'failed', /ECONNREFUSED/],
          [freshUser(), dropping.port, 'uncertain', /closed/i],
        ];
        for (const [u, port, expected, detail] of cases) {
          const account = await connect(mail, u, port);
          const draft = await request(app).post('/drafts').set('authorization', as(u)).send({ accountId: account.id, to: ['a@customer.example'], subject: 's', html: '' });
          const sent = await request(app).post(`/drafts/${draft.body.id}/send`).set('authorization', as(u)).send({ version: 1 });
          await compose.outbox.settle();
          const item = (await request(app).get(`/outbox/${sent.body.id}`).set('authorization', as(u))).body;
          expect(item.status).toBe(expected);
          expect(item.error.detail).toMatch(detail);
        }
        expect(dropping.dataReceived).toBe(1);
        await compose.outbox.sweep();
        expect(dropping.dataReceived).toBe(1);

        const g = freshUser();
        const graphAccount = await connect(mail, g);
        await knex('mail_accounts').where({ id: graphAccount.id }).update({ provider: 'graph' });
        const draft = await request(app).post('/drafts').set('authorization', as(g)).send({ accountId: graphAccount.id, to: ['a@customer.example'], subject: 's', html: '' });
        const sent = await request(app).post(`/drafts/${draft.body.id}/send`).set('authorization', as(g)).send({ version: 1 });
        await compose.outbox.settle();
        const item = (await request(app).get(`/outbox/${sent.body.id}`).set('authorization', as(g)).set('accept-language', 'zh-CN')).body;
        expect(item).toMatchObject({ status: 'failed', error: { key: 'graphSendUnavailable' } });
        expect(item.error.message).toContain('Microsoft 365');
      } finally {
        await dropping.stop();
      }
    });

    it('validates in Chinese and limits attachments to 25 MB each and together', async () => {
      const { mail, app } = bed(knex);
      const alice = freshUser();
      const account = await connect(mail, alice);
      const zh = (r: request.Test) => r.set('authorization', as(alice)).set('accept-language', 'zh-CN');

      const bad = await zh(request(app).post('/drafts')).send({ accountId: account.id, to: ['不是地址'], subject: 'x'.repeat(501) });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toEqual(
        expect.arrayContaining([
          { path: 'to.0.address', key: 'invalidEmail', message: '邮箱地址格式不正确' },
          { path: 'subject', key: 'subjectTooLong', message: '主题过长（最多 500 个字符）' },
        ]),
      );
      const outsider = { name: 'outsider', password: '', ref: OUTSIDER };
      const outsiderBox = await mail.accounts.connect(OUTSIDER, {
        displayName: 'outsider',
        email: 'outsider@corp.example',
        imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: 'outsider', password: 'x' },
      });
      const hidden = await request(app).post('/drafts').set('authorization', as(outsider)).set('accept-language', 'zh-CN').send({ accountId: outsiderBox.id, customerId: CUSTOMER });
      expect(hidden.status).toBe(400);
      expect(hidden.body.error.fields).toEqual([{ path: 'customerId', key: 'customerNotFound', message: '客户不存在或无权查看' }]);
      const reply = await zh(request(app).post('/drafts')).send({ accountId: account.id, mode: 'reply' });
      expect(reply.body.error.fields).toEqual([{ path: 'sourceMessageId', key: 'sourceRequired', message: '回复或转发时必须指定原邮件' }]);

      const draft = (await zh(request(app).post('/drafts')).send({ accountId: account.id, subject: '无收件人' })).body as Draft;
      const noRecipient = await zh(request(app).post(`/drafts/${draft.id}/send`)).send({ version: 1 });
      expect(noRecipient.status).toBe(400);
      expect(noRecipient.body.error.fields).toEqual([{ path: 'to', key: 'recipientRequired', message: '请至少填写一个收件人' }]);

      const upload = (size: number, filename = 'big.bin') =>
        zh(request(app).post(`/drafts/${draft.id}/attachments`).query({ filename })).set('content-type', 'application/octet-stream').send(Buffer.alloc(size, 1));
      const tooBig = await upload(25 * MB + 1);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error.message).toBe('附件过大：单个附件及全部附件合计均不能超过 25 MB');
      expect((await upload(20 * MB)).status).toBe(201);
      expect((await upload(6 * MB)).status).toBe(413);
      expect((await upload(5 * MB)).status).toBe(201);
      const noName = await upload(10, '');
      expect(noName.status).toBe(400);
      expect(noName.body.error.fields).toEqual([{ path: 'filename', key: 'filenameRequired', message: '请提供附件文件名' }]);
      const withAttachments = (await zh(request(app).get(`/drafts/${draft.id}`))).body as Draft;
      expect(withAttachments.attachments.map(a => a.size)).toEqual([20 * MB, 5 * MB]);
      expect((await zh(request(app).delete(`/drafts/${draft.id}/attachments/${withAttachments.attachments[0].id}`))).status).toBe(204);
      expect((await zh(request(app).delete(`/drafts/${draft.id}/attachments/${withAttachments.attachments[0].id}`))).status).toBe(404);
      expect((await upload(20 * MB)).status).toBe(201);
    });
  });
});
