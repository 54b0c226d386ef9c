import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import { CompiledPermission, scopeDecision } from '@cocrm/plugin-access-common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { workflowPlugin } from './plugin';
import { approval, contract, databases, flow, group, orgEntities, user, users } from './__testUtils__/workflowTestBed';

jest.setTimeout(90_000);

/**
 * The policy as the suite's access model would compile it: 王建国 (admin) may
 * do everything; 赵强 (销售部 manager) reads approvals of 销售部 and below,
 * 周浩 those of 华东销售组, the salespeople 孙丽 and 吴芳 their own; nobody
 * else reads others' approvals or the reports.
 */
const READ_SCOPES: Record<string, CompiledPermission> = {
  zhaoqiang: { all: false, owners: [user('zhaoqiang')], departments: [group('sales'), group('sales-east')] },
  zhouhao: { all: false, owners: [user('zhouhao')], departments: [group('sales-east')] },
  sunli: { all: false, owners: [user('sunli')], departments: [] },
  wufang: { all: false, owners: [user('wufang')], departments: [] },
};

function decide(ref: string | undefined, permission: string): PolicyDecision {
  if (ref === user('wangjianguo')) return { result: AuthorizeResult.ALLOW };
  const scope = READ_SCOPES[ref?.replace('user:default/', '') ?? ''];
  if (permission === 'workflow.instance.read' && scope) return scopeDecision('workflow', 'workflow-instance', scope);
  return { result: AuthorizeResult.DENY };
}

type Item = { task: { id: string; version: number; status: string; onBehalfOf: string | null; pendingAt: string | null }; instance: { id: string; title: string; status: string } };

describe.each(databases.eachSupportedId())('审批列表 on %s', (databaseId: TestDatabaseId) => {
  let agent: ReturnType<typeof request>;
  let knex: Knex;
  let flowId: string;
  /** instances by letter */
  const ids: Record<string, string> = {};

  const as = (name: string, locale = 'zh-CN') => {
    const auth = mockCredentials.user.header(user(name));
    return {
      get: (url: string) => agent.get(`/api/workflow${url}`).set('Authorization', auth).set('Accept-Language', locale),
      post: (url: string, body: object = {}) => agent.post(`/api/workflow${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body),
    };
  };
  const titles = (body: { items: Array<{ title?: string; instance?: { title: string } }> }) =>
    body.items.map(i => i.title ?? i.instance!.title).sort();
  const inboxOf = async (name: string): Promise<Item[]> => (await as(name).get('/inbox?pageSize=200')).body.items;
  const taskOf = async (name: string, letter: string) => (await inboxOf(name)).find(i => i.instance.id === ids[letter])!.task;
  const submit = async (letter: string, applicant: string, amount: number) => {
    const res = await as(applicant).post('/instances', contract({ applicant: user(applicant), title: `合同 ${letter}`, id: `HT-${letter}-${randomUUID()}`, amount }));
    if (res.status !== 201) throw new Error(`submitting ${letter}: ${res.status} ${JSON.stringify(res.body)}`);
    ids[letter] = res.body.id;
  };

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef;
    const permissions = mockServices.permissions.mock({
      authorize: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
      authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
    });
    const { server } = await startTestBackend({
      features: [workflowPlugin, mockServices.database.factory({ knex }), catalogServiceMock.factory({ entities: orgEntities() }), permissions.factory],
    });
    agent = request(server);

    const created = await as('wangjianguo').post('/flows', flow([approval('leader', [{ kind: 'departmentLeader' }]), approval('gm', users('wangjianguo'))]));
    flowId = created.body.id;
    // 赵强 is away: his new tasks go to 李娜
    const day = 24 * 3600_000;
    const away = await as('zhaoqiang').post('/delegations', {
      delegate: user('lina'),
      startsAt: new Date(Date.now() - day).toISOString(),
      endsAt: new Date(Date.now() + day).toISOString(),
    });
    if (created.status !== 201 || away.status !== 201) throw new Error(`setup failed: ${created.status} ${away.status}`);
    await submit('A', 'sunli', 2_000_000_00); // 华东销售组 → 周浩
    await submit('B', 'wufang', 3_000_000_00); // 华东销售组 → 周浩
    await submit('C', 'liuyang', 500_000_00); // 财务部 → 陈静
    await submit('D', 'zhouhao', 100_000_00); // 周浩 leads 华东销售组 → 销售部 赵强, delegated to 李娜
  });

  it('待办: what a list page needs, filters, sorting, delegated tasks, and the counts', async () => {
    const inbox = await as('zhouhao').get('/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.body).toMatchObject({ totalCount: 2, page: 0, pageSize: 50 });
    // oldest first by default
    expect(inbox.body.items.map((i: Item) => i.instance.id)).toEqual([ids.A, ids.B]);
    expect(inbox.body.items[0]).toMatchObject({
      nodeName: 'leader',
      task: { status: 'pending', version: 1, onBehalfOf: null, dueAt: null, assignee: user('zhouhao') },
      instance: { id: ids.A, title: '合同 A', documentType: 'crm.contract', amount: 2_000_000_00, applicant: user('sunli'), status: 'running' },
    });
    expect(Date.parse(inbox.body.items[0].task.pendingAt)).toBeGreaterThan(0);

    const q = (query: string) => as('zhouhao').get(`/inbox?${query}`);
    expect(titles((await q(`q=${encodeURIComponent('合同 b')}`)).body)).toEqual(['合同 B']);
    const docId = (await as('wufang').get(`/instances/${ids.B}`)).body.instance.documentId;
    expect(titles((await q(`q=${encodeURIComponent(docId)}`)).body)).toEqual(['合同 B']);
    expect((await q('documentType=crm.quote')).body.totalCount).toBe(0);
    expect((await q('status=approved,rejected')).body.totalCount).toBe(0);
    expect((await q('status=running')).body.totalCount).toBe(2);
    const hour = 3600_000;
    expect((await q(`from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}`)).body.totalCount).toBe(2);
    expect((await q(`from=${new Date(Date.now() + hour).toISOString()}`)).body.totalCount).toBe(0);
    expect((await q('sort=amount&order=desc')).body.items.map((i: Item) => i.instance.id)).toEqual([ids.B, ids.A]);
    const paged = (await q('pageSize=1&page=1')).body;
    expect([paged.totalCount, paged.items.map((i: Item) => i.instance.id)]).toEqual([2, [ids.B]]);

    // held for a delegator: in the delegate's list and in the delegator's, with whom it is for
    const delegated = await taskOf('lina', 'D');
    expect(delegated).toMatchObject({ onBehalfOf: user('zhaoqiang') });
    expect((await taskOf('zhaoqiang', 'D')).id).toBe(delegated.id);

    expect((await as('zhouhao').get('/counts')).body).toEqual({ todo: 2, ccUnread: 0 });
    expect((await as('zhaoqiang').get('/counts')).body).toEqual({ todo: 1, ccUnread: 0 });
    expect((await as('lina').get('/counts')).body).toEqual({ todo: 1, ccUnread: 0 });
    expect((await as('zhangwei').get('/counts')).body).toEqual({ todo: 0, ccUnread: 0 });
  });

  it('marks when the assignee first opened the approval (reports), and only then', async () => {
    const viewedAt = async () => (await knex('workflow_tasks').where({ instance_id: ids.A, status: 'pending' }).first('viewed_at')).viewed_at;
    expect((await as('sunli').get(`/instances/${ids.A}`)).status).toBe(200);
    expect(await viewedAt()).toBeNull();
    expect((await as('zhouhao').get(`/instances/${ids.A}`)).status).toBe(200);
    const first = await viewedAt();
    expect(first).not.toBeNull();
    await as('zhouhao').get(`/instances/${ids.A}`);
    expect(await viewedAt()).toEqual(first);
  });

  it('已办: one row per instance with the caller’s latest decision and the instance’s current status', async () => {
    const a = await taskOf('zhouhao', 'A');
    expect((await as('zhouhao').post(`/tasks/${a.id}/approve`, { version: a.version, comment: '同意' })).status).toBe(204);
    // B: returned to the applicant, resubmitted, approved: two decisions of 周浩, one row
    const b = await taskOf('zhouhao', 'B');
    expect((await as('zhouhao').post(`/tasks/${b.id}/return`, { version: b.version, to: 'initiator', comment: '请补充' })).status).toBe(204);
    let done = (await as('zhouhao').get('/tasks/done')).body;
    expect(done.items.map((i: Item) => [i.instance.title, i.task.status, i.instance.status])).toEqual([
      ['合同 B', 'returned', 'returned'],
      ['合同 A', 'approved', 'running'],
    ]);
    expect((await as('wufang').post(`/instances/${ids.B}/resubmit`, {})).status).toBe(200);
    const b2 = await taskOf('zhouhao', 'B');
    expect((await as('zhouhao').post(`/tasks/${b2.id}/approve`, { version: b2.version })).status).toBe(204);
    const gmA = await taskOf('wangjianguo', 'A');
    expect((await as('wangjianguo').post(`/tasks/${gmA.id}/approve`, { version: gmA.version })).status).toBe(204);

    done = (await as('zhouhao').get('/tasks/done')).body;
    expect(done.totalCount).toBe(2);
    expect(done.items.map((i: Item) => [i.instance.title, i.task.status, i.instance.status])).toEqual([
      ['合同 B', 'approved', 'running'],
      ['合同 A', 'approved', 'approved'],
    ]);
    expect((await as('zhouhao').get('/tasks/done?sort=createdAt&order=asc')).body.items.map((i: Item) => i.instance.title)).toEqual(['合同 A', '合同 B']);
    expect((await as('zhouhao').get('/tasks/done?status=approved')).body.items.map((i: Item) => i.instance.title)).toEqual(['合同 A']);

    // a delegate's decision is in the delegate's and in the delegator's 已办
    const d = await taskOf('lina', 'D');
    expect((await as('lina').post(`/tasks/${d.id}/approve`, { version: d.version, comment: '代赵强审批' })).status).toBe(204);
    expect(titles((await as('lina').get('/tasks/done')).body)).toEqual(['合同 D']);
    expect(titles((await as('zhaoqiang').get('/tasks/done')).body)).toEqual(['合同 D']);
    expect((await as('zhouhao').get('/counts')).body.todo).toBe(0);
  });

  it('我发起的: the applicant’s own, with the nodes and people waited for', async () => {
    const mine = (await as('wufang').get('/instances/mine')).body;
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ id: ids.B, title: '合同 B', status: 'running', currentNodeNames: ['gm'], pendingApprovers: [user('wangjianguo')] });
    expect((await as('sunli').get('/instances/mine')).body.items).toMatchObject([{ id: ids.A, status: 'approved', currentNodeNames: [], pendingApprovers: [] }]);
    expect((await as('zhangwei').get('/instances/mine')).body).toEqual({ items: [], totalCount: 0, page: 0, pageSize: 50 });
  });

  it('审批查询: all for the admin, the subtree for a manager, their own for a salesperson, participants always theirs — in SQL, and the same for one instance', async () => {
    const all = async (name: string) => titles((await as(name).get('/instances?pageSize=200')).body);
    expect(await all('wangjianguo')).toEqual(['合同 A', '合同 B', '合同 C', '合同 D']);
    expect(await all('zhaoqiang')).toEqual(['合同 A', '合同 B', '合同 D']);
    expect(await all('zhouhao')).toEqual(['合同 A', '合同 B', '合同 D']);
    expect(await all('sunli')).toEqual(['合同 A']);
    expect(await all('wufang')).toEqual(['合同 B']);
    // no read permission at all: what they take part in
    expect(await all('chenjing')).toEqual(['合同 C']);
    expect(await all('lina')).toEqual(['合同 D']);
    expect(await all('zhangwei')).toEqual([]);
    expect((await as('zhaoqiang').get('/instances?status=running&sort=amount&order=desc')).body.items.map((i: { title: string }) => i.title)).toEqual([
      '合同 B',
      '合同 D',
    ]);

    // one instance: the same scope, the same SQL
    expect((await as('zhaoqiang').get(`/instances/${ids.A}`)).status).toBe(200);
    expect((await as('zhaoqiang').get(`/instances/${ids.C}`)).status).toBe(404);
    const hidden = await as('sunli').get(`/instances/${ids.B}`);
    expect([hidden.status, hidden.body.error.message]).toEqual([404, '审批单不存在或无权查看']);
  });

  it('抄送我的: read and unread, marked by copy or by instance', async () => {
    expect((await as('sunli').post(`/instances/${ids.A}/cc`, { users: [user('lina'), user('wufang')] })).status).toBe(204);
    const cc = (await as('lina').get('/cc')).body;
    expect(cc.items).toMatchObject([{ instance: { id: ids.A, title: '合同 A', status: 'approved' }, by: user('sunli'), nodeId: null, readAt: null }]);
    expect((await as('lina').get('/counts')).body).toEqual({ todo: 0, ccUnread: 1 });

    const notMine = await as('zhangwei').post(`/cc/${cc.items[0].id}/read`);
    expect([notMine.status, notMine.body.error.message]).toEqual([404, '抄送记录不存在']);
    expect((await as('lina').post(`/cc/${randomUUID()}/read`)).status).toBe(404);
    expect((await as('lina').post('/cc/not-an-id/read')).status).toBe(404);

    expect((await as('lina').post(`/cc/${cc.items[0].id}/read`)).status).toBe(204);
    expect((await as('lina').get('/counts')).body.ccUnread).toBe(0);
    expect((await as('lina').get('/cc?read=unread')).body.totalCount).toBe(0);
    expect(Date.parse((await as('lina').get('/cc?read=read')).body.items[0].readAt)).toBeGreaterThan(0);
    // again: still fine
    expect((await as('lina').post(`/cc/${cc.items[0].id}/read`)).status).toBe(204);

    expect((await as('wufang').get('/counts')).body.ccUnread).toBe(1);
    expect((await as('wufang').post(`/cc/${ids.A}/read`)).status).toBe(204);
    expect((await as('wufang').get('/counts')).body.ccUnread).toBe(0);
  });

  it('批量同意: each item on its own, with its own outcome in the caller’s language', async () => {
    for (const [letter, who] of [['E', 'wufang'], ['F', 'wufang'], ['G', 'wufang'], ['H', 'sunli']] as const) await submit(letter, who, 100_000);
    const [e, f, g, h] = [await taskOf('zhouhao', 'E'), await taskOf('zhouhao', 'F'), await taskOf('zhouhao', 'G'), await taskOf('zhouhao', 'H')];
    expect((await as('wufang').post(`/instances/${ids.G}/withdraw`)).status).toBe(204);
    const chenjings = await taskOf('chenjing', 'C');
    const res = await as('zhouhao').post('/tasks/batch-approve', {
      comment: '批量同意',
      items: [
        { taskId: e.id, version: e.version },
        { taskId: f.id, version: f.version + 1 },
        { taskId: g.id, version: g.version },
        { taskId: chenjings.id, version: chenjings.version },
        { taskId: e.id, version: e.version },
        { taskId: randomUUID(), version: 1 },
        { taskId: h.id, version: h.version },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { taskId: e.id, ok: true, status: 204 },
      { taskId: f.id, ok: false, status: 409, message: '该任务已发生变化，请刷新后重试' },
      { taskId: g.id, ok: false, status: 410, message: '该任务已失效：审批单已撤销' },
      { taskId: chenjings.id, ok: false, status: 403, message: '这不是您的审批任务' },
      { taskId: e.id, ok: false, status: 409, message: '该任务已处理（已同意），不能再次操作' },
      { taskId: expect.any(String), ok: false, status: 404, message: '审批任务不存在' },
      { taskId: h.id, ok: true, status: 204 },
    ]);
    const timeline = (await as('wufang').get(`/instances/${ids.E}`)).body.timeline;
    expect(timeline.find((x: { action: string }) => x.action === 'approve')).toMatchObject({ actor: user('zhouhao'), comment: '批量同意' });
    expect(titles((await as('zhouhao').get('/inbox')).body)).toEqual(['合同 F']);

    const en = await as('zhouhao', 'en').post('/tasks/batch-approve', { items: [{ taskId: e.id, version: e.version }] });
    expect(en.body.results[0].message).toBe('This task was already handled (approved)');
    const tooMany = await as('zhouhao').post('/tasks/batch-approve', { items: Array.from({ length: 101 }, () => ({ taskId: f.id, version: f.version })) });
    expect([tooMany.status, tooMany.body.error.fields]).toEqual([400, { items: '一次最多批量处理 100 条' }]);
    const empty = await as('zhouhao').post('/tasks/batch-approve', {});
    expect([empty.status, empty.body.error.fields]).toEqual([400, { items: '此项必填' }]);
  });

  it('bad paging and filters: a 400 naming the field, in the caller’s language', async () => {
    const bad = await as('zhouhao').get('/inbox?pageSize=0&page=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ name: 'InputError', message: '提交的数据有误，请检查标红的字段', fields: { pageSize: '取值无效', page: '取值无效' } });
    const cases: Array<[string, Record<string, string>]> = [
      ['/tasks/done?pageSize=201', { pageSize: '取值无效' }],
      ['/instances/mine?sort=bogus', { sort: '取值无效' }],
      ['/instances?status=open', { status: '取值无效' }],
      ['/cc?read=maybe', { read: '取值无效' }],
      ['/inbox?from=yesterday&to=2026-13-45', { from: '取值无效', to: '取值无效' }],
      [`/inbox?q=${encodeURIComponent('长'.repeat(101))}`, { q: '不能超过 100 个字符' }],
    ];
    for (const [url, fields] of cases) {
      const r = await as('zhouhao').get(url);
      expect([url, r.status, r.body.error.fields]).toEqual([url, 400, fields]);
    }
    const en = await as('zhouhao', 'en').get('/inbox?pageSize=abc');
    expect([en.status, en.body.error.message, en.body.error.fields]).toEqual([400, 'Some fields are invalid', { pageSize: 'Invalid value' }]);
  });

  it('reports need workflow.report.read; the export is a workbook; flow versions count their instances', async () => {
    const denied = await as('zhouhao').get('/reports');
    expect([denied.status, denied.body.error.message]).toEqual([403, '没有执行此操作的权限']);
    expect((await as('zhouhao').get('/reports/export')).status).toBe(403);
    const report = await as('wangjianguo').get('/reports?groupBy=approver');
    expect(report.status).toBe(200);
    const zhouhao = report.body.items.find((r: { approver: string }) => r.approver === user('zhouhao'));
    // A, B (twice: before and after the return), E, F, G (withdrawn), H
    expect(zhouhao).toMatchObject({ tasks: 7, decided: 5, open: 1, slaBreaches: 0 });
    expect(zhouhao.firstViewMs.p50).toBeGreaterThanOrEqual(0);
    expect((await as('wangjianguo').get('/reports?groupBy=week')).body.error.fields).toEqual({ groupBy: '取值无效' });

    const xlsx = await as('wangjianguo')
      .get(`/reports/export?flowId=${flowId}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename="____-\d{8}\.xlsx"; filename\*=UTF-8''%E5%AE%A1%E6%89%B9%E6%8A%A5%E8%A1%A8-\d{8}\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets[0].getRow(1).values).toEqual([undefined, '流程', '任务数', '已处理', '首次查看用时中位数（小时）', '首次查看用时 P90（小时）', '处理用时中位数（小时）', '处理用时 P90（小时）', '超时数', '未处理', '最久未处理（小时）']);
    expect(book.worksheets[0].getRow(2).getCell(1).value).toBe('合同审批');

    const versions = (await as('wangjianguo').get(`/flows/${flowId}/versions`)).body.items;
    const open = await knex('workflow_instances').whereIn('status', ['running', 'returned']).count({ n: '*' }).first();
    expect(versions).toMatchObject([{ number: 1, instanceCount: 8, openInstanceCount: Number(open!.n) }]);
    // B, C, D, E, F, H; A approved, G withdrawn
    expect(Number(open!.n)).toBe(6);
  });
});
