import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import request from 'supertest';
import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { RoutedFullMessage, RoutedThreadView } from '@cocrm/plugin-mail-common';
import { mailPlugin } from '../plugin';
import { TEST_KEY, databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { mailOrgEntities, user } from '../__testUtils__/org';
import { mime } from '../webmail/__testUtils__/webmailBed';
import { FakeCrm } from './__testUtils__/fakeCrm';
import { routingPolicy } from './__testUtils__/policy';
import { addAccount, deliver, INTERNAL_DOMAIN, routingBed } from './__testUtils__/routingBed';

jest.setTimeout(60_000);

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const TRACKER = 'https://track.huaxin.example/p.gif';

describe.each(databases.eachSupportedId())('routed thread through a customer on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let agent: ReturnType<typeof request>;
  const crm = new FakeCrm();
  const huaxin = randomUUID();
  const dongfang = randomUUID();
  const liMing = randomUUID();
  const box: Record<string, string> = {};
  const msg: Record<string, string> = {};
  const thread: Record<string, string> = {};

  // 刘洋 may see 华信科技 and reads none of the mailboxes; 王建国 reads every mailbox but may see 东方电子 only
  const policy = routingPolicy({
    customers: {
      [user('sunli')]: [huaxin],
      [user('zhouhao')]: [huaxin],
      [user('zhaoqiang')]: [huaxin],
      [user('liuyang')]: [huaxin],
      [user('wangjianguo')]: [dongfang],
    },
    admins: [user('wangjianguo')],
  });

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    crm.customer(huaxin, '华信科技', ['huaxin.example']).contact(liMing, huaxin, '李明', ['li.ming@huaxin.example']);
    crm.customer(dongfang, '东方电子', ['dongfang.example']);
    const { server } = await startTestBackend({
      features: [
        mailPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: { mail: { encryptionKey: TEST_KEY, internalDomains: [INTERNAL_DOMAIN] } } }),
        catalogServiceMock.factory({ entities: mailOrgEntities() }),
        policy.factory,
      ],
    });
    agent = request(server);

    const { mail } = routingBed(knex, crm, policy);
    box.everything = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example', sharing: 'everything' });
    box.subject = await addAccount(knex, { owner: user('zhouhao'), email: 'zhouhao@corp.example', sharing: 'subject' });
    box.nothing = await addAccount(knex, { owner: user('zhaoqiang'), email: 'zhaoqiang@corp.example', sharing: 'nothing' });

    // one conversation of 李明 across three mailboxes, one per sharing setting
    msg.first = await deliver(
      mail,
      box.everything,
      mime({
        id: 'quote-1@huaxin.example',
        from: '=?UTF-8?B?5p2O5piO?= <li.ming@huaxin.example>',
        to: 'sunli@corp.example',
        subject: '设备询价',
        text: '孙经理：询价单见附件。',
        html: `<p onclick="steal()">询价单见<b>附件</b></p><img src="cid:logo@huaxin.example" alt="logo"><img src="${TRACKER}"><script>alert(1)</script>`,
        related: [{ cid: 'logo@huaxin.example', contentType: 'image/png', content: PNG }],
        attachments: [{ filename: '询价单.pdf', contentType: 'application/pdf', content: PDF }],
      }),
    );
    msg.second = await deliver(
      mail,
      box.subject,
      mime({
        id: 'quote-2@huaxin.example',
        from: 'li.ming@huaxin.example',
        to: 'zhouhao@corp.example',
        subject: 'Re: 设备询价',
        text: '周经理：补充规格，见附件。',
        inReplyTo: 'quote-1@huaxin.example',
        attachments: [{ filename: '规格.pdf', contentType: 'application/pdf', content: PDF }],
      }),
    );
    msg.third = await deliver(
      mail,
      box.nothing,
      mime({ id: 'quote-3@huaxin.example', from: 'li.ming@huaxin.example', to: 'zhaoqiang@corp.example', subject: 'Re: 设备询价', text: '赵经理：价格底线。', inReplyTo: 'quote-1@huaxin.example' }),
    );
    // a conversation only in the mailbox that shares nothing, and 东方电子's in the one that shares everything
    msg.secret = await deliver(mail, box.nothing, mime({ id: 'secret-1@huaxin.example', from: 'li.ming@huaxin.example', to: 'zhaoqiang@corp.example', subject: '私下报价', text: '只给赵经理。' }));
    msg.dongfang = await deliver(mail, box.everything, mime({ id: 'df-1@dongfang.example', from: 'chen@dongfang.example', to: 'sunli@corp.example', subject: '东方电子来信', text: '东方电子的来信' }));
    for (const [k, id] of Object.entries(msg)) thread[k] = (await knex('mail_messages').where({ id }).first('thread_id')).thread_id;
  });

  afterAll(async () => {
    await knex.destroy();
  });

  const as = (name: string) => {
    const auth = mockCredentials.user.header(user(name));
    return {
      get: (url: string) => agent.get(`/api/mail${url}`).set('Authorization', auth).set('Accept-Language', 'zh-CN'),
      post: (url: string, body: object = {}) => agent.post(`/api/mail${url}`).set('Authorization', auth).set('Accept-Language', 'zh-CN').send(body),
      del: (url: string) => agent.delete(`/api/mail${url}`).set('Authorization', auth),
    };
  };
  const download = (name: string, url: string) =>
    as(name)
      .get(url)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  const routed = (customerId: string, threadId: string) => `/routed/customers/${customerId}/threads/${threadId}`;
  const attachment = (customerId: string, messageId: string, index: number) => `/routed/customers/${customerId}/messages/${messageId}/attachments/${index}`;
  /** message key → how the viewer sees it through 华信科技 */
  const seenBy = async (name: string, threadId = thread.first) => {
    const res = await as(name).get(routed(huaxin, threadId));
    expect(res.status).toBe(200);
    const view = res.body as RoutedThreadView;
    return Object.fromEntries(view.messages.map(m => [Object.keys(msg).find(k => msg[k] === m.id)!, m.visibility]));
  };

  it('threads the three mails into one conversation linked to 华信科技', () => {
    expect(thread.second).toBe(thread.first);
    expect(thread.third).toBe(thread.first);
    expect(thread.secret).not.toBe(thread.first);
  });

  it('shows a colleague who may see the customer the shared mail in full, subjects only where shared so, nothing else', async () => {
    const res = await as('liuyang').get(routed(huaxin, thread.first));
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const view = res.body as RoutedThreadView;
    expect(view).toMatchObject({ threadId: thread.first, subject: '设备询价', customer: { id: huaxin, name: '华信科技' } });
    expect(view.messages.map(m => [m.id, m.visibility])).toEqual([
      [msg.first, 'full'],
      [msg.second, 'subject'],
    ]);

    // the webmail's message view: sanitized HTML, remote images blocked, attachments served through the customer
    const full = view.messages[0] as RoutedFullMessage;
    expect(full).toMatchObject({ subject: '设备询价', text: '孙经理：询价单见附件。', from: [{ name: '李明', address: 'li.ming@huaxin.example' }], remoteImagesBlocked: 1 });
    expect(full.html).toContain('<b>附件</b>');
    expect(full.html).not.toMatch(/script|onclick/);
    expect(full.html).not.toContain(TRACKER);
    const pdf = full.attachments.find(a => a.filename === '询价单.pdf')!;
    const logo = full.attachments.find(a => a.contentType === 'image/png')!;
    expect(pdf.url).toBe(`/api/mail${attachment(huaxin, msg.first, pdf.index)}`);
    expect(full.html).toContain(`src="/api/mail${attachment(huaxin, msg.first, logo.index)}"`);
    // nothing of another's mailbox: no flags, no mailbox ids
    expect(full).toMatchObject({ flags: [], seen: false, flagged: false, accountIds: [] });

    // subject only: who wrote to whom, when, about what
    expect(view.messages[1]).toEqual({
      id: msg.second,
      visibility: 'subject',
      subject: 'Re: 设备询价',
      from: [{ name: '', address: 'li.ming@huaxin.example' }],
      to: [{ name: '', address: 'zhouhao@corp.example' }],
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });

    // remote images on request, as in the webmail
    const shown = await as('liuyang').get(`${routed(huaxin, thread.first)}?remoteImages=show`);
    expect((shown.body as RoutedThreadView).messages[0]).toMatchObject({ remoteImagesBlocked: 0 });
    expect(((shown.body as RoutedThreadView).messages[0] as RoutedFullMessage).html).toContain(TRACKER);

    // the webmail itself still answers only readers
    expect((await as('liuyang').get(`/threads/${thread.first}`)).status).toBe(404);
    expect((await as('liuyang').post(`/messages/${msg.first}/flags`, { seen: true })).status).toBe(404);
  });

  it('shows readers their own mailbox in full, beside what the others share', async () => {
    expect(await seenBy('sunli')).toEqual({ first: 'full', second: 'subject' });
    expect(await seenBy('zhouhao')).toEqual({ first: 'full', second: 'full' });
    expect(await seenBy('zhaoqiang')).toEqual({ first: 'full', second: 'subject', third: 'full' });
    const sunli = (await as('sunli').get(routed(huaxin, thread.first))).body as RoutedThreadView;
    expect((sunli.messages[0] as RoutedFullMessage).accountIds).toEqual([box.everything]);
    const zhouhao = (await as('zhouhao').get(routed(huaxin, thread.first))).body as RoutedThreadView;
    expect(zhouhao.messages[1]).toMatchObject({ visibility: 'full', text: '周经理：补充规格，见附件。', accountIds: [box.subject] });
    // a mailbox that shares nothing: its reader only
    expect(await seenBy('zhaoqiang', thread.secret)).toEqual({ secret: 'full' });
  });

  it('answers 404 when nothing is shared, the customer is not the viewer’s, or the thread is not linked to it', async () => {
    const notFound = async (name: string, url: string) => {
      const res = await as(name).get(url);
      expect(res.status).toBe(404);
      expect(res.body.error.key).toBe('threadNotFound');
    };
    // only in a mailbox that shares nothing
    await notFound('liuyang', routed(huaxin, thread.secret));
    await notFound('sunli', routed(huaxin, thread.secret));
    // 王建国 reads every mailbox but may not see 华信科技
    await notFound('wangjianguo', routed(huaxin, thread.first));
    // 东方电子's thread is not linked to 华信科技, though its mailbox shares everything and 孙丽 reads it
    await notFound('liuyang', routed(huaxin, thread.dongfang));
    await notFound('sunli', routed(huaxin, thread.dongfang));
    // through 东方电子: its reader 孙丽 may not see that customer, nor may 刘洋
    await notFound('sunli', routed(dongfang, thread.dongfang));
    await notFound('liuyang', routed(dongfang, thread.dongfang));
    expect(await (await as('wangjianguo').get(routed(dongfang, thread.dongfang))).body.messages).toHaveLength(1);
    // malformed and unknown ids
    await notFound('liuyang', routed(huaxin, 'nope'));
    await notFound('liuyang', routed('nope', thread.first));
    await notFound('liuyang', routed(huaxin, randomUUID()));
  });

  it('serves attachments of fully shared messages like the webmail, never of subject-only ones', async () => {
    const view = (await as('liuyang').get(routed(huaxin, thread.first))).body as RoutedThreadView;
    const pdf = (view.messages[0] as RoutedFullMessage).attachments.find(a => a.filename === '询价单.pdf')!;
    const res = await download('liuyang', attachment(huaxin, msg.first, pdf.index));
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, PDF)).toBe(0);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`attachment; filename="`);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('询价单.pdf')}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');

    const missing = async (name: string, url: string, key = 'messageNotFound') => {
      const r = await as(name).get(url);
      expect(r.status).toBe(404);
      expect(r.body.error.key).toBe(key);
    };
    // 'subject' shares no files: the second message's attachment stays with its mailbox (and its reader)
    await missing('liuyang', attachment(huaxin, msg.second, 0));
    await missing('sunli', attachment(huaxin, msg.second, 0));
    expect((await download('zhouhao', attachment(huaxin, msg.second, 0))).status).toBe(200);
    // 'nothing', another customer, a customer not the viewer's
    await missing('liuyang', attachment(huaxin, msg.third, 0));
    await missing('liuyang', attachment(dongfang, msg.first, pdf.index));
    await missing('wangjianguo', attachment(huaxin, msg.first, pdf.index));
    await missing('liuyang', attachment(huaxin, msg.first, 99), 'attachmentNotFound');
    await missing('liuyang', attachment(huaxin, msg.first, -1), 'attachmentNotFound');
  });

  it('closes the view once the thread is unlinked from the customer', async () => {
    expect((await as('sunli').del(`/threads/${thread.first}/links/${huaxin}`)).status).toBe(204);
    expect((await as('liuyang').get(routed(huaxin, thread.first))).status).toBe(404);
    expect((await as('liuyang').get(attachment(huaxin, msg.first, 0))).status).toBe(404);
  });
});
