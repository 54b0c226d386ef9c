import type { Knex } from 'knex';
import request from 'supertest';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import type { KnowledgeItem, KnowledgeItemSummary } from '@cocrm/plugin-mail-common';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { addAccount } from '../routing/__testUtils__/routingBed';
import { deliver, mime, webmailBed } from '../webmail/__testUtils__/webmailBed';

jest.setTimeout(120_000);

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 0x41), Buffer.from('\n%%EOF\n')]);

describe.each(databases.eachSupportedId())('转为知识 API on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let agent: ReturnType<typeof request>;
  const msg: Record<string, string> = {};

  const as = (name: string, locale = 'zh-CN') => {
    const auth = mockCredentials.user.header(user(name));
    return {
      get: (url: string) => agent.get(`/api/mail${url}`).set('Authorization', auth).set('Accept-Language', locale),
      post: (url: string, body: object = {}) => agent.post(`/api/mail${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body),
      del: (url: string) => agent.delete(`/api/mail${url}`).set('Authorization', auth),
    };
  };

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    const { mail, app } = webmailBed(knex);
    agent = request(app);
    const sunli = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
    msg.contract = await deliver(
      mail,
      sunli,
      mime({
        id: 'k-contract@customer.example',
        from: '张伟 <zhangwei@customer.example>',
        to: 'sunli@corp.example',
        subject: '合同续签',
        text: '请查收新版合同。',
        html: '<p>请查收新版<b>合同</b>。</p><img src="https://track.example/p.gif"><script>alert(1)</script>',
        attachments: [{ filename: '合同.pdf', contentType: 'application/pdf', content: PDF }],
      }),
    );
    msg.untitled = await deliver(mail, sunli, Buffer.from('From: a@customer.example\r\nTo: sunli@corp.example\r\nMessage-ID: <k-none@customer.example>\r\n\r\n无主题的邮件\r\n'));
    msg.failed = await deliver(mail, sunli, mime({ id: 'k-failed@customer.example', from: 'a@customer.example', to: 'sunli@corp.example', subject: '坏邮件', text: 'x' }));
    await knex('mail_messages').where({ id: msg.failed }).update({ parse_status: 'failed', parse_error: 'broken' });
  });

  it('saves a readable mail with its attachments and shows it sanitized to its owner only', async () => {
    const created = await as('sunli').post(`/messages/${msg.contract}/knowledge`, { note: '续签要点：付款条款' });
    expect(created.status).toBe(201);
    const item = created.body as KnowledgeItem;
    expect(item).toMatchObject({
      title: '合同续签',
      note: '续签要点：付款条款',
      messageId: msg.contract,
      subject: '合同续签',
      from: [{ name: '张伟', address: 'zhangwei@customer.example' }],
      text: '请查收新版合同。',
      remoteImagesBlocked: 1,
      createdBy: user('sunli'),
    });
    expect(item.html).not.toMatch(/script|track\.example/);
    expect(item.attachments).toEqual([{ index: 0, filename: '合同.pdf', contentType: 'application/pdf', size: PDF.length, url: `/api/mail/knowledge/${item.id}/attachments/0` }]);

    const got = await as('sunli').get(`/knowledge/${item.id}`);
    expect(got.status).toBe(200);
    expect(got.headers['content-security-policy']).toContain('sandbox');
    expect(got.body.title).toBe('合同续签');
    expect((await as('liuyang').get(`/knowledge/${item.id}`)).body.error).toMatchObject({ key: 'knowledgeNotFound', message: '知识条目不存在或无权查看' });
    expect((await as('liuyang').post(`/messages/${msg.contract}/knowledge`)).body.error.key).toBe('messageNotFound');
  });

  it('names untitled mail in the caller’s language and refuses mail that did not parse', async () => {
    expect((await as('sunli').post(`/messages/${msg.untitled}/knowledge`)).body.title).toBe('（无主题）');
    expect((await as('sunli', 'en').post(`/messages/${msg.untitled}/knowledge`, { title: '  ' })).status).toBe(400);
    expect((await as('sunli', 'en').post(`/messages/${msg.untitled}/knowledge`)).body.title).toBe('(no subject)');
    const refused = await as('sunli').post(`/messages/${msg.failed}/knowledge`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.key).toBe('messageNotParsed');
    expect((await as('sunli').post(`/messages/${msg.contract}/knowledge`, { title: 'x'.repeat(301) })).body.error.fields[0]).toMatchObject({ path: 'title', key: 'tooLong' });
  });

  it('lists one’s own items, newest first, paged and searchable', async () => {
    await as('sunli').post(`/messages/${msg.contract}/knowledge`, { title: '张伟的合同（第二份）' });
    const all = await as('sunli').get('/knowledge');
    expect(all.status).toBe(200);
    expect(all.body.totalCount).toBe(4);
    expect((all.body.items as KnowledgeItemSummary[])[0].title).toBe('张伟的合同（第二份）');
    const paged = await as('sunli').get('/knowledge?pageSize=1&page=1');
    expect(paged.body).toMatchObject({ totalCount: 4, page: 1, pageSize: 1 });
    expect(paged.body.items).toHaveLength(1);
    expect((await as('sunli').get(`/knowledge?q=${encodeURIComponent('付款')}`)).body.items.map((i: KnowledgeItemSummary) => i.title)).toEqual(['合同续签']);
    expect((await as('sunli').get(`/knowledge?q=${encodeURIComponent('张伟')}`)).body.totalCount).toBe(2);
    expect((await as('liuyang').get('/knowledge')).body.totalCount).toBe(0);
  });

  it('keeps the attachments downloadable after the mail left the mailbox, and deletes items', async () => {
    const item = (await as('sunli').post(`/messages/${msg.contract}/knowledge`)).body as KnowledgeItem;
    await knex('mail_copies').where({ message_id: msg.contract }).update({ deleted_at: new Date() });
    const res = await as('sunli')
      .get(`/knowledge/${item.id}/attachments/0`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('合同.pdf')}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(res.body as Buffer, PDF)).toBe(0);
    expect((await as('sunli').get(`/knowledge/${item.id}/attachments/1`)).body.error.key).toBe('attachmentNotFound');
    expect((await as('liuyang').get(`/knowledge/${item.id}/attachments/0`)).status).toBe(404);
    // the mail itself is gone from the webmail
    expect((await as('sunli').get(`/messages/${msg.contract}`)).status).toBe(404);

    expect((await as('liuyang').del(`/knowledge/${item.id}`)).status).toBe(404);
    expect((await as('sunli').del(`/knowledge/${item.id}`)).status).toBe(204);
    expect((await as('sunli').get(`/knowledge/${item.id}`)).status).toBe(404);
  });
});
