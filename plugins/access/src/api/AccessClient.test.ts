import { AccessApiError, AccessClient } from './AccessClient';

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
  const c = new AccessClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    getLanguage: () => language,
  });
  const headers = (i = 0) => fetch.mock.calls[i][1]!.headers as Record<string, string>;
  return { c, fetch, headers };
}

describe('AccessClient', () => {
  it('encodes the user ref in the effective-access path and sends the UI language', async () => {
    const { c, fetch, headers } = client({ status: 200, body: {} }, 'en-US');
    await c.getEffectiveAccess('user:default/zhouhao');
    expect(fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/access/users/user%3Adefault%2Fzhouhao/effective');
    expect(headers()['Accept-Language']).toBe('en');
  });

  it('patches roles with the body as given and deletes with the version', async () => {
    const { c, fetch } = client({ status: 200, body: {} });
    await c.updateRole('r1', { version: 3, grants: [] });
    expect(fetch.mock.calls[0][1]!.method).toBe('PATCH');
    expect(JSON.parse(String(fetch.mock.calls[0][1]!.body))).toEqual({ version: 3, grants: [] });
    await c.deleteGrant('g 1', 2);
    expect(fetch.mock.calls[1][0]).toBe('http://localhost:7007/api/access/grants/g%201?version=2');
  });

  it('throws AccessApiError with the parsed body; only the stale-version 409 asks for a reload', async () => {
    const stale = await client({
      status: 409,
      body: { error: { name: 'ConflictError', message: '该记录已被他人修改，请刷新后重试' } },
    })
      .c.updateRole('r1', { version: 1 })
      .catch(e => e);
    expect(stale).toBeInstanceOf(AccessApiError);
    expect(stale.isStale).toBe(true);
    const inUse = await client({
      status: 409,
      body: {
        error: { name: 'ConflictError', message: '角色“销售员”仍分配给 3 个用户或部门，请先移除这些成员再删除' },
      },
    })
      .c.deleteRole('r1', 1)
      .catch(e => e);
    expect(inUse.isStale).toBe(false);
    expect(inUse.message).toContain('仍分配给 3 个');
    const invalid = await client({
      status: 400,
      body: { error: { name: 'InputError', message: '请求参数有误', fields: { key: '取值无效' } } },
    })
      .c.createRole({ key: 'X', name: 'x' })
      .catch(e => e);
    expect(invalid.fields).toEqual({ key: '取值无效' });
  });

  it('asks the audit endpoint of the chosen plugin and exports without paging', async () => {
    const { c, fetch } = client({
      status: 200,
      blob: new Blob(['xlsx']),
      headers: {
        'Content-Disposition':
          'attachment; filename="audit.xlsx"; filename*=UTF-8\'\'%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.xlsx',
      },
    });
    const { filename } = await c.exportAudit('crm', {
      page: 2,
      pageSize: 50,
      actor: 'user:default/zhouhao',
      from: '2026-03-01',
      order: 'desc',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/crm/audit/export?actor=user%3Adefault%2Fzhouhao&from=2026-03-01&order=desc',
    );
    expect(filename).toBe('审计日志.xlsx');
  });
});
