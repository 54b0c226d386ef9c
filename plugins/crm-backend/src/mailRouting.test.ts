import ExcelJS from 'exceljs';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { HIDDEN_FIELDS, databases, startCrm } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

// 客服专员 in these tests does not see the customers' mail domains either
HIDDEN_FIELDS['user:default/kefu']['crm-customer'].push('mailDomains');

const binary = (res: NodeJS.ReadableStream & { setEncoding(e: string): void }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function sheetText(buffer: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow(r => rows.push((r.values as unknown[]).slice(1).map(v => String(v ?? ''))));
  return rows;
}

const MAIL = 'service:plugin:mail';
const byAddress = (a: { address: string }, b: { address: string }) => a.address.localeCompare(b.address);

describe.each(databases.eachSupportedId())('mail domains and mail routing on %s', (databaseId: TestDatabaseId) => {
  let crm: Awaited<ReturnType<typeof startCrm>>;

  beforeAll(async () => {
    crm = await startCrm(databaseId);
  });

  afterAll(async () => {
    await crm?.stop();
  });

  const created = async (user: string, body: object) => {
    const res = await crm.as(user).post('/customers', body);
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
    return res.body;
  };

  it('stores 邮箱域名 normalised, refuses free-mail and malformed ones, and gives each domain to one customer', async () => {
    const a = await created('zhouhao', { name: '华信域名测试有限公司', mailDomains: [' HuaXin-Group.COM.cn ', '＠huaxin.cn', 'huaxin.cn'] });
    expect(a.mailDomains).toEqual(['huaxin-group.com.cn', 'huaxin.cn']);
    expect((await crm.as('zhouhao').get(`/customers/${a.id}`)).body.mailDomains).toEqual(['huaxin-group.com.cn', 'huaxin.cn']);

    const free = await crm.as('zhouhao').post('/customers', { name: '公共邮箱测试公司', mailDomains: ['QQ.com', 'bad domain'] });
    expect(free.status).toBe(400);
    expect(free.body.error.fields).toEqual({
      'mailDomains.0': 'qq.com 是公共邮箱域名，不能用于识别客户',
      'mailDomains.1': '邮箱域名格式不正确（例如 huaxin-group.com.cn）',
    });
    const freeEn = await crm.as('zhouhao', 'en').post('/customers', { name: '公共邮箱测试公司', mailDomains: ['163.com'] });
    expect(freeEn.body.error.fields['mailDomains.0']).toBe('163.com is a public mail provider and cannot identify a customer');

    // another salesperson, who cannot see the holder, still learns who has it: otherwise mail would go to two customers
    const taken = await crm.as('chenjing').post('/customers', { name: '重复域名测试公司', mailDomains: ['HUAXIN.cn'] });
    expect(taken.status).toBe(409);
    expect(taken.body.error.fields.mailDomains).toBe(`邮箱域名 huaxin.cn 已属于客户“华信域名测试有限公司”（${a.number}）`);
    expect(taken.body.error.existing).toMatchObject({ type: 'customer', id: a.id });
    expect((await crm.as('wangjianguo').get(`/customers?q=${encodeURIComponent('重复域名测试')}`)).body.totalCount).toBe(0);

    const updated = await crm.as('zhouhao').patch(`/customers/${a.id}`, { version: a.version, mailDomains: ['huaxin-group.com.cn'] });
    expect(updated.status).toBe(200);
    expect(updated.body.mailDomains).toEqual(['huaxin-group.com.cn']);
    const timeline = await crm.as('zhouhao').get(`/customers/${a.id}/timeline`);
    expect(timeline.body.items[0]).toMatchObject({
      kind: 'customer.updated',
      changes: [{ field: 'mailDomains', from: ['huaxin-group.com.cn', 'huaxin.cn'], to: ['huaxin-group.com.cn'] }],
    });
    // the freed domain can be registered by someone else now
    const b = await created('chenjing', { name: '重复域名测试公司', mailDomains: ['huaxin.cn'] });
    const stolen = await crm.as('chenjing').patch(`/customers/${b.id}`, { version: b.version, mailDomains: ['huaxin.cn', 'huaxin-group.com.cn'] });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.existing.id).toBe(a.id);

    // the recycle bin frees a customer's domains; restoring claims them back, unless someone took them
    expect((await crm.as('zhouhao').delete(`/customers/${a.id}?version=${updated.body.version}`)).status).toBe(204);
    const c = await created('wangjianguo', { name: '接手域名测试公司', mailDomains: ['huaxin-group.com.cn'] });
    const blocked = await crm.as('zhouhao').post(`/customers/${a.id}/restore`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.fields.mailDomains).toContain('接手域名测试公司');
    expect((await crm.as('wangjianguo').delete(`/customers/${c.id}?version=${c.version}`)).status).toBe(204);
    const restored = await crm.as('zhouhao').post(`/customers/${a.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.mailDomains).toEqual(['huaxin-group.com.cn']);
    const match = await crm.as(MAIL).post('/mail-routing/match', { addresses: ['x@huaxin-group.com.cn'] });
    expect(match.body.domains).toEqual([{ domain: 'huaxin-group.com.cn', customerId: a.id }]);
  });

  it('pages the timeline from a cursor that is another source\'s entry (mail) or names no entry', async () => {
    const a = await created('zhouhao', { name: '游标测试有限公司' });
    const later = new Date(Date.now() + 60_000).toISOString();
    for (const before of [`${later}|mail:0b6f3c1e`, later]) {
      const res = await crm.as('zhouhao').get(`/customers/${a.id}/timeline?before=${encodeURIComponent(before)}`);
      expect({ before, status: res.status }).toEqual({ before, status: 200 });
      expect(res.body.items.map((e: { kind: string }) => e.kind)).toEqual(['customer.created']);
    }
  });

  it('answers the mail plugin whose addresses and domains these are, without deleted records or free-mail domains', async () => {
    const x = await created('zhouhao', { name: '星河路由测试有限公司', mailDomains: ['xinghe-test.com'] });
    const y = await created('wufang', { name: '伙伴路由测试有限公司' });
    const p1 = await crm.as('zhouhao').post('/contacts', { customerId: x.id, name: '王磊', emails: ['Wang.Lei@XingHe-Test.com', 'wanglei-test@qq.com'] });
    const p2 = await crm.as('wufang').post('/contacts', { customerId: y.id, name: '李娜', emails: ['li.na@partner-test.cn'] });
    expect([p1.status, p2.status]).toEqual([201, 201]);
    const addresses = ['WANG.LEI@xinghe-test.com', 'someone@XINGHE-TEST.com', 'wanglei-test@qq.com', 'stranger@qq.com', 'li.na@partner-test.cn', 'nobody@nowhere-test.org', 'not-an-address'];
    const ask = async () => {
      const res = await crm.as(MAIL).post('/mail-routing/match', { addresses });
      expect(res.status).toBe(200);
      return { contacts: [...res.body.contacts].sort(byAddress), domains: res.body.domains };
    };

    expect(await ask()).toEqual({
      contacts: [
        { address: 'li.na@partner-test.cn', contactId: p2.body.id, customerId: y.id },
        { address: 'wang.lei@xinghe-test.com', contactId: p1.body.id, customerId: x.id },
        { address: 'wanglei-test@qq.com', contactId: p1.body.id, customerId: x.id },
      ],
      // qq.com is a contact's own address above, never a customer's domain
      domains: [{ domain: 'xinghe-test.com', customerId: x.id }],
    });

    // names for the mail plugin's links, including what is in the recycle bin
    const names = await crm.as(MAIL).post('/mail-routing/customers', { ids: [x.id, y.id, randomUUID(), 'junk'] });
    expect(names.status).toBe(200);
    expect([...names.body.items].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual(
      [
        { id: x.id, name: '星河路由测试有限公司', deleted: false },
        { id: y.id, name: '伙伴路由测试有限公司', deleted: false },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    const people = await crm.as(MAIL).post('/mail-routing/contacts', { ids: [p1.body.id, p2.body.id] });
    expect([...people.body.items].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual(
      [
        { id: p1.body.id, name: '王磊', customerId: x.id, deleted: false },
        { id: p2.body.id, name: '李娜', customerId: y.id, deleted: false },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );

    // a reply to a mail sent from a contract routes to the contract's customer
    const k = await crm.as('zhouhao').post('/contracts', { name: '路由测试合同', customerId: x.id, amount: { amount: 100_000, currency: 'CNY' } });
    expect(k.status).toBe(201);
    expect((await crm.as(MAIL).post('/mail-routing/contracts', { ids: [k.body.id, randomUUID()] })).body).toEqual({
      items: [{ id: k.body.id, customerId: x.id, deleted: false }],
    });

    // a contact in the recycle bin, and every contact of a customer there, stop matching
    expect((await crm.as('zhouhao').delete(`/contacts/${p1.body.id}?version=${p1.body.version}`)).status).toBe(204);
    const yNow = (await crm.as('wufang').get(`/customers/${y.id}`)).body;
    expect((await crm.as('wufang').delete(`/customers/${y.id}?version=${yNow.version}`)).status).toBe(204);
    expect(await ask()).toEqual({ contacts: [], domains: [{ domain: 'xinghe-test.com', customerId: x.id }] });
    const deletedNames = await crm.as(MAIL).post('/mail-routing/customers', { ids: [y.id] });
    expect(deletedNames.body.items).toEqual([{ id: y.id, name: '伙伴路由测试有限公司', deleted: true }]);
    expect((await crm.as(MAIL).post('/mail-routing/contacts', { ids: [p2.body.id] })).body.items).toEqual([{ id: p2.body.id, name: '李娜', customerId: y.id, deleted: true }]);

    expect((await crm.as('zhouhao').post(`/contacts/${p1.body.id}/restore`)).status).toBe(200);
    expect((await crm.as('wufang').post(`/customers/${y.id}/restore`)).status).toBe(200);
    expect((await ask()).contacts).toHaveLength(3);

    // 工作移交 moves the managers, not the contacts: routing is unchanged
    const plan = {
      handoverId: randomUUID(),
      kind: 'employee',
      from: 'user:default/zhouhao',
      items: [{ type: 'crm.customer', id: x.id, receiver: 'user:default/chenjing' }],
      receiverDepartments: { 'user:default/chenjing': null },
      actor: 'user:default/wangjianguo',
    };
    expect((await crm.as('service:plugin:access').post('/handover/execute', plan)).status).toBe(200);
    expect((await crm.as('chenjing').get(`/customers/${x.id}`)).status).toBe(200);
    expect((await ask()).domains).toEqual([{ domain: 'xinghe-test.com', customerId: x.id }]);
    expect((await ask()).contacts.filter(c => c.customerId === x.id)).toHaveLength(2);

    const xNow = (await crm.as('wangjianguo').get(`/customers/${x.id}`)).body;
    expect((await crm.as('chenjing').delete(`/customers/${x.id}?version=${xNow.version}`)).status).toBe(204);
    expect(await ask()).toEqual({ contacts: [{ address: 'li.na@partner-test.cn', contactId: p2.body.id, customerId: y.id }], domains: [] });
  });

  it('answers only backend plugins, and refuses oversized questions', async () => {
    for (const path of ['/mail-routing/match', '/mail-routing/customers', '/mail-routing/contacts', '/mail-routing/contracts']) {
      const res = await crm.as('wangjianguo').post(path, { addresses: ['a@b.com'], ids: [] });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.error.message).toBe('没有执行此操作的权限');
    }
    const many = await crm.as(MAIL).post('/mail-routing/match', { addresses: Array.from({ length: 501 }, (_, i) => `u${i}@example.com`) });
    expect(many.status).toBe(400);
    expect(many.body.error.fields.addresses).toBe('最多 500 项');
    expect((await crm.as(MAIL).post('/mail-routing/customers', {})).status).toBe(400);
    const empty = await crm.as(MAIL).post('/mail-routing/match', { addresses: [] });
    expect(empty.body).toEqual({ contacts: [], domains: [] });
  });

  it('hides 邮箱域名 from who may not see them: detail, writes and export', async () => {
    const mine = await created('zhouhao', { name: '隐藏域名测试有限公司', mailDomains: ['hidden-domain-test.com'] });
    const kefu = crm.as('kefu');
    const detail = await kefu.get(`/customers/${mine.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).not.toHaveProperty('mailDomains');
    const write = await kefu.patch(`/customers/${mine.id}`, { version: mine.version, mailDomains: [] });
    expect(write.status).toBe(403);
    expect(write.body.error.fields.mailDomains).toBe('无权修改此字段');

    const hiddenExport = await kefu.get(`/customers/export?q=${encodeURIComponent('隐藏域名测试')}`).buffer(true).parse(binary as never);
    expect((await sheetText(hiddenExport.body as Buffer))[0]).not.toContain('邮箱域名');
    const ownerExport = await crm.as('zhouhao').get(`/customers/export?q=${encodeURIComponent('隐藏域名测试')}`).buffer(true).parse(binary as never);
    const rows = await sheetText(ownerExport.body as Buffer);
    const column = rows[0].indexOf('邮箱域名');
    expect(column).toBeGreaterThan(0);
    expect(rows[1][column]).toBe('hidden-domain-test.com');
  });
});

describe.each(databases.eachSupportedId())('the mail domains migration on %s', (databaseId: TestDatabaseId) => {
  it('folds contact addresses written around the API to lower case, keeping one of each', async () => {
    const knex = await databases.init(databaseId);
    const directory = resolvePackagePath('@cocrm/plugin-crm-backend', 'migrations');
    const [, pending] = (await knex.migrate.list({ directory })) as [unknown, Array<{ file: string }>];
    const before = pending.map(m => m.file).filter(f => f < '20261202000000');
    for (let i = 0; i < before.length; i++) await knex.migrate.up({ directory });

    const now = new Date();
    const meta = { version: 1, created_by: 'x', created_at: now, updated_by: 'x', updated_at: now };
    const customerId = randomUUID();
    const contactId = randomUUID();
    await knex('crm_customers').insert({ id: customerId, number: 'KH999999', name: '迁移测试', name_key: '迁移测试', type: 'enterprise', status: 'potential', search_text: '', ...meta });
    await knex('crm_contacts').insert({ id: contactId, customer_id: customerId, name: '张三', gender: 'unknown', search_text: '', ...meta });
    await knex('crm_contact_emails').insert([
      { contact_id: contactId, position: 0, email: 'Zhang.San@Example.COM' },
      { contact_id: contactId, position: 1, email: 'zhang.san@example.com' },
      { contact_id: contactId, position: 2, email: 'ZS@Example.com' },
    ]);

    await knex.migrate.latest({ directory });
    const rows = await knex('crm_contact_emails').where('contact_id', contactId).orderBy('position').select('position', 'email');
    expect(rows).toEqual([
      { position: 1, email: 'zhang.san@example.com' },
      { position: 2, email: 'zs@example.com' },
    ]);
    expect((await knex('crm_customers').where('id', customerId).first('mail_domains')).mail_domains).toBe('[]');
  });
});
