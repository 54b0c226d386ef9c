import type { CustomerListQuery } from '@cocrm/plugin-crm-common';
import { CrmApiError, CrmClient } from './CrmClient';

function client(response: { status: number; body?: unknown; headers?: Record<string, string> }, language = 'zh-CN') {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: response.status < 400,
    status: response.status,
    statusText: 'X',
    headers: new Headers(response.headers ?? {}),
    json: async () => response.body,
    text: async () => (response.body === undefined ? '' : JSON.stringify(response.body)),
    blob: async () => new Blob([String(response.body ?? '')]),
  }));
  const c = new CrmClient({
    discoveryApi: { getBaseUrl: async (pluginId: string) => `http://localhost:7007/api/${pluginId}` },
    fetchApi: { fetch: fetch as any },
    getLanguage: () => language,
  });
  return { c, fetch };
}

describe('CrmClient', () => {
  it('uploads a contract attachment as the raw body with its name in the query', async () => {
    const { c, fetch } = client({ status: 201, body: { id: 'a1', fileName: '合同.pdf' } });
    const file = new Blob(['%PDF-1.7']);
    await c.uploadContractAttachment('k1', file, '合同 v2.pdf');
    expect(fetch.mock.calls[0][0]).toBe(`http://localhost:7007/api/crm/contracts/k1/attachments?fileName=${encodeURIComponent('合同 v2.pdf').replace(/%20/g, '+')}`);
    const init = fetch.mock.calls[0][1]!;
    expect(init.method).toBe('POST');
    expect(init.body).toBe(file);
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream');
  });

  it('submits with the version and reads an approval from the workflow plugin', async () => {
    const { c, fetch } = client({ status: 200, body: {} });
    await c.submitContract('k1', 3);
    expect(fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/crm/contracts/k1/submit');
    expect(fetch.mock.calls[0][1]!.body).toBe(JSON.stringify({ version: 3 }));
    await c.getApproval('i/1');
    expect(fetch.mock.calls[1][0]).toBe('http://localhost:7007/api/workflow/instances/i%2F1');
  });

  it("reads a contact's mail from the mail plugin, paged", async () => {
    const { c, fetch } = client({ status: 200, body: { items: [], totalCount: 0, page: 1, pageSize: 10 } });
    await c.listContactMail('p/1', { page: 1, pageSize: 10 });
    expect(fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/mail/routed/contacts/p%2F1?page=1&pageSize=10');
  });

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

  it('loads the access view', async () => {
    const view = { can: { customer: { read: true } }, fields: { customer: { hidden: ['annualRevenue'], readOnly: [] } } };
    const { c, fetch } = client({ status: 200, body: view });
    await expect(c.getAccess()).resolves.toEqual(view);
    expect(fetch.mock.calls[0][0]).toBe('http://localhost:7007/api/crm/access');
  });

  it('exports with the list filters but without paging, and names the file as the server does', async () => {
    const { c, fetch } = client({
      status: 200,
      body: 'xlsx-bytes',
      headers: { 'Content-Disposition': `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent('客户-20261124.xlsx')}` },
    });
    // a list's whole state, as a page holds it: paging must not narrow the export
    const listQuery: CustomerListQuery = { page: 3, pageSize: 50, q: '浦江', level: ['A', 'B'], sort: 'name', order: 'asc' };
    const result = await c.exportCustomers(listQuery);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/crm/customers/export?q=%E6%B5%A6%E6%B1%9F&level=A%2CB&sort=name&order=asc',
    );
    expect(result.filename).toBe('客户-20261124.xlsx');
    expect(await result.blob.text()).toBe('xlsx-bytes');
    // fetchApi, not a link: that is what carries the Backstage token
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('uses the contacts and visits export endpoints', async () => {
    const { c, fetch } = client({ status: 200, body: '', headers: { 'Content-Disposition': 'attachment; filename="a.xlsx"' } });
    await expect(c.exportContacts({ keyDecisionMaker: true })).resolves.toMatchObject({ filename: 'a.xlsx' });
    await c.exportVisits({ customerId: 'abc' });
    expect(fetch.mock.calls.map(call => call[0])).toEqual([
      'http://localhost:7007/api/crm/contacts/export?keyDecisionMaker=true',
      'http://localhost:7007/api/crm/visits/export?customerId=abc',
    ]);
  });

  it('throws the server message when an export is refused', async () => {
    const body = { error: { name: 'InputError', message: '一次最多导出 50000 条记录，请缩小筛选范围' } };
    const { c } = client({ status: 400, body });
    const err = await c.exportCustomers({}).catch(e => e);
    expect(err).toBeInstanceOf(CrmApiError);
    expect(err.message).toBe('一次最多导出 50000 条记录，请缩小筛选范围');
  });
});
