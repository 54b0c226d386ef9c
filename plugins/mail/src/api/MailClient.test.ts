import { MailApiError, MailClient } from './MailClient';

interface FakeResponse {
  status: number;
  body?: unknown;
}

function client(response: FakeResponse, language = 'zh-CN') {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: response.status < 400,
    status: response.status,
    statusText: 'X',
    headers: { get: () => null },
    json: async () => response.body,
    text: async () => (response.body === undefined ? '' : JSON.stringify(response.body)),
    blob: async () => new Blob([]),
  }));
  const c = new MailClient({
    discoveryApi: { getBaseUrl: async (pluginId: string) => `http://localhost:7007/api/${pluginId}` },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    getLanguage: () => language,
  });
  const call = (i = 0) => ({
    url: fetch.mock.calls[i][0],
    method: fetch.mock.calls[i][1]!.method,
    body: fetch.mock.calls[i][1]!.body ? JSON.parse(String(fetch.mock.calls[i][1]!.body)) : undefined,
  });
  return { c, fetch, call };
}

const BASE = 'http://localhost:7007/api/mail';

describe('MailClient', () => {
  it('asks for threads with the folder, a Chinese search and the page, leaving out what is not set', async () => {
    const { c, call } = client({ status: 200, body: { items: [], totalCount: 0, page: 1, pageSize: 50 } });
    await c.listThreads({ accountId: 'a1', folderId: 'f1', q: '报价 单', unread: true, page: 1, pageSize: 50 });
    expect(call().url).toBe(
      `${BASE}/threads?accountId=a1&folderId=f1&q=${encodeURIComponent('报价 单').replace(
        /%20/g,
        '+',
      )}&unread=true&page=1&pageSize=50`,
    );
    await c.listThreads({ accountId: 'a1', unread: false });
    expect(call(1).url).toBe(`${BASE}/threads?accountId=a1`);
  });

  it('names the routes of the contract', async () => {
    const { c, call } = client({ status: 200, body: {} });
    await c.getMessage('m 1', { showRemoteImages: true });
    expect(call(0).url).toBe(`${BASE}/messages/m%201?remoteImages=show`);
    await c.setFlags('m1', { seen: false });
    expect(call(1)).toEqual({ url: `${BASE}/messages/m1/flags`, method: 'POST', body: { seen: false } });
    await c.linkCustomer('t1', 'c1');
    expect(call(2)).toEqual({ url: `${BASE}/threads/t1/links`, method: 'POST', body: { customerId: 'c1' } });
    await c.unlinkCustomer('t1', 'c1');
    expect(call(3)).toMatchObject({ url: `${BASE}/threads/t1/links/c1`, method: 'DELETE' });
    await c.sendDraft('d1', 7);
    expect(call(4)).toEqual({ url: `${BASE}/drafts/d1/send`, method: 'POST', body: { version: 7 } });
    await c.resendOutbox('o1');
    expect(call(5)).toEqual({ url: `${BASE}/outbox/o1/resend`, method: 'POST', body: { confirm: true } });
    await c.deleteAccount('a1', 3);
    expect(call(6)).toMatchObject({ url: `${BASE}/accounts/a1?version=3`, method: 'DELETE' });
    await c.retryMessage('a1', 'm1');
    expect(call(7)).toMatchObject({ url: `${BASE}/accounts/a1/messages/m1/retry`, method: 'POST' });
    await c.trustSender('li@pujiang.cn');
    expect(call(8)).toEqual({
      url: `${BASE}/remote-images/senders`,
      method: 'POST',
      body: { address: 'li@pujiang.cn' },
    });
  });

  it('reads a routed thread and its attachments through the customer', async () => {
    const { c, call } = client({ status: 200, body: {} });
    await c.getRoutedThread('c 1', 't1');
    expect(call(0)).toMatchObject({ url: `${BASE}/routed/customers/c%201/threads/t1`, method: 'GET' });
    await c.getRoutedThread('c1', 't1', { showRemoteImages: true });
    expect(call(1).url).toBe(`${BASE}/routed/customers/c1/threads/t1?remoteImages=show`);
    const file = await c.downloadRoutedAttachment('c1', 'm1', 2, '报价单.pdf');
    expect(call(2)).toMatchObject({ url: `${BASE}/routed/customers/c1/messages/m1/attachments/2`, method: 'GET' });
    expect(file.filename).toBe('报价单.pdf');
  });

  it('pages lead suggestions on the server', async () => {
    const { c, call } = client({ status: 200, body: { items: [], totalCount: 0, page: 2, pageSize: 25 } });
    expect(await c.listLeadSuggestions({ page: 2, pageSize: 25 })).toEqual({
      items: [],
      totalCount: 0,
      page: 2,
      pageSize: 25,
    });
    expect(call()).toMatchObject({ url: `${BASE}/lead-suggestions?page=2&pageSize=25`, method: 'GET' });
  });

  it('searches customers through the CRM plugin', async () => {
    const { c, call } = client({
      status: 200,
      body: { items: [{ id: 'c1', name: '浦江精机', number: 'KH1', extra: 1 }] },
    });
    expect(await c.searchCustomers('浦江')).toEqual([{ id: 'c1', name: '浦江精机', number: 'KH1' }]);
    expect(call().url).toBe(`http://localhost:7007/api/crm/customers?q=${encodeURIComponent('浦江')}&pageSize=20`);
  });

  it('reads one customer through the CRM plugin', async () => {
    const { c, call } = client({ status: 200, body: { id: 'c1', name: '浦江精机', number: 'KH1', level: 'A' } });
    expect(await c.getCustomer('c1')).toEqual({ id: 'c1', name: '浦江精机', number: 'KH1' });
    expect(call()).toMatchObject({ url: 'http://localhost:7007/api/crm/customers/c1', method: 'GET' });
  });

  it("turns the mail backend's field list into messages by path; a 409 with fields is no stale version", async () => {
    const { c } = client({
      status: 409,
      body: {
        error: {
          name: 'ConflictError',
          key: 'validationFailed',
          message: '提交的数据有误',
          fields: [
            { path: 'email', key: 'addressTaken', message: '该邮箱地址已被你的另一个邮箱使用' },
            { path: 'email', key: 'invalidEmail', message: '第二条' },
          ],
        },
      },
    });
    const error = await c.createAccount({} as never).catch(e => e);
    expect(error).toBeInstanceOf(MailApiError);
    expect(error.fields).toEqual({ email: '该邮箱地址已被你的另一个邮箱使用' });
    expect(error.isStale).toBe(false);
    expect(error.key).toBe('validationFailed');

    const stale = client({
      status: 409,
      body: { error: { name: 'ConflictError', key: 'staleDraft', message: '草稿已被修改' } },
    });
    const e2 = await stale.c.sendDraft('d1', 1).catch(e => e);
    expect(e2.isStale).toBe(true);
    expect(e2.message).toBe('草稿已被修改');
  });
});
