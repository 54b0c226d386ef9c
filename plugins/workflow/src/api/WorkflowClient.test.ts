import { WorkflowApiError, WorkflowClient } from './WorkflowClient';

interface FakeResponse {
  status: number;
  body?: unknown;
  blob?: Blob;
  headers?: Record<string, string>;
}

function client(response: FakeResponse, language = 'zh-CN') {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: response.status < 400,
    status: response.status,
    statusText: 'X',
    headers: { get: (name: string) => response.headers?.[name] ?? null },
    json: async () => response.body,
    text: async () => (response.body === undefined ? '' : JSON.stringify(response.body)),
    blob: async () => response.blob ?? new Blob([]),
  }));
  const getBaseUrl = jest.fn(async (pluginId: string) => `http://localhost:7007/api/${pluginId}`);
  const c = new WorkflowClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    getLanguage: () => language,
  });
  const call = (i = 0) => ({
    url: fetch.mock.calls[i][0],
    method: fetch.mock.calls[i][1]!.method,
    headers: fetch.mock.calls[i][1]!.headers as Record<string, string>,
    body: fetch.mock.calls[i][1]!.body ? JSON.parse(String(fetch.mock.calls[i][1]!.body)) : undefined,
  });
  return { c, fetch, call };
}

const BASE = 'http://localhost:7007/api/workflow';

describe('WorkflowClient', () => {
  it('sends the UI language and the task version with every decision', async () => {
    const { c, call } = client({ status: 204 }, 'en-US');
    await c.approve('t 1', 3, '同意');
    expect(call()).toEqual({
      url: `${BASE}/tasks/t%201/approve`,
      method: 'POST',
      headers: { Accept: 'application/json', 'Accept-Language': 'en', 'Content-Type': 'application/json' },
      body: { version: 3, comment: '同意' },
    });
    await c.returnTask('t1', { version: 4, to: { stepId: 'leader' }, policy: 'jump-back' });
    expect(call(1)).toMatchObject({
      url: `${BASE}/tasks/t1/return`,
      body: { version: 4, to: { stepId: 'leader' }, policy: 'jump-back' },
    });
    await c.addSigner('t1', { version: 5, position: 'before', users: ['user:default/wufang'] });
    expect(call(2)).toMatchObject({ url: `${BASE}/tasks/t1/add-signer`, body: { version: 5, position: 'before' } });
    await c.transfer('t1', 6, 'user:default/wufang');
    expect(call(3).body).toEqual({ version: 6, to: 'user:default/wufang' });
  });

  it('queries the lists with their filters, leaving out empty ones', async () => {
    const { c, call } = client({ status: 200, body: { items: [], totalCount: 0, page: 0, pageSize: 25 } });
    await c.listTodo({
      page: 1,
      pageSize: 25,
      q: '合同',
      documentType: '',
      status: undefined,
      from: '2026-03-01',
      sort: 'since',
      order: 'asc',
    });
    expect(call().url).toBe(
      `${BASE}/inbox?page=1&pageSize=25&q=%E5%90%88%E5%90%8C&from=2026-03-01&sort=since&order=asc`,
    );
    await c.listDone();
    await c.listMine();
    await c.listCc();
    await c.listInstances({ status: 'approved,rejected' });
    expect([call(1).url, call(2).url, call(3).url, call(4).url]).toEqual([
      `${BASE}/tasks/done`,
      `${BASE}/instances/mine`,
      `${BASE}/cc`,
      `${BASE}/instances?status=approved%2Crejected`,
    ]);
  });

  it('batch-approves and unwraps the per-item results', async () => {
    const results = [{ taskId: 'a', ok: false, status: 409, message: '已处理' }];
    const { c, call } = client({ status: 200, body: { results } });
    expect(await c.batchApprove([{ taskId: 'a', version: 2 }], '')).toEqual(results);
    // an empty comment is no comment
    expect(call().body).toEqual({ items: [{ taskId: 'a', version: 2 }] });
  });

  it('asks the access plugin for the directory and for the own compiled access', async () => {
    const { c, call } = client({ status: 200, body: {} });
    await c.getOrg();
    await c.getOwnAccess('user:default/zhaoqiang');
    expect(call(0).url).toBe('http://localhost:7007/api/access/org');
    expect(call(1).url).toBe('http://localhost:7007/api/access/users/user%3Adefault%2Fzhaoqiang/compiled');
  });

  it('throws WorkflowApiError with the body; 409 and 410 count as stale, 400 carries field messages', async () => {
    const conflict = await client({
      status: 409,
      body: { error: { name: 'ConflictError', message: '该任务已发生变化，请刷新后重试' } },
    })
      .c.approve('t', 1)
      .catch(e => e);
    expect(conflict).toBeInstanceOf(WorkflowApiError);
    expect(conflict.message).toBe('该任务已发生变化，请刷新后重试');
    expect(conflict.isStale).toBe(true);
    const gone = await client({
      status: 410,
      body: { error: { name: 'GoneError', message: '该任务已失效：审批单已撤销' } },
    })
      .c.reject('t', 1)
      .catch(e => e);
    expect(gone.isStale).toBe(true);
    const invalid = await client({
      status: 400,
      body: {
        error: {
          name: 'InputError',
          message: '提交的数据有误',
          fields: { endsAt: '取值无效' },
          problems: ['节点“审批”没有设置审批人'],
        },
      },
    })
      .c.createDelegation({ delegate: 'user:default/a', documentTypes: null, startsAt: 'x', endsAt: 'y' })
      .catch(e => e);
    expect(invalid.isStale).toBe(false);
    expect(invalid.fields).toEqual({ endsAt: '取值无效' });
    expect(invalid.problems).toEqual(['节点“审批”没有设置审批人']);
    const proxy = await client({ status: 502 })
      .c.getCounts()
      .catch(e => e);
    expect(proxy.message).toBe('502 X');
  });

  it('downloads the report under the name the server gives', async () => {
    const { c, call } = client({
      status: 200,
      blob: new Blob(['x']),
      headers: {
        'Content-Disposition':
          'attachment; filename="report.xlsx"; filename*=UTF-8\'\'%E5%AE%A1%E6%89%B9%E6%8A%A5%E8%A1%A8.xlsx',
      },
    });
    const file = await c.exportReport({ from: '2026-03-01', groupBy: 'node' });
    expect(file.filename).toBe('审批报表.xlsx');
    expect(call().url).toBe(`${BASE}/reports/export?from=2026-03-01&groupBy=node`);
    expect(call().headers.Accept).toContain('spreadsheetml');
  });
});
