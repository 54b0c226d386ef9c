import request from 'supertest';
import { ImapFlow } from 'imapflow';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import crmPlugin, { accessModuleCrm } from '@cocrm/plugin-crm-backend';
import crmModuleMail from '@cocrm/plugin-crm-backend-module-mail';
import mailPlugin, { accessModuleMail } from '@cocrm/plugin-mail-backend';
import accessPlugin from '@cocrm/plugin-access-backend';
import suitePolicy from '@cocrm/plugin-permission-backend-module-suite-policy';
import { DovecotServer, dovecotMode } from '@cocrm/plugin-mail-backend/testUtils';
import { demoOrgEntities } from './__testUtils__/demoOrg';
import { DATABASES, authWithActor, databaseConfig, dropTestDatabases } from './__testUtils__/realStack';
import { SmtpInbox, until } from './__testUtils__/smtpInbox';

/*
 * Mail routed into a customer record through the real plugins (mail, CRM with
 * its mail timeline module, access, the permission backend with the suite
 * policy), a real Dovecot and a real SMTP server, on SQLite and PostgreSQL:
 * who sees a routed mail on the customer page is decided by the customer's
 * permission AND the mailbox's sharing setting; a reply sent from the portal
 * goes out once and is routed too; colleagues' mail is not routed.
 */

jest.setTimeout(300_000);
afterAll(dropTestDatabases);

const u = (name: string) => `user:default/${name}`;
const mode = dovecotMode();

function rfc822(lines: Record<string, string>, body: string): Buffer {
  const head = Object.entries(lines).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  return Buffer.from(`${head}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`, 'utf8');
}

type TimelineItem = { source: string; kind: string; title: string; summary?: string; link?: { id: string } };

(mode === 'skip' ? describe.skip : describe).each(DATABASES)('mail routed into customer records through the real plugins on %s', databaseId => {
  const smtp = new SmtpInbox({ login: true });
  let dovecot: DovecotServer;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    if (mode === 'fail') throw new Error('Dovecot (dovecot-imapd) is required in CI');
    dovecot = await DovecotServer.start({ zhouhao: 'imap-secret' });
    await smtp.listen();
    const started = await startTestBackend({
      features: [
        crmPlugin,
        crmModuleMail,
        mailPlugin,
        accessPlugin,
        accessModuleCrm,
        accessModuleMail,
        permissionPlugin,
        suitePolicy,
        databaseServiceFactory,
        authWithActor,
        eventsServiceFactory,
        catalogServiceMock.factory({ entities: demoOrgEntities() }),
        mockServices.permissions.factory(),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example' },
            permission: { enabled: true },
            backend: { database: databaseConfig(databaseId) },
            mail: { encryptionKey: Buffer.alloc(32, 9).toString('base64'), internalDomains: ['example.com'] },
          },
        }),
      ],
    });
    server = started.server;
  });

  afterAll(async () => {
    await smtp.close();
    await dovecot?.stop();
  });

  const as = (name: string) => {
    const auth = (r: request.Test) => r.set('Authorization', mockCredentials.user.header(u(name))).set('Accept-Language', 'zh-CN');
    return {
      get: (p: string) => auth(request(server).get(p)),
      post: (p: string, body: object = {}) => auth(request(server).post(p)).send(body),
      put: (p: string, body: object) => auth(request(server).put(p)).send(body),
    };
  };

  const deliver = async (raw: Buffer, mailbox = 'INBOX') => {
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: 'zhouhao', pass: 'imap-secret' }, logger: false });
    await client.connect();
    try {
      await client.append(mailbox, raw);
    } finally {
      await client.logout();
    }
  };

  const mailOnTimeline = async (name: string, customerId: string): Promise<TimelineItem[]> => {
    const res = await as(name).get(`/api/crm/customers/${customerId}/timeline`);
    if (res.status !== 200) return [];
    return (res.body.items as TimelineItem[]).filter(i => i.source === 'mail');
  };

  it('routes a contact’s mail to the customer, shows it by permission and sharing, and routes the reply sent from the portal', async () => {
    // 周浩 (销售) manages the customer; 孙丽 (销售经理 of his department) sees it by data scope; 吴芳 (销售, another account manager's customers) does not
    const customer = await as('zhouhao').post('/api/crm/customers', { name: `华信控股${databaseId}`, mailDomains: [`huaxin-${databaseId.toLowerCase().replace('_', '')}.com.cn`] });
    expect(customer.status).toBe(201);
    const domain = customer.body.mailDomains[0] as string;
    const contact = await as('zhouhao').post('/api/crm/contacts', { customerId: customer.body.id, name: '林国栋', emails: [`lin.guodong@${domain}`] });
    expect(contact.status).toBe(201);

    const account = await as('zhouhao').post('/api/mail/accounts', {
      provider: 'imap',
      displayName: '周浩的邮箱',
      email: 'zhouhao@example.com',
      imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: 'zhouhao', password: 'imap-secret' },
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
      sharing: 'everything',
    });
    expect(account.status).toBe(201);

    await deliver(
      rfc822(
        { From: `林国栋 <lin.guodong@${domain}>`, To: 'zhouhao@example.com', Subject: `=?UTF-8?B?${Buffer.from('关于数据中心扩容的报价').toString('base64')}?=`, 'Message-ID': `<quote-1@${domain}>`, Date: 'Tue, 24 Nov 2026 10:00:00 +0800' },
        '周经理您好，附上扩容方案的报价，请查收。',
      ),
    );
    // colleagues among themselves: not routed
    await deliver(rfc822({ From: '孙丽 <sunli@example.com>', To: 'zhouhao@example.com', Subject: 'internal weekly', 'Message-ID': '<weekly-1@example.com>' }, '周会纪要'));
    const synced = await as('zhouhao').post(`/api/mail/accounts/${account.body.id}/sync`);
    expect(synced.status).toBe(200);

    const own = await until('mail on 周浩’s timeline', () => mailOnTimeline('zhouhao', customer.body.id), items => items.length === 1);
    expect(own[0]).toMatchObject({ kind: 'mail.in', title: '关于数据中心扩容的报价' });
    expect(own[0].summary).toContain('附上扩容方案的报价');
    const threadId = own[0].link!.id;

    // the department's manager sees the customer, and the mailbox shares everything
    expect(await mailOnTimeline('sunli', customer.body.id)).toEqual([expect.objectContaining({ title: '关于数据中心扩容的报价', summary: expect.stringContaining('报价') })]);
    // one who may not see the customer sees nothing, on the page nor through the mail API
    expect((await as('wufang').get(`/api/crm/customers/${customer.body.id}/timeline`)).status).toBeGreaterThanOrEqual(403);
    const direct = await as('wufang').get(`/api/mail/routed/customers/${customer.body.id}`);
    expect(direct.body.items ?? []).toEqual([]);
    // and one who sees the customer but not the mailbox cannot open the thread itself
    expect((await as('sunli').get(`/api/mail/threads/${threadId}`)).status).toBe(404);

    // sharing: subject only, then nothing — the owner still sees everything
    let version = account.body.version as number;
    const subjectOnly = await as('zhouhao').put(`/api/mail/accounts/${account.body.id}`, { version, sharing: 'subject' });
    version = subjectOnly.body.version;
    const seenBySunli = await mailOnTimeline('sunli', customer.body.id);
    expect(seenBySunli).toHaveLength(1);
    expect(seenBySunli[0].title).toBe('关于数据中心扩容的报价');
    expect(seenBySunli[0].summary ?? '').not.toContain('报价');
    await as('zhouhao').put(`/api/mail/accounts/${account.body.id}`, { version, sharing: 'nothing' });
    expect(await mailOnTimeline('sunli', customer.body.id)).toEqual([]);
    expect(await mailOnTimeline('zhouhao', customer.body.id)).toHaveLength(1);

    // the colleagues' mail is in the mailbox but on no customer page
    const threads = await as('zhouhao').get(`/api/mail/threads?accountId=${account.body.id}`);
    expect(threads.body.items.map((t: { subject: string }) => t.subject)).toEqual(expect.arrayContaining(['internal weekly', '关于数据中心扩容的报价']));

    // the reply from the portal: sent once, stored, routed (an outgoing entry on the timeline)
    const source = (await as('zhouhao').get(`/api/mail/threads/${threadId}`)).body.messages[0];
    const draft = await as('zhouhao').post('/api/mail/drafts', { accountId: account.body.id, mode: 'reply', sourceMessageId: source.id });
    expect(draft.status).toBe(201);
    expect(draft.body.to.map((a: { address: string }) => a.address)).toEqual([`lin.guodong@${domain}`]);
    const edited = await as('zhouhao').put(`/api/mail/drafts/${draft.body.id}`, { version: draft.body.version, html: '<p>林总您好，报价已收到，我们下周一答复。</p>' });
    expect(edited.status).toBe(200);
    const sent = await as('zhouhao').post(`/api/mail/drafts/${draft.body.id}/send`, { version: edited.body.version });
    expect(sent.status).toBe(202);
    await until('the reply at the SMTP server', async () => smtp.mails.length, n => n === 1);
    expect(smtp.mails[0].subject).toBe('回复：关于数据中心扩容的报价');
    expect(smtp.mails[0].inReplyTo).toBe(`<quote-1@${domain}>`);
    const after = await until('the reply on the timeline', () => mailOnTimeline('zhouhao', customer.body.id), items => items.length === 2);
    expect(after.map(i => i.kind).sort()).toEqual(['mail.in', 'mail.out']);
    expect(new Set(after.map(i => i.link!.id))).toEqual(new Set([threadId]));

    // the next sync finds the reply again in the Sent folder: still one message, still one mail sent
    await as('zhouhao').post(`/api/mail/accounts/${account.body.id}/sync`);
    const thread = await as('zhouhao').get(`/api/mail/threads/${threadId}`);
    expect(thread.body.messages).toHaveLength(2);
    expect(smtp.mails).toHaveLength(1);
  });
});
