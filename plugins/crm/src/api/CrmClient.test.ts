import { CrmApiError, CrmClient, toQueryString } from './CrmClient';

function client(response: { status: number; body?: unknown }, language = 'zh-CN') {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: response.status < 400,
    status: response.status,
    statusText: 'X',
    json: async () => response.body,
    text: async () => (response.body === undefined ? '' : JSON.stringify(response.body)),
  }));
  const c = new CrmClient({
    discoveryApi: { getBaseUrl: async () => 'http://localhost:7007/api/crm' },
    fetchApi: { fetch: fetch as any },
    getLanguage: () => language,
  });
  return { c, fetch };
}

describe('CrmClient', () => {
  it('builds list queries and sends Accept-Language', async () => {
    const { c, fetch } = client({ status: 200, body: { items: [], totalCount: 0, page: 0, pageSize: 25 } }, 'en');
    await c.listCustomers({ page: 1, pageSize: 25, sort: 'name', order: 'asc', level: ['A', 'B'], q: '', deleted: true });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/crm/customers?page=1&pageSize=25&sort=name&order=asc&level=A%2CB&deleted=true',
    );
    expect((fetch.mock.calls[0][1]!.headers as Record<string, string>)['Accept-Language']).toBe('en');
  });

  it('throws CrmApiError with the body', async () => {
    const body = { error: { name: 'InputError', message: '请求参数有误', fields: { name: '此项必填' } } };
    const { c } = client({ status: 400, body });
    const err = await c.createCustomer({ name: '' }).catch(e => e);
    expect(err).toBeInstanceOf(CrmApiError);
    expect(err.status).toBe(400);
    expect(err.fields).toEqual({ name: '此项必填' });
  });

  it('deletes with the version and handles 204', async () => {
    const { c, fetch } = client({ status: 204 });
    await expect(c.deleteCustomer('abc', 4)).resolves.toBeUndefined();
    expect(fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/crm/customers/abc?version=4');
    expect(fetch.mock.calls[0][1]!.method).toBe('DELETE');
  });

  it('omits empty values', () => {
    expect(toQueryString({ a: '', b: undefined, c: [], d: 0, e: false })).toBe('?d=0&e=false');
  });
});
