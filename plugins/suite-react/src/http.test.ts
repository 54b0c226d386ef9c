import { SuiteApiError, SuiteErrorBody, SuiteHttp, filenameFromDisposition, toQueryString } from './http';

interface FakeResponse {
  status: number;
  body?: unknown;
  blob?: Blob;
  headers?: Record<string, string>;
}

function http(response: FakeResponse, language?: string, createError?: (status: number, body: SuiteErrorBody) => Error) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: response.status < 400,
    status: response.status,
    statusText: 'Bad Gateway',
    headers: new Headers(response.headers ?? {}),
    json: async () => {
      if (typeof response.body === 'string') throw new SyntaxError('not JSON');
      return response.body;
    },
    text: async () => (response.body === undefined ? '' : JSON.stringify(response.body)),
    blob: async () => response.blob ?? new Blob([]),
  }));
  const h = new SuiteHttp(
    {
      discoveryApi: { getBaseUrl: async (pluginId: string) => `http://localhost:7007/api/${pluginId}` },
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
      getLanguage: language === undefined ? undefined : () => language,
    },
    { pluginId: 'crm', createError },
  );
  const init = (i = 0) => fetch.mock.calls[i][1]!;
  return { h, fetch, init };
}

describe('SuiteHttp', () => {
  it('sends JSON to the own plugin, or to the one named, in the UI language', async () => {
    const { h, fetch, init } = http({ status: 200, body: { ok: true } }, 'en-GB');
    await expect(h.request('POST', '/things', { a: 1 })).resolves.toEqual({ ok: true });
    expect(fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/crm/things');
    expect(init()).toEqual({
      method: 'POST',
      headers: { Accept: 'application/json', 'Accept-Language': 'en', 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    await h.request('GET', '/org', undefined, { pluginId: 'access' });
    expect(fetch.mock.calls[1][0]).toBe('http://localhost:7007/api/access/org');
    expect(init(1).body).toBeUndefined();
    expect(init(1).headers).not.toHaveProperty('Content-Type');
  });

  it('speaks zh-CN when the UI language is any Chinese or unknown', async () => {
    for (const language of ['zh-TW', undefined]) {
      const { h, init } = http({ status: 204 }, language);
      await expect(h.request('DELETE', '/x')).resolves.toBeUndefined();
      expect((init().headers as Record<string, string>)['Accept-Language']).toBe('zh-CN');
    }
  });

  it('uploads a file as the raw body', async () => {
    const { h, init } = http({ status: 201, body: {} });
    const file = new Blob(['%PDF']);
    await h.request('POST', '/files', undefined, { file });
    expect(init().body).toBe(file);
    expect((init().headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream');
  });

  it('throws the suite error body as SuiteApiError, or as the plugin error class', async () => {
    const body = { error: { name: 'InputError', message: '请求参数有误', fields: { name: '此项必填' } } };
    const err = await http({ status: 400, body }).h.request('POST', '/x', {}).catch(e => e);
    expect(err).toBeInstanceOf(SuiteApiError);
    expect(err).toMatchObject({ status: 400, message: '请求参数有误', body, fields: { name: '此项必填' }, isStale: false });

    class PluginError extends SuiteApiError {}
    const conflict = await http({ status: 409, body: { error: { name: 'ConflictError', message: '已被修改' } } }, 'zh-CN', (s, b) => new PluginError(s, b))
      .h.request<never>('PATCH', '/x', {})
      .catch(e => e);
    expect(conflict).toBeInstanceOf(PluginError);
    expect(conflict.isStale).toBe(true);
    expect(conflict.fields).toEqual({});
  });

  it('names the status when the error body is not the suite one', async () => {
    const err = await http({ status: 502, body: '<html>' }).h.request<never>('GET', '/x').catch(e => e);
    expect(err).toBeInstanceOf(SuiteApiError);
    expect(err.message).toBe('502 Bad Gateway');
    const odd = await http({ status: 500, body: { message: 'no error key' } }).h.request<never>('GET', '/x').catch(e => e);
    expect(odd.body).toEqual({ error: { name: 'Error', message: '500 Bad Gateway' } });
  });

  it('downloads as an Excel file by default, under the name the server gives or the fallback', async () => {
    const blob = new Blob(['xlsx']);
    const named = http({
      status: 200,
      blob,
      headers: { 'Content-Disposition': `attachment; filename="r.xlsx"; filename*=UTF-8''${encodeURIComponent('报表.xlsx')}` },
    });
    await expect(named.h.download('/export', 'fallback.xlsx')).resolves.toEqual({ blob, filename: '报表.xlsx' });
    expect((named.init().headers as Record<string, string>).Accept).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/json',
    );
    const unnamed = http({ status: 200, blob });
    await expect(unnamed.h.download('/file', 'attachment', { accept: '*/*', pluginId: 'access' })).resolves.toEqual({
      blob,
      filename: 'attachment',
    });
    expect(unnamed.fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/access/file');
    expect((unnamed.init().headers as Record<string, string>).Accept).toBe('*/*');
  });

  it('throws the server message when a download is refused', async () => {
    const body = { error: { name: 'InputError', message: '一次最多导出 50000 条记录，请缩小筛选范围' } };
    const err = await http({ status: 400, body }).h.download('/export', 'x.xlsx').catch(e => e);
    expect(err.message).toBe('一次最多导出 50000 条记录，请缩小筛选范围');
  });
});

describe('toQueryString', () => {
  it('leaves out empty values and joins lists', () => {
    expect(toQueryString({ a: '', b: undefined, c: null, d: 0, e: false, f: [] })).toBe('?d=0&e=false');
    expect(toQueryString({ level: ['A', 'B'], q: '浦江' })).toBe('?level=A%2CB&q=%E6%B5%A6%E6%B1%9F');
    expect(toQueryString()).toBe('');
  });
});

describe('filenameFromDisposition', () => {
  it('prefers the UTF-8 name and falls back to the plain one', () => {
    expect(filenameFromDisposition(`attachment; filename="x.xlsx"; filename*=UTF-8''%E6%8B%9C%E8%AE%BF.xlsx`)).toBe('拜访.xlsx');
    expect(filenameFromDisposition(`attachment; filename="x.xlsx"; filename*=utf-8''%E0%A4%A.xlsx`)).toBe('x.xlsx');
    expect(filenameFromDisposition('attachment; filename="plain.xlsx"')).toBe('plain.xlsx');
    expect(filenameFromDisposition('attachment; filename=bare.xlsx')).toBe('bare.xlsx');
    expect(filenameFromDisposition('attachment')).toBeUndefined();
    expect(filenameFromDisposition(null)).toBeUndefined();
  });
});
