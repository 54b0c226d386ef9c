import { TestDatabaseId } from '@backstage/backend-test-utils';
import { databases, makeUscc, startCrm } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const customerBody = (overrides: object = {}) => ({
  name: '上海华信智能科技有限公司',
  shortName: '华信智能',
  unifiedSocialCreditCode: makeUscc('91310115MA1GK7Q58'),
  level: 'A',
  status: 'intent',
  industryCode: '65',
  regionCode: '310115',
  phone: '021-5888 3166',
  annualRevenue: { amount: 12_800_000_000, currency: 'CNY' },
  ...overrides,
});

describe.each(databases.eachSupportedId())('CRM API on %s', (databaseId: TestDatabaseId) => {
  let crm: Awaited<ReturnType<typeof startCrm>>;

  beforeAll(async () => {
    crm = await startCrm(databaseId);
  });

  const createCustomer = async (user: string, overrides: object = {}) => {
    const res = await crm.as(user).post('/customers', customerBody(overrides));
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
    return res.body;
  };

  it('creates a customer with contacts and a relation, finds it by a two-character substring, and scopes it', async () => {
    const customer = await createCustomer('zhouhao');
    expect(customer.number).toMatch(/^KH\d{6}$/);
    expect(customer.accountManagers).toEqual(['user:default/zhouhao']);
    expect(customer.annualRevenue).toEqual({ amount: 12_800_000_000, currency: 'CNY' });

    const a = await crm.as('zhouhao').post('/contacts', { customerId: customer.id, name: '李明', title: '总经理', emails: ['Li.Ming@HuaXin.com.cn', 'liming@qq.com'], keyDecisionMaker: true, birthday: '1980-05-01' });
    expect(a.status).toBe(201);
    expect(a.body.emails).toEqual(['li.ming@huaxin.com.cn', 'liming@qq.com']);
    expect(a.body.age).toBeGreaterThanOrEqual(45);
    const b = await crm.as('zhouhao').post('/contacts', { customerId: customer.id, name: '王芳', title: '采购经理', mobile: '13812345678' });
    expect(b.status).toBe(201);
    const rel = await crm.as('zhouhao').post('/relations', { fromContactId: a.body.id, toContactId: b.body.id, type: 'superior', strength: 'strong' });
    expect(rel.status).toBe(201);

    const found = await crm.as('zhouhao').get(`/customers?q=${encodeURIComponent('华信')}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((c: { id: string }) => c.id)).toContain(customer.id);

    // full-width digits and the phone without separators find it too
    const byPhone = await crm.as('zhouhao').get(`/customers?q=${encodeURIComponent('５８８８３１６６')}`);
    expect(byPhone.body.items.map((c: { id: string }) => c.id)).toEqual([customer.id]);
    const contactsByMail = await crm.as('zhouhao').get(`/contacts?q=${encodeURIComponent('LI.MING@')}`);
    expect(contactsByMail.body.items.map((c: { name: string }) => c.name)).toEqual(['李明']);

    // another salesperson sees nothing of it, the department leader and the GM do
    const other = await crm.as('chenjing').get(`/customers?q=${encodeURIComponent('华信')}`);
    expect(other.body.totalCount).toBe(0);
    expect((await crm.as('chenjing').get(`/customers/${customer.id}`)).status).toBe(404);
    expect((await crm.as('chenjing').get(`/contacts?customerId=${customer.id}`)).body.totalCount).toBe(0);
    expect((await crm.as('chenjing').get(`/customers/${customer.id}/graph`)).status).toBe(404);
    expect((await crm.as('zhaoqiang').get(`/customers/${customer.id}`)).status).toBe(200);
    expect((await crm.as('wangjianguo').get(`/customers?q=${encodeURIComponent('华信')}`)).body.totalCount).toBe(1);
    expect((await crm.as('outsider').get('/customers')).status).toBe(403);

    const history = await crm.as('zhouhao').get(`/customers/${customer.id}/timeline`);
    expect(history.body.items[0]).toMatchObject({ kind: 'relation.created', title: '李明 → 王芳', changes: [{ field: 'relationType', from: null, to: 'superior' }] });

    const graph = await crm.as('zhouhao').get(`/customers/${customer.id}/graph`);
    expect(graph.status).toBe(200);
    expect(graph.body.nodes.map((n: { label: string }) => n.label).sort()).toEqual(['上海华信智能科技有限公司', '李明', '王芳'].sort());
    expect(graph.body.edges).toEqual(expect.arrayContaining([expect.objectContaining({ source: a.body.id, target: b.body.id, kind: 'superior', strength: 'strong' })]));
  });

  it('answers bad input with field messages in the caller language and writes nothing', async () => {
    const before = (await crm.as('wangjianguo').get('/customers')).body.totalCount;
    const bad = await crm.as('zhouhao').post('/customers', {
      name: '',
      unifiedSocialCreditCode: '91310115MA1GK7Q580',
      level: 'E',
      phone: 'abc',
      website: 'not a url',
      remark: 'x'.repeat(2001),
      annualRevenue: { amount: 12.5, currency: 'CNY' },
      accountManagers: ['user:default/ghost'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect(bad.body.error.fields).toMatchObject({
      name: '此项必填',
      unifiedSocialCreditCode: expect.stringContaining('统一社会信用代码'),
      level: '取值无效',
      phone: expect.stringContaining('电话格式不正确'),
      website: '网址格式不正确',
      remark: '不能超过 2000 个字符',
      'annualRevenue.amount': expect.stringContaining('金额'),
    });
    const en = await crm.as('zhouhao', 'en-US,en;q=0.9').post('/customers', { unifiedSocialCreditCode: 'x' });
    expect(en.body.error.fields).toMatchObject({ name: 'This field is required', unifiedSocialCreditCode: expect.stringContaining('unified social credit code') });

    const ghost = await crm.as('zhouhao').post('/customers', customerBody({ name: '幽灵客户', unifiedSocialCreditCode: null, accountManagers: ['user:default/ghost'] }));
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.fields['accountManagers.0']).toContain('user:default/ghost');

    const badJson = await crm.as('zhouhao').post('/contacts', { customerId: 'not-a-uuid', name: '张三', emails: ['ok@example.com', 'broken@'] });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.fields['emails.1']).toBe('邮箱格式不正确');

    expect((await crm.as('wangjianguo').get('/customers')).body.totalCount).toBe(before);
  });

  it('refuses duplicates by name (full-width and spaces folded) and by credit code, naming the existing record', async () => {
    const first = await createCustomer('zhouhao', { name: '深圳远航 物流有限公司', unifiedSocialCreditCode: makeUscc('91440300708461136') });
    const byName = await crm.as('chenjing').post('/customers', customerBody({ name: '深圳远航物流有限公司', unifiedSocialCreditCode: null }));
    expect(byName.status).toBe(409);
    expect(byName.body.error.existing).toEqual({ type: 'customer', id: first.id, number: first.number, name: '深圳远航 物流有限公司' });
    expect(byName.body.error.message).toContain(first.number);
    const byCode = await crm.as('zhouhao').post('/customers', customerBody({ name: '另一家公司', unifiedSocialCreditCode: first.unifiedSocialCreditCode }));
    expect(byCode.status).toBe(409);
    expect(byCode.body.error.fields.unifiedSocialCreditCode).toContain('深圳远航 物流有限公司');
  });

  it('locks optimistically, soft-deletes, restores and records every change on the timeline', async () => {
    const c = await createCustomer('wufang', { name: '杭州恒通机械有限公司', unifiedSocialCreditCode: null });
    const upd = await crm.as('wufang').patch(`/customers/${c.id}`, { version: c.version, level: 'B', remark: '<script>alert(1)</script>' });
    expect(upd.status).toBe(200);
    expect(upd.body.version).toBe(c.version + 1);
    expect(upd.body.remark).toBe('<script>alert(1)</script>');
    const stale = await crm.as('wufang').patch(`/customers/${c.id}`, { version: c.version, level: 'C' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('该记录已被他人修改，请刷新后重试');
    expect((await crm.as('chenjing').patch(`/customers/${c.id}`, { version: upd.body.version, level: 'C' })).status).toBe(404);

    expect((await crm.as('wufang').delete(`/customers/${c.id}?version=${upd.body.version}`)).status).toBe(204);
    expect((await crm.as('wufang').get(`/customers/${c.id}`)).status).toBe(404);
    const bin = await crm.as('wufang').get('/customers?deleted=true');
    expect(bin.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    const restored = await crm.as('wufang').post(`/customers/${c.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.deletedAt).toBeNull();

    const timeline = await crm.as('wufang').get(`/customers/${c.id}/timeline?limit=2`);
    expect(timeline.body.items.map((e: { kind: string }) => e.kind)).toEqual(['customer.restored', 'customer.deleted']);
    const rest = await crm.as('wufang').get(`/customers/${c.id}/timeline?limit=10&before=${encodeURIComponent(timeline.body.nextBefore)}`);
    expect(rest.body.items.map((e: { kind: string }) => e.kind)).toEqual(['customer.updated', 'customer.created']);
    expect(rest.body.items[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'level', from: 'A', to: 'B' },
        { field: 'remark', from: null, to: '<script>alert(1)</script>' },
      ]),
    );
    expect(rest.body.nextBefore).toBeNull();
  });

  it('keeps parents, groups and visits inside the caller scope', async () => {
    const mine = await createCustomer('zhouhao', { name: '苏州华信智能装备有限公司', unifiedSocialCreditCode: null });
    const theirs = await createCustomer('chenjing', { name: '北京东方中科集团有限公司', unifiedSocialCreditCode: null });
    const hidden = await crm.as('zhouhao').patch(`/customers/${mine.id}`, { version: mine.version, parentId: theirs.id });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.fields.parentId).toBe('上级单位不存在或无权查看');

    const child = await createCustomer('zhouhao', { name: '苏州华信一分公司', unifiedSocialCreditCode: null, parentId: mine.id });
    expect(child.parentName).toBe('苏州华信智能装备有限公司');
    const cycle = await crm.as('zhouhao').patch(`/customers/${mine.id}`, { version: mine.version, parentId: child.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.fields.parentId).toBe('上级单位不能是本客户或其下级单位');
    const graph = await crm.as('zhouhao').get(`/customers/${mine.id}/graph`);
    expect(graph.body.edges).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'parent', source: mine.id, target: child.id })]));
    expect((await crm.as('zhouhao').delete(`/customers/${mine.id}?version=${mine.version}`)).status).toBe(409);

    const foreignContact = await crm.as('zhouhao').post('/contacts', { customerId: theirs.id, name: '赵六' });
    expect(foreignContact.status).toBe(400);
    expect(foreignContact.body.error.fields.customerId).toBe('客户不存在或无权查看');

    const theirContact = await crm.as('chenjing').post('/contacts', { customerId: theirs.id, name: '钱七' });
    const wrongContact = await crm.as('zhouhao').post('/visits', { customerId: mine.id, visitedAt: '2026-11-20T02:00:00.000Z', content: '介绍新产品', contactIds: [theirContact.body.id] });
    expect(wrongContact.status).toBe(400);
    expect(wrongContact.body.error.fields['contactIds.0']).toBe('联系人不属于该客户');

    const visit = await crm.as('zhouhao').post('/visits', { customerId: mine.id, visitedAt: '2026-11-20T02:00:00.000Z', content: '介绍新产品，客户关注交付周期', companions: ['user:default/sunli'], nextPlan: '下周发报价' });
    expect(visit.status).toBe(201);
    expect(visit.body.visitorRef).toBe('user:default/zhouhao');
    expect((await crm.as('chenjing').get(`/visits?customerId=${mine.id}`)).body.totalCount).toBe(0);
    const timeline = await crm.as('zhouhao').get(`/customers/${mine.id}/timeline`);
    const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('visit');
    // the visit shows once, at its visit time, not also as a record creation
    expect(kinds).not.toContain('visit.created');
  });

  it('numbers concurrent creations uniquely', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => crm.as('wangjianguo').post('/customers', customerBody({ name: `并发测试客户${i}`, unifiedSocialCreditCode: null }))),
    );
    const numbers = results.map(r => r.body.number);
    expect(results.every(r => r.status === 201)).toBe(true);
    expect(new Set(numbers).size).toBe(8);
  });

  if (databaseId.startsWith('POSTGRES')) {
    it('indexes two-character Chinese substrings on PostgreSQL', async () => {
      const plan = await crm.knex.transaction(async tx => {
        await tx.raw('SET LOCAL enable_seqscan = off');
        const res = await tx.raw(
          "EXPLAIN SELECT id FROM crm_customers WHERE search_bigrams @> ARRAY['华信']::text[] AND search_text LIKE '%华信%'",
        );
        return res.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('crm_customers_search_idx');
      const grams = await crm.knex.raw("SELECT crm_bigrams('华信科技') AS g");
      expect(grams.rows[0].g.sort()).toEqual(['信科', '华信', '科技'].sort());
    });
  }
});

describe('test databases', () => {
  it('include PostgreSQL whenever CI demands it', () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    const required = process.env.CRM_REQUIRE_POSTGRES ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];
    expect(ids).toEqual(expect.arrayContaining(required));
  });
});
