import { randomUUID } from 'crypto';
import express from 'express';
import Router from 'express-promise-router';
import type { Knex } from 'knex';
import request from 'supertest';
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { RoutedMailEntry } from '@cocrm/plugin-mail-common';
import { mailPlugin } from '../plugin';
import { TEST_KEY, databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { mailOrgEntities, user } from '../__testUtils__/org';
import { FakeCrm } from '../routing/__testUtils__/fakeCrm';
import { routingPolicy } from '../routing/__testUtils__/policy';
import { addAccount, deliver, INTERNAL_DOMAIN, routingBed } from '../routing/__testUtils__/routingBed';

jest.setTimeout(60_000);

/** The CRM's routing API as a plugin of the test backend: only the mail plugin's service token gets an answer. */
function fakeCrmPlugin(crm: FakeCrm, seen: string[]) {
  return createBackendPlugin({
    pluginId: 'crm',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.use(express.json());
          const answer = (fn: (body: { addresses?: string[]; ids?: string[] }) => Promise<unknown>) => async (req: express.Request, res: express.Response) => {
            const credentials = await httpAuth.credentials(req, { allow: ['service'] });
            seen.push(credentials.principal.subject);
            res.json(await fn(req.body));
          };
          router.post('/mail-routing/match', answer(b => crm.match(b.addresses ?? [])));
          router.post('/mail-routing/customers', answer(async b => ({ items: await crm.customers(b.ids ?? []) })));
          router.post('/mail-routing/contacts', answer(async b => ({ items: await crm.contacts(b.ids ?? []) })));
          httpRouter.use(router);
        },
      });
    },
  });
}

describe.each(databases.eachSupportedId())('routed mail API on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let agent: ReturnType<typeof request>;
  const crm = new FakeCrm();
  const crmCallers: string[] = [];
  const huaxin = randomUUID();
  const dongfang = randomUUID();
  const yunfan = randomUUID();
  const liMing = randomUUID();
  const ids: Record<string, string> = {};
  const threads: Record<string, string> = {};

  // who may see which customer in the CRM; 王建国 (admin) reads every mailbox
  const policy = routingPolicy({
    customers: {
      [user('sunli')]: [huaxin, yunfan],
      [user('zhouhao')]: [huaxin],
      [user('zhaoqiang')]: [huaxin],
      [user('liuyang')]: [dongfang],
      [user('wangjianguo')]: 'all',
    },
    admins: [user('wangjianguo')],
  });

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    crm.customer(huaxin, '华信科技', ['huaxin.example']).contact(liMing, huaxin, '李明', ['li.ming@huaxin.example']);
    crm.customer(dongfang, '东方电子', ['dongfang.example']);
    crm.customer(yunfan, '云帆贸易');
    const { server } = await startTestBackend({
      features: [
        mailPlugin,
        fakeCrmPlugin(crm, crmCallers),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: { mail: { encryptionKey: TEST_KEY, internalDomains: [INTERNAL_DOMAIN] } } }),
        catalogServiceMock.factory({ entities: mailOrgEntities() }),
        policy.factory,
      ],
    });
    agent = request(server);

    // three mailboxes, one per sharing setting, each with a mail of 李明 (华信科技)
    const { mail } = routingBed(knex, crm, policy);
    const boxes = {
      everything: await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example', sharing: 'everything' }),
      subject: await addAccount(knex, { owner: user('zhouhao'), email: 'zhouhao@corp.example', sharing: 'subject' }),
      nothing: await addAccount(knex, { owner: user('zhaoqiang'), email: 'zhaoqiang@corp.example', sharing: 'nothing' }),
    };
    for (const [sharing, box] of Object.entries(boxes)) {
      ids[sharing] = await deliver(mail, box, {
        id: `${sharing}.${randomUUID()}@huaxin.example`,
        from: '李明 <li.ming@huaxin.example>',
        to: ['colleague@corp.example'],
        subject: `询价（${sharing}）`,
        body: `正文：${sharing} 邮箱里的询价单`,
      });
    }
    // 东方电子's mail sits in 孙丽's mailbox, which shares everything
    ids.dongfang = await deliver(mail, boxes.everything, { id: `df.${randomUUID()}@dongfang.example`, from: 'chen@dongfang.example', to: ['sunli@corp.example'], body: '东方电子的来信' });
    for (const [k, id] of Object.entries(ids)) threads[k] = (await knex('mail_messages').where({ id }).first('thread_id')).thread_id;
  });

  afterAll(async () => {
    await knex.destroy();
  });

  const as = (name: string, locale = 'zh-CN') => {
    const auth = mockCredentials.user.header(user(name));
    const go = (r: request.Test) => r.set('Authorization', auth).set('Accept-Language', locale);
    return {
      get: (url: string) => go(agent.get(`/api/mail${url}`)),
      post: (url: string, body: object = {}) => go(agent.post(`/api/mail${url}`)).send(body),
      del: (url: string) => go(agent.delete(`/api/mail${url}`)),
    };
  };

  const timeline = async (name: string, customerId: string) => {
    const res = await as(name).get(`/routed/customers/${customerId}?limit=100`);
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.items as RoutedMailEntry[]).map(e => [Object.keys(ids).find(k => ids[k] === e.id)!, e]));
  };

  it('shows routed mail by customer permission × mailbox sharing × mailbox reader', async () => {
    // 孙丽 reads the 'everything' mailbox; the others share subject only or nothing
    const sunli = await timeline('sunli', huaxin);
    expect(Object.keys(sunli).sort()).toEqual(['everything', 'subject']);
    expect(sunli.everything).toMatchObject({ visibility: 'full', snippet: '正文：everything 邮箱里的询价单', mailboxOwner: user('sunli'), direction: 'in', customerId: huaxin, contactIds: [liMing] });
    expect(sunli.subject).toMatchObject({ visibility: 'subject', subject: '询价（subject）', snippet: null, mailboxOwner: user('zhouhao') });
    expect(sunli.everything.from).toEqual({ name: '李明', address: 'li.ming@huaxin.example' });

    // 周浩 reads his own 'subject' mailbox in full
    const zhouhao = await timeline('zhouhao', huaxin);
    expect(Object.keys(zhouhao).sort()).toEqual(['everything', 'subject']);
    expect(zhouhao.subject).toMatchObject({ visibility: 'full', snippet: '正文：subject 邮箱里的询价单' });

    // 赵强 reads his own 'nothing' mailbox; nobody else sees it
    const zhaoqiang = await timeline('zhaoqiang', huaxin);
    expect(Object.keys(zhaoqiang).sort()).toEqual(['everything', 'nothing', 'subject']);
    expect(zhaoqiang.nothing).toMatchObject({ visibility: 'full' });
    expect(zhaoqiang.subject).toMatchObject({ visibility: 'subject', snippet: null });

    // 刘洋 may not see 华信科技: nothing at all, not even from shared mailboxes
    expect(await timeline('liuyang', huaxin)).toEqual({});
    // …but he may see 东方电子, whose mail sits in a mailbox that shares everything
    expect(await timeline('liuyang', dongfang)).toEqual({ dongfang: expect.objectContaining({ visibility: 'full', snippet: '东方电子的来信' }) });
    // 孙丽 reads that mailbox but may not see 东方电子: the customer gate holds for readers too
    expect(await timeline('sunli', dongfang)).toEqual({});

    // the administrator reads every mailbox
    const admin = await timeline('wangjianguo', huaxin);
    expect(Object.values(admin).map(e => e.visibility)).toEqual(['full', 'full', 'full']);
  });

  it('pages the timeline by `before` and a contact’s mail by page', async () => {
    const first = await as('wangjianguo').get(`/routed/customers/${huaxin}?limit=2`);
    expect(first.body.items).toHaveLength(2);
    const next = await as('wangjianguo').get(`/routed/customers/${huaxin}?limit=2&before=${first.body.items[1].id}`);
    expect(next.body.items).toHaveLength(1);
    const all = [...first.body.items, ...next.body.items].map((e: RoutedMailEntry) => e.id);
    expect(new Set(all)).toEqual(new Set([ids.everything, ids.subject, ids.nothing]));
    const byTime = await as('wangjianguo').get(`/routed/customers/${huaxin}?before=${encodeURIComponent(first.body.items[0].at)}`);
    expect(byTime.body.items.map((e: RoutedMailEntry) => e.id)).toEqual(all.slice(1));

    const contact = await as('zhouhao').get(`/routed/contacts/${liMing}?page=0&pageSize=1`);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ totalCount: 2, page: 0, pageSize: 1 });
    const rest = await as('zhouhao').get(`/routed/contacts/${liMing}?page=1&pageSize=1`);
    expect([contact.body.items[0].id, rest.body.items[0].id].sort()).toEqual([ids.everything, ids.subject].sort());
    expect((await as('liuyang').get(`/routed/contacts/${liMing}`)).body).toMatchObject({ items: [], totalCount: 0 });

    const bad = await as('zhouhao', 'en').get(`/routed/customers/${huaxin}?limit=0&before=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['before', 'limit']);
  });

  it('links and unlinks threads by hand for readers who may see the customer; re-matching keeps it', async () => {
    const thread = threads.everything;
    const listed = await as('sunli').get(`/threads/${thread}/links`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ customerId: huaxin, customerName: '华信科技', contactIds: [liMing], source: 'contact', state: 'linked', manual: false, by: null }),
    ]);
    // the CRM was asked with the mail plugin's own service identity
    expect(crmCallers.length).toBeGreaterThan(0);
    expect(new Set(crmCallers)).toEqual(new Set(['plugin:mail']));

    // 周浩 may see the customer but does not read 孙丽's mailbox
    const foreign = await as('zhouhao').get(`/threads/${thread}/links`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ key: 'threadNotFound', message: '邮件会话不存在或无权查看' });
    // 孙丽 may not see 东方电子
    const hidden = await as('sunli').post(`/threads/${thread}/links`, { customerId: dongfang });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.key).toBe('customerNotFound');
    expect((await as('sunli').post(`/threads/${thread}/links`, { customerId: 'nope' })).status).toBe(400);

    const linked = await as('sunli').post(`/threads/${thread}/links`, { customerId: yunfan });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ customerId: yunfan, customerName: '云帆贸易', source: 'manual', state: 'linked', manual: true, by: user('sunli') });
    expect((await as('sunli').del(`/threads/${thread}/links/${huaxin}`)).status).toBe(204);
    expect(Object.keys(await timeline('sunli', huaxin))).toEqual(['subject']);
    expect(Object.keys(await timeline('sunli', yunfan))).toEqual(['everything']);

    expect((await as('sunli').post('/routing/rematch')).status).toBe(403);
    const rematch = await as('wangjianguo').post('/routing/rematch');
    expect(rematch.status).toBe(202);
    expect(rematch.body.queued).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < 100; i++) {
      const left = await knex('mail_messages').whereNot('route_status', 'routed').count('* as n').first();
      if (Number(left!.n) === 0) break;
      await new Promise(r => setTimeout(r, 100));
    }
    const after = await as('sunli').get(`/threads/${thread}/links`);
    const byCustomer = Object.fromEntries(after.body.items.map((l: { customerId: string }) => [l.customerId, l]));
    expect(byCustomer[huaxin]).toMatchObject({ state: 'unlinked', manual: true, source: 'manual', by: user('sunli') });
    expect(byCustomer[yunfan]).toMatchObject({ state: 'linked', manual: true });
    // the other threads were matched again through the CRM's HTTP API and kept their links
    expect(Object.keys(await timeline('zhaoqiang', huaxin)).sort()).toEqual(['nothing', 'subject']);
  });

  it('lists lead suggestions of readable mailboxes only', async () => {
    const res = await as('sunli').get('/lead-suggestions?page=0&pageSize=10');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], totalCount: 0, page: 0, pageSize: 10 });
  });
});
