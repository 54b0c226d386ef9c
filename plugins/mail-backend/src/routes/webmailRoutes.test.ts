import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import request from 'supertest';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import type { MailboxView, MessageView, ThreadSummary, ThreadView } from '@cocrm/plugin-mail-common';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { group, user } from '../__testUtils__/org';
import { addAccount } from '../routing/__testUtils__/routingBed';
import { deliver, mime, webmailBed } from '../webmail/__testUtils__/webmailBed';

jest.setTimeout(120_000);

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n'), Buffer.alloc(5000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const FAKE_PNG = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
const TRACKER = 'https://track.customer.example/p.gif';

describe.each(databases.eachSupportedId())('webmail API on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let agent: ReturnType<typeof request>;
  const box: Record<string, string> = {};
  const msg: Record<string, string> = {};
  const thread = randomUUID();
  const raws: Record<string, Buffer> = {};

  const as = (name: string) => {
    const auth = mockCredentials.user.header(user(name));
    return {
      get: (url: string) => agent.get(`/api/mail${url}`).set('Authorization', auth).set('Accept-Language', 'zh-CN'),
      post: (url: string, body: object = {}) => agent.post(`/api/mail${url}`).set('Authorization', auth).set('Accept-Language', 'zh-CN').send(body),
      del: (url: string) => agent.delete(`/api/mail${url}`).set('Authorization', auth),
    };
  };
  /** The body as bytes, whatever the type. */
  const download = (name: string, url: string) =>
    as(name)
      .get(url)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  const threads = async (name: string, query = '') => {
    const res = await as(name).get(`/threads${query}`);
    expect(res.status).toBe(200);
    return res.body as { items: ThreadSummary[]; totalCount: number; page: number; pageSize: number };
  };
  const subjects = (page: { items: ThreadSummary[] }) => page.items.map(t => t.subject);

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    const bed = webmailBed(knex, [user('wangjianguo')]);
    const mail = bed.mail;
    agent = request(bed.app);
    box.sunli = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
    box.liuyang = await addAccount(knex, { owner: user('liuyang'), email: 'liuyang@corp.example' });
    box.sales = await addAccount(knex, { owner: user('wangjianguo'), email: 'sales@corp.example', kind: 'shared', readers: [group('sales')] });

    raws.contract = mime({
      id: 'contract-1@customer.example',
      from: '=?UTF-8?B?5byg5Lyf?= <zhangwei@customer.example>',
      to: 'Sun Li <sunli@corp.example>',
      subject: '合同续签',
      text: '孙经理：请查收新版合同，付款条款见第三页。',
      html: `<p onclick="steal()">请查收新版<b>合同</b></p><img src="cid:logo@customer.example" alt="logo"><img src="${TRACKER}"><script>alert(1)</script>`,
      related: [{ cid: 'logo@customer.example', contentType: 'image/png', content: PNG }],
      attachments: [
        { filename: '合同.pdf', contentType: 'application/pdf', content: PDF },
        { filename: 'photo.png', contentType: 'image/png', content: FAKE_PNG },
      ],
    });
    msg.contract = await deliver(mail, box.sunli, raws.contract);
    msg.quote = await deliver(mail, box.sunli, mime({ id: 'quote-1@customer.example', from: 'buyer@customer.example', to: 'sunli@corp.example', subject: '报价单', text: '请报价。' }));
    msg.order = await deliver(
      mail,
      box.sunli,
      mime({ id: 'order-1@customer.example', from: 'Buyer <buyer@customer.example>', to: 'sunli@corp.example', subject: 'Quarterly ORDER', text: 'Please confirm the 付款 schedule.' }),
      { flags: ['\\Seen'] },
    );
    msg.reply = await deliver(
      mail,
      box.sunli,
      mime({ id: 'reply-1@corp.example', from: 'Sun Li <sunli@corp.example>', to: 'zhangwei@customer.example', subject: 'Re: 合同续签', text: '收到，谢谢张总。', inReplyTo: 'contract-1@customer.example' }),
      { folder: '已发送', flags: ['\\Seen'] },
    );
    msg.finance = await deliver(mail, box.liuyang, mime({ id: 'fin-1@corp.example', from: 'boss@corp.example', to: 'liuyang@corp.example', subject: '合同审批', text: '请审批。' }));
    msg.sales = await deliver(mail, box.sales, mime({ id: 'sales-1@client.example', from: '客户 <kehu@client.example>', to: 'sales@corp.example', subject: '华东区合同', text: '询价。' }));
    msg.gone = await deliver(mail, box.sunli, mime({ id: 'gone-1@customer.example', from: 'buyer@customer.example', to: 'sunli@corp.example', subject: '合同作废', text: '作废' }));
    await knex('mail_copies').where({ message_id: msg.gone }).update({ deleted_at: new Date() });
    // what routing's threader does: the reply joins the contract's thread; the quote stays unthreaded
    await knex('mail_messages').whereIn('id', [msg.contract, msg.reply]).update({ thread_id: thread });
    await knex('mail_messages').where({ id: msg.order }).update({ thread_id: randomUUID() });
    await knex('mail_links').insert({
      id: randomUUID(),
      thread_id: thread,
      customer_id: randomUUID(),
      customer_name: '华信科技',
      contact_ids: '[]',
      source: 'contact',
      state: 'linked',
      manual: false,
      created_at: new Date(),
      updated_at: new Date(),
    });
  });

  it('lists the readable mailboxes with folders, roles and counts', async () => {
    const res = await as('sunli').get('/mailboxes');
    expect(res.status).toBe(200);
    const items = res.body.items as MailboxView[];
    expect(items.map(m => [m.email, m.kind])).toEqual([
      ['sunli@corp.example', 'personal'],
      ['sales@corp.example', 'shared'],
    ]);
    expect(items[0].folders.map(f => [f.path, f.name, f.specialUse, f.total, f.unread])).toEqual([
      ['INBOX', 'INBOX', '\\Inbox', 3, 2],
      ['已发送', '已发送', '\\Sent', 1, 0],
    ]);
    expect((await as('liuyang').get('/mailboxes')).body.items.map((m: MailboxView) => m.email)).toEqual(['liuyang@corp.example']);
    expect((await as('zhaoqiang').get('/mailboxes')).body.items.map((m: MailboxView) => m.email)).toEqual(['sales@corp.example']);
  });

  it('lists threads of readable live copies, newest first, with the whole conversation', async () => {
    const page = await threads('sunli');
    expect(page).toMatchObject({ totalCount: 4, page: 0, pageSize: 50 });
    expect(subjects(page)).toEqual(['华东区合同', '合同续签', 'Quarterly ORDER', '报价单']);
    const contract = page.items.find(t => t.threadId === thread)!;
    expect(contract).toMatchObject({
      subject: '合同续签',
      messageCount: 2,
      unread: 1,
      hasAttachments: true,
      latestMessageId: msg.reply,
      snippet: '收到，谢谢张总。',
      customers: [{ name: '华信科技' }],
    });
    expect(contract.participants.map(p => p.address)).toEqual(['zhangwei@customer.example', 'sunli@corp.example']);
    expect(contract.participants[0].name).toBe('张伟');
    // not threaded yet: the message is its own thread
    expect(page.items.find(t => t.subject === '报价单')).toMatchObject({ threadId: msg.quote, latestMessageId: msg.quote, messageCount: 1, unread: 1, hasAttachments: false });

    const paged = await threads('sunli', '?pageSize=2&page=1');
    expect(paged).toMatchObject({ totalCount: 4, page: 1, pageSize: 2 });
    expect(subjects(paged)).toEqual(['Quarterly ORDER', '报价单']);
  });

  it('filters by mailbox, folder and unread, in SQL', async () => {
    const mailboxes = (await as('sunli').get('/mailboxes')).body.items as MailboxView[];
    const [inbox, sent] = mailboxes[0].folders;
    expect(subjects(await threads('sunli', `?accountId=${box.sunli}`))).toEqual(['合同续签', 'Quarterly ORDER', '报价单']);
    expect(subjects(await threads('sunli', `?folderId=${inbox.id}`))).toEqual(['合同续签', 'Quarterly ORDER', '报价单']);
    const inSent = await threads('sunli', `?folderId=${sent.id}`);
    expect(subjects(inSent)).toEqual(['合同续签']);
    expect(inSent.items[0].messageCount).toBe(2);
    expect(subjects(await threads('sunli', '?unread=true'))).toEqual(['华东区合同', '合同续签', '报价单']);
    expect(subjects(await threads('sunli', `?accountId=${box.sales}&unread=true`))).toEqual(['华东区合同']);
  });

  it('searches subject, participants and body, Chinese substrings included', async () => {
    expect(subjects(await threads('sunli', `?q=${encodeURIComponent('合同')}`))).toEqual(['华东区合同', '合同续签']);
    expect(subjects(await threads('sunli', `?q=${encodeURIComponent('付款')}`))).toEqual(['合同续签', 'Quarterly ORDER']);
    expect(subjects(await threads('sunli', `?q=${encodeURIComponent('合同续签')}`))).toEqual(['合同续签']);
    expect(subjects(await threads('sunli', `?q=${encodeURIComponent('张伟')}`))).toEqual(['合同续签']);
    expect(subjects(await threads('sunli', '?q=ZHANGWEI@customer'))).toEqual(['合同续签']);
    expect(subjects(await threads('sunli', '?q=quarterly%20order'))).toEqual(['Quarterly ORDER']);
    expect(subjects(await threads('sunli', `?q=${encodeURIComponent('ＯＲＤＥＲ')}`))).toEqual(['Quarterly ORDER']);
    expect((await threads('sunli', '?q=%25')).totalCount).toBe(0);
    expect((await threads('sunli', `?q=${encodeURIComponent('合同作废')}`)).totalCount).toBe(0);
    expect(subjects(await threads('liuyang', `?q=${encodeURIComponent('合同')}`))).toEqual(['合同审批']);
    expect(subjects(await threads('wangjianguo', `?q=${encodeURIComponent('合同')}`))).toEqual(['华东区合同', '合同审批', '合同续签']);
  });

  it('answers 404 for mailboxes and folders the caller may not read, 400 for bad paging', async () => {
    const mailboxes = (await as('sunli').get('/mailboxes')).body.items as MailboxView[];
    const forbiddenAccount = await as('liuyang').get(`/threads?accountId=${box.sunli}`);
    expect(forbiddenAccount.status).toBe(404);
    expect(forbiddenAccount.body.error).toMatchObject({ key: 'accountNotFound', message: '邮箱账户不存在或无权查看' });
    expect((await as('liuyang').get(`/threads?folderId=${mailboxes[0].folders[0].id}`)).body.error.key).toBe('folderNotFound');
    const invalid = await as('sunli').get('/threads?pageSize=0&accountId=x');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['accountId', 'pageSize']);
  });

  it('shows a thread by its id or by one of its messages, with its links', async () => {
    const res = await as('sunli').get(`/threads/${thread}`);
    expect(res.status).toBe(200);
    const view = res.body as ThreadView;
    expect(view.messages.map(m => m.subject)).toEqual(['合同续签', 'Re: 合同续签']);
    expect(view.links).toEqual([expect.objectContaining({ customerName: '华信科技', source: 'contact', state: 'linked', manual: false })]);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await as('sunli').get(`/threads/${msg.contract}`)).body.threadId).toBe(thread);
    expect((await as('sunli').get(`/threads/${msg.quote}`)).body.messages.map((m: MessageView) => m.id)).toEqual([msg.quote]);
    expect((await as('liuyang').get(`/threads/${thread}`)).body.error.key).toBe('threadNotFound');
    expect((await as('sunli').get('/threads/not-a-uuid')).status).toBe(404);
    expect((await as('sunli').get(`/threads/${msg.gone}`)).status).toBe(404);
  });

  it('shows a message with its HTML sanitized and remote images blocked until the sender is allowed', async () => {
    const res = await as('sunli').get(`/messages/${msg.contract}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain('sandbox');
    const view = res.body as MessageView;
    expect(view).toMatchObject({ subject: '合同续签', threadId: thread, accountIds: [box.sunli], seen: false, senderAllowed: false, remoteImagesBlocked: 1, parseStatus: 'parsed' });
    expect(view.html).not.toMatch(/script|onclick|track\.customer/);
    expect(view.html).toContain(`<img alt="logo" src="/api/mail/messages/${msg.contract}/attachments/0" data-attachment-index="0" />`);
    expect(view.attachments.map(a => [a.index, a.filename, a.contentType, a.inline])).toEqual([
      [0, null, 'image/png', true],
      [1, '合同.pdf', 'application/pdf', false],
      [2, 'photo.png', 'image/png', false],
    ]);

    expect((await as('sunli').get(`/messages/${msg.contract}?remoteImages=show`)).body.html).toContain(TRACKER);
    const added = await as('sunli').post('/remote-images/senders', { address: 'ZhangWei@customer.example' });
    expect(added.status).toBe(201);
    expect(added.body.address).toBe('zhangwei@customer.example');
    expect((await as('sunli').get('/remote-images/senders')).body.items.map((s: { address: string }) => s.address)).toEqual(['zhangwei@customer.example']);
    const allowed = (await as('sunli').get(`/messages/${msg.contract}`)).body as MessageView;
    expect(allowed).toMatchObject({ senderAllowed: true, remoteImagesBlocked: 0 });
    expect(allowed.html).toContain(`<img src="${TRACKER}" referrerpolicy="no-referrer" />`);
    // the list is the user's own
    expect((await as('wangjianguo').get(`/messages/${msg.contract}`)).body.senderAllowed).toBe(false);
    expect((await as('sunli').del('/remote-images/senders/zhangwei%40customer.example')).status).toBe(204);
    expect((await as('sunli').get(`/messages/${msg.contract}`)).body.senderAllowed).toBe(false);
    expect((await as('sunli').post('/remote-images/senders', { address: 'not an address' })).body.error.fields[0]).toMatchObject({ path: 'address', key: 'invalidEmail' });

    expect((await as('liuyang').get(`/messages/${msg.contract}`)).body.error).toMatchObject({ key: 'messageNotFound', message: '邮件不存在或无权查看' });
    expect((await as('sunli').get(`/messages/${msg.gone}`)).status).toBe(404);
    expect((await as('sunli').get('/messages/123')).status).toBe(404);
  });

  it('serves attachments as downloads with a sniffed type and the Chinese name', async () => {
    const pdf = await download('sunli', `/messages/${msg.contract}/attachments/1`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf`);
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(pdf.body as Buffer, PDF)).toBe(0);

    // declared image/png, really HTML: served as text, never as a page or an image
    const fake = await download('sunli', `/messages/${msg.contract}/attachments/2`);
    expect(fake.headers['content-type']).toBe('text/plain');
    expect(fake.headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(fake.body as Buffer, FAKE_PNG)).toBe(0);

    const logo = await download('sunli', `/messages/${msg.contract}/attachments/0`);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['content-disposition']).toBe(`attachment; filename="attachment-1"; filename*=UTF-8''attachment-1`);

    expect((await as('sunli').get(`/messages/${msg.contract}/attachments/3`)).body.error.key).toBe('attachmentNotFound');
    expect((await as('sunli').get(`/messages/${msg.contract}/attachments/x`)).status).toBe(404);
    expect((await as('liuyang').get(`/messages/${msg.contract}/attachments/1`)).body.error.key).toBe('messageNotFound');
  });

  it('serves the raw message as it arrived', async () => {
    const res = await download('sunli', `/messages/${msg.contract}/raw`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('message/rfc822');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('合同续签.eml')}`);
    expect(Buffer.compare(res.body as Buffer, raws.contract)).toBe(0);
    expect((await as('liuyang').get(`/messages/${msg.contract}/raw`)).status).toBe(404);
  });

  it('sets flags locally at once and records them for the server', async () => {
    const res = await as('sunli').post(`/messages/${msg.quote}/flags`, { seen: true, flagged: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ flags: ['\\Flagged', '\\Seen'], seen: true, flagged: true });
    const copy = await knex('mail_copies').where({ message_id: msg.quote }).first('id', 'flags');
    expect(JSON.parse(copy.flags)).toEqual(['\\Flagged', '\\Seen']);
    const ops = async () =>
      (await knex('mail_flag_ops').where({ copy_id: copy.id }).orderBy('flag').select('flag', 'value', 'account_id', 'created_by')).map(o => ({ ...o, value: o.value === true || o.value === 1 }));
    expect(await ops()).toEqual([
      { flag: '\\Flagged', value: true, account_id: box.sunli, created_by: user('sunli') },
      { flag: '\\Seen', value: true, account_id: box.sunli, created_by: user('sunli') },
    ]);
    const inbox = ((await as('sunli').get('/mailboxes')).body.items as MailboxView[])[0].folders[0];
    expect(inbox.unread).toBe(1);
    expect((await threads('sunli', '?unread=true')).items.map(t => t.subject)).not.toContain('报价单');

    // a change of mind replaces the waiting intent; an unchanged flag with nothing waiting records nothing
    await as('sunli').post(`/messages/${msg.quote}/flags`, { seen: false });
    expect((await ops()).find(o => o.flag === '\\Seen')?.value).toBe(false);
    await as('sunli').post(`/messages/${msg.order}/flags`, { seen: true });
    expect(await knex('mail_flag_ops').whereIn('copy_id', knex('mail_copies').where({ message_id: msg.order }).select('id'))).toEqual([]);

    expect((await as('sunli').post(`/messages/${msg.quote}/flags`, {})).status).toBe(400);
    expect((await as('sunli').post(`/messages/${msg.quote}/flags`, { seen: true, accountId: box.liuyang })).body.error.key).toBe('accountNotFound');
    expect((await as('liuyang').post(`/messages/${msg.quote}/flags`, { seen: true })).body.error.key).toBe('messageNotFound');
  });

  it('finds two-character Chinese through the bigram index and longer text through pg_trgm (PostgreSQL)', async () => {
    if (!databaseId.startsWith('POSTGRES')) return;
    const plan = async (sql: string) =>
      knex.transaction(async trx => {
        // a handful of rows never make an index worth it; forbid the scan to see that the index applies
        await trx.raw('SET LOCAL enable_seqscan = off');
        const res = await trx.raw(`EXPLAIN ${sql}`);
        return (res.rows as Array<Record<string, string>>).map(r => r['QUERY PLAN']).join('\n');
      });
    expect(await plan(`SELECT id FROM mail_messages m WHERE m.search_bigrams @> ARRAY['合同']::text[] AND m.search_text LIKE '%合同%'`)).toContain('mail_messages_search_bigrams_idx');
    expect(await plan(`SELECT id FROM mail_messages m WHERE m.search_text LIKE '%合同续签%'`)).toContain('mail_messages_search_trgm_idx');
    // pg_trgm keeps CJK characters under this database's locale (they would vanish under a C locale)
    const trigrams = await knex.raw(`SELECT show_trgm('合同续签') AS t`);
    expect((trigrams.rows[0].t as string[]).length).toBeGreaterThan(0);
  });
});
