import ExcelJS from 'exceljs';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { databases, makeUscc, startCrm } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const REVENUE = 98_765_432_100;
const PHONE_DIGITS = '64127788';
const MOBILE = '13987654321';

/** A response body as an .xlsx buffer (supertest buffers binary bodies with this parser). */
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

describe.each(databases.eachSupportedId())('field rules and work handover on %s', (databaseId: TestDatabaseId) => {
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let customerId: string;

  /** Setup steps must succeed; hooks may not use expect, so they throw. */
  const must = <T extends { status: number; body: unknown }>(res: T, status: number): T => {
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  };

  beforeAll(async () => {
    crm = await startCrm(databaseId);
    const created = must(await crm.as('zhouhao').post('/customers', {
      name: '杭州西湖隐字段测试有限公司',
      unifiedSocialCreditCode: makeUscc('91330106MA2H3K4L5'),
      phone: `0571-${PHONE_DIGITS}`,
      annualRevenue: { amount: REVENUE, currency: 'CNY' },
      level: 'B',
    }), 201);
    customerId = created.body.id;
    must(await crm.as('zhouhao').post('/contacts', { customerId, name: '周隐', mobile: MOBILE }), 201);
    must(await crm.as('zhouhao').patch(`/customers/${customerId}`, { version: created.body.version, annualRevenue: { amount: REVENUE + 1, currency: 'CNY' }, remark: '年度复核' }), 200);
  });

  const leaks = (body: unknown) => {
    const text = JSON.stringify(body);
    return [String(REVENUE), String(REVENUE + 1), PHONE_DIGITS, MOBILE].filter(v => text.includes(v));
  };

  it('the owner sees every field', async () => {
    const res = await crm.as('zhouhao').get(`/customers/${customerId}`);
    expect(res.body.annualRevenue).toEqual({ amount: REVENUE + 1, currency: 'CNY' });
    expect(leaks(res.body)).toEqual(expect.arrayContaining([String(REVENUE + 1), PHONE_DIGITS]));
  });

  it('hides fields on every read path: list, detail, search, timeline, graph, contacts, audit, export', async () => {
    const kefu = crm.as('kefu');
    const list = await kefu.get('/customers');
    expect(list.status).toBe(200);
    const row = list.body.items.find((c: { id: string }) => c.id === customerId);
    expect(row).toBeDefined();
    expect(row).not.toHaveProperty('annualRevenue');
    expect(row).not.toHaveProperty('phone');
    expect(row.level).toBe('B');
    expect(leaks(list.body)).toEqual([]);

    const detail = await kefu.get(`/customers/${customerId}`);
    expect(detail.status).toBe(200);
    expect(Object.keys(detail.body)).not.toContain('expectedPurchase');
    expect(leaks(detail.body)).toEqual([]);

    // searching by a hidden value must not confirm it; visible fields still match
    expect((await kefu.get(`/customers?q=${PHONE_DIGITS}`)).body.totalCount).toBe(0);
    expect((await kefu.get(`/customers?q=${encodeURIComponent('西湖隐字段')}`)).body.totalCount).toBe(1);
    expect((await crm.as('zhouhao').get(`/customers?q=${PHONE_DIGITS}`)).body.totalCount).toBe(1);
    expect((await kefu.get(`/contacts?q=${MOBILE}`)).body.totalCount).toBe(0);
    expect((await crm.as('zhouhao').get(`/contacts?q=${MOBILE}`)).body.totalCount).toBe(1);

    // ordering by a hidden field would leak it through the order
    const sorted = await kefu.get('/customers?sort=annualRevenue');
    expect(sorted.status).toBe(403);
    expect(sorted.body.error.fields).toHaveProperty('annualRevenue');

    const timeline = await kefu.get(`/customers/${customerId}/timeline`);
    expect(timeline.status).toBe(200);
    expect(leaks(timeline.body)).toEqual([]);
    const update = timeline.body.items.find((e: { kind: string }) => e.kind === 'customer.updated');
    expect(update.changes.map((c: { field: string }) => c.field)).toEqual(['remark']);
    expect(leaks((await crm.as('zhouhao').get(`/customers/${customerId}/timeline`)).body)).toContain(String(REVENUE + 1));

    const graph = await kefu.get(`/customers/${customerId}/graph`);
    expect(graph.status).toBe(200);
    expect(leaks(graph.body)).toEqual([]);

    const contacts = await kefu.get(`/contacts?customerId=${customerId}`);
    expect(contacts.body.items[0]).not.toHaveProperty('mobile');
    expect(leaks(contacts.body)).toEqual([]);

    const audit = await kefu.get(`/audit?recordId=${customerId}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expect(leaks(audit.body)).toEqual([]);

    const exported = await kefu.get('/customers/export').buffer(true).parse(binary as never);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toContain('spreadsheetml');
    const rows = await sheetText(exported.body as Buffer);
    expect(rows[0]).toContain('客户名称');
    expect(rows[0]).not.toContain('年营业额');
    expect(rows[0]).not.toContain('电话');
    expect(rows.some(r => r.includes('杭州西湖隐字段测试有限公司'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('987654321');
    const ownerExport = await crm.as('zhouhao').get('/customers/export').buffer(true).parse(binary as never);
    expect((await sheetText(ownerExport.body as Buffer))[0]).toContain('年营业额');

    const view = await kefu.get('/access');
    expect(view.body.fields.customer.hidden).toEqual(expect.arrayContaining(['annualRevenue', 'phone']));
    expect(view.body.can.customer.read).toBe(true);
  });

  it('refuses writing a hidden field and leaves the record as it was', async () => {
    const before = await crm.as('zhouhao').get(`/customers/${customerId}`);
    const res = await crm.as('kefu').patch(`/customers/${customerId}`, { version: before.body.version, annualRevenue: { amount: 1, currency: 'CNY' } });
    expect(res.status).toBe(403);
    expect(res.body.error.fields.annualRevenue).toBe('无权修改此字段');
    const after = await crm.as('zhouhao').get(`/customers/${customerId}`);
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.annualRevenue.amount).toBe(REVENUE + 1);
  });

  it('lets only the access plugin hand records over, and reverts a handover exactly', async () => {
    const items = `/handover/items?kind=employee&from=${encodeURIComponent('user:default/zhouhao')}`;
    expect((await crm.as('zhouhao').get(items)).status).toBe(403);
    expect((await crm.as('service:plugin:catalog').get(items)).status).toBe(403);
    const list = await crm.as('service:plugin:access').get(items);
    expect(list.status).toBe(200);
    const mine = list.body.find((i: { id: string }) => i.id === customerId);
    expect(mine).toMatchObject({ type: 'crm.customer', title: expect.stringContaining('杭州西湖隐字段测试有限公司') });
    expect(mine.note['zh-CN']).toContain('1 个联系人');

    const handoverId = randomUUID();
    const plan = {
      handoverId,
      kind: 'employee',
      from: 'user:default/zhouhao',
      items: [{ type: 'crm.customer', id: customerId, receiver: 'user:default/wufang' }],
      receiverDepartments: { 'user:default/wufang': 'group:default/sales-1' },
      actor: 'user:default/wangjianguo',
    };
    const done = await crm.as('service:plugin:access').post('/handover/execute', plan);
    expect(done.status).toBe(200);
    expect(done.body.counts).toEqual({ 'crm.customer': 1 });
    const moved = await crm.as('wangjianguo').get(`/customers/${customerId}`);
    expect(moved.body.accountManagers).toEqual(['user:default/wufang']);
    expect(moved.body.ownerDepartment).toBe('group:default/sales-1');
    expect((await crm.as('zhouhao').get(`/customers/${customerId}`)).status).toBe(404);
    expect((await crm.as('wufang').get(`/customers/${customerId}`)).status).toBe(200);
    const history = await crm.as('wangjianguo').get(`/audit?recordId=${customerId}&action=handedOver`);
    expect(history.body.items).toHaveLength(1);

    // a second execution of the same move no longer finds the item with the giver: all-or-nothing 409
    const again = await crm.as('service:plugin:access').post('/handover/execute', { ...plan, handoverId: randomUUID() });
    expect(again.status).toBe(409);

    expect((await crm.as('service:plugin:access').post('/handover/revert', { handoverId, actor: 'user:default/wangjianguo' })).status).toBe(204);
    const back = await crm.as('wangjianguo').get(`/customers/${customerId}`);
    expect(back.body.accountManagers).toEqual(['user:default/zhouhao']);
    // the test org gives zhouhao no department, so the customer had no 归属部门 before the move
    expect(back.body.ownerDepartment).toBeNull();
    expect(back.body.version).toBe(moved.body.version + 1);
  });

  it("moves a dissolved department's customers to the receiving department", async () => {
    const access = crm.as('service:plugin:access');
    const made = must(await crm.as('wangjianguo').post('/customers', { name: '部门移交测试有限公司', ownerDepartment: 'group:default/old-dept' }), 201);
    expect(made.body.ownerDepartment).toBe('group:default/old-dept');
    const items = await access.get(`/handover/items?kind=department&from=${encodeURIComponent('group:default/old-dept')}`);
    expect(items.body.map((i: { id: string }) => i.id)).toEqual([made.body.id]);
    const plan = {
      handoverId: randomUUID(),
      kind: 'department',
      from: 'group:default/old-dept',
      items: [{ type: 'crm.customer', id: made.body.id, receiver: 'group:default/new-dept' }],
      receiverDepartments: { 'group:default/new-dept': 'group:default/new-dept' },
      actor: 'user:default/wangjianguo',
    };
    expect((await access.post('/handover/execute', plan)).status).toBe(200);
    const after = await crm.as('wangjianguo').get(`/customers/${made.body.id}`);
    expect(after.body).toMatchObject({ ownerDepartment: 'group:default/new-dept', accountManagers: made.body.accountManagers });
    expect((await access.get(`/handover/items?kind=department&from=${encodeURIComponent('group:default/old-dept')}`)).body).toEqual([]);
  });
});
