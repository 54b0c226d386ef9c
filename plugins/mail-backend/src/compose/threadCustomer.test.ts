import { randomUUID } from 'crypto';
import express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { TestDatabaseId, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Draft } from '@cocrm/plugin-mail-common';
import { mailErrorHandler } from '../errors';
import { composeRoutes } from '../routes/composeRoutes';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { FakeCrm } from '../routing/__testUtils__/fakeCrm';
import { routingPolicy } from '../routing/__testUtils__/policy';
import { addAccount, deliver, routingBed } from '../routing/__testUtils__/routingBed';
import { installCompose } from '.';

jest.setTimeout(60_000);

/**
 * A reply or forward names the customer its source thread is linked to, so
 * the answer to it routes back to that customer — only when the thread has
 * exactly one linked customer and the writer may see it.
 */
describe.each(databases.eachSupportedId())('the customer of a reply on %s', (databaseId: TestDatabaseId) => {
  const huaxin = randomUUID();
  const dongfang = randomUUID();
  const secret = randomUUID();
  const SUNLI = user('sunli');
  let knex: Knex;
  let app: express.Express;
  let accountId: string;
  let routing: ReturnType<typeof routingBed>['routing'];
  const source: Record<string, string> = {};

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    const crm = new FakeCrm()
      .customer(huaxin, '华信科技')
      .contact(randomUUID(), huaxin, '李明', ['li.ming@huaxin.example'])
      .customer(dongfang, '东方电子')
      .contact(randomUUID(), dongfang, '陈静', ['chen.jing@dongfang.example'])
      .customer(secret, '保密客户')
      .contact(randomUUID(), secret, '郑秘', ['zheng@secret.example']);
    // 孙丽 sees 华信科技 and 东方电子, not 保密客户
    const permissions = routingPolicy({ customers: { [SUNLI]: [huaxin, dongfang] } });
    const bed = routingBed(knex, crm, permissions);
    routing = bed.routing;
    installCompose(bed.mail);
    app = express();
    app.use(express.json());
    app.use(composeRoutes({ mail: bed.mail, httpAuth: mockServices.httpAuth() }));
    app.use(mailErrorHandler);
    accountId = await addAccount(knex, { owner: SUNLI, email: 'sunli@corp.example' });
    const to = ['sunli@corp.example'];
    source.one = await deliver(bed.mail, accountId, { id: 'one@huaxin.example', from: 'li.ming@huaxin.example', to });
    source.two = await deliver(bed.mail, accountId, { id: 'two@huaxin.example', from: 'li.ming@huaxin.example', to, cc: ['chen.jing@dongfang.example'] });
    source.none = await deliver(bed.mail, accountId, { id: 'none@stranger.example', from: 'someone@stranger.example', to });
    source.hidden = await deliver(bed.mail, accountId, { id: 'hidden@secret.example', from: 'zheng@secret.example', to });
    source.unlinked = await deliver(bed.mail, accountId, { id: 'unlinked@huaxin.example', from: 'li.ming@huaxin.example', to, cc: ['chen.jing@dongfang.example'] });
    const thread = await knex('mail_messages').where({ id: source.unlinked }).first('thread_id');
    await routing.links.unlink(mockCredentials.user(SUNLI), thread.thread_id, dongfang);
  });

  const as = mockCredentials.user.header(SUNLI);
  const create = (body: object) => request(app).post('/drafts').set('authorization', as).set('accept-language', 'zh-CN').send({ accountId, ...body });

  it('takes the one linked customer of the source thread for a reply, reply-all and forward', async () => {
    const links = await knex('mail_links').join('mail_messages as m', 'm.thread_id', 'mail_links.thread_id').where('m.id', source.one).select('customer_id', 'state');
    expect(links).toEqual([{ customer_id: huaxin, state: 'linked' }]);
    for (const mode of ['reply', 'replyAll', 'forward']) {
      const res = await create({ mode, sourceMessageId: source.one });
      expect(res.status).toBe(201);
      expect((res.body as Draft).customerId).toBe(huaxin);
    }
  });

  it('names nobody when the thread has two linked customers or none', async () => {
    expect((await create({ mode: 'reply', sourceMessageId: source.two })).body.customerId).toBeNull();
    expect((await create({ mode: 'forward', sourceMessageId: source.none })).body.customerId).toBeNull();
  });

  it('counts only linked customers: one of two unlinked by hand leaves the other', async () => {
    expect((await create({ mode: 'reply', sourceMessageId: source.unlinked })).body.customerId).toBe(huaxin);
  });

  it('never names a customer the writer may not see', async () => {
    const links = await knex('mail_links').join('mail_messages as m', 'm.thread_id', 'mail_links.thread_id').where('m.id', source.hidden).select('customer_id');
    expect(links).toEqual([{ customer_id: secret }]);
    expect((await create({ mode: 'reply', sourceMessageId: source.hidden })).body.customerId).toBeNull();
  });

  it('keeps what the writer gave: another customer, or explicitly none', async () => {
    expect((await create({ mode: 'reply', sourceMessageId: source.one, customerId: dongfang })).body.customerId).toBe(dongfang);
    expect((await create({ mode: 'reply', sourceMessageId: source.one, customerId: null })).body.customerId).toBeNull();
    expect((await create({ mode: 'new' })).body.customerId).toBeNull();
  });

  it('sets, clears and refuses a hidden customer on a saved draft', async () => {
    const draft: Draft = (await create({ mode: 'reply', sourceMessageId: source.one })).body;
    const put = (body: object) => request(app).put(`/drafts/${draft.id}`).set('authorization', as).set('accept-language', 'zh-CN').send(body);
    const cleared = await put({ version: draft.version, customerId: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.customerId).toBeNull();
    expect((await request(app).get(`/drafts/${draft.id}`).set('authorization', as)).body.customerId).toBeNull();
    const other = await put({ version: cleared.body.version, customerId: dongfang });
    expect(other.body.customerId).toBe(dongfang);
    const hidden = await put({ version: other.body.version, customerId: secret });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.fields).toEqual([{ path: 'customerId', key: 'customerNotFound', message: '客户不存在或无权查看' }]);
    // leaving customerId out keeps it
    const subject = await put({ version: other.body.version, subject: '新主题' });
    expect(subject.body).toMatchObject({ subject: '新主题', customerId: dongfang });
  });
});
