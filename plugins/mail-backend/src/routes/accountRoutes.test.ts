import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { mailPlugin } from '../plugin';
import { TEST_KEY, databases } from '../__testUtils__/mailTestBed';
import { group, mailOrgEntities, user } from '../__testUtils__/org';

jest.setTimeout(60_000);

/** The fake policy: the admin may do everything, 孙丽 and 周浩 may connect mailboxes, 刘洋 nothing; 赵强 reads 华东's mailboxes by department scope. */
function decide(ref: string | undefined, permission: string) {
  if (ref === user('wangjianguo')) return { result: 'ALLOW' };
  if ((ref === user('sunli') || ref === user('zhouhao')) && permission === 'mail.account.create') return { result: 'ALLOW' };
  if (ref === user('zhaoqiang') && permission === 'mail.account.read') {
    return {
      result: 'CONDITIONAL',
      pluginId: 'mail',
      resourceType: 'mail-account',
      conditions: { rule: 'IN_DEPARTMENT', resourceType: 'mail-account', params: { departmentRefs: [group('sales-east')] } },
    };
  }
  return { result: 'DENY' };
}

describe.each(databases.eachSupportedId())('mail accounts API on %s', (databaseId: TestDatabaseId) => {
  let agent: ReturnType<typeof request>;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef;
    const permissions = mockServices.permissions.mock({
      authorize: async (reqs, { credentials }) =>
        reqs.map(r => {
          const d = decide(refOf(credentials), r.permission.name);
          return (d.result === 'CONDITIONAL' ? { result: 'DENY' } : d) as never;
        }),
      authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
    });
    const { server } = await startTestBackend({
      features: [
        mailPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: { mail: { encryptionKey: TEST_KEY } } }),
        catalogServiceMock.factory({ entities: mailOrgEntities() }),
        permissions.factory,
      ],
    });
    agent = request(server);
  });

  const as = (name: string, locale = 'zh-CN') => {
    const auth = mockCredentials.user.header(user(name));
    const go = (r: request.Test) => r.set('Authorization', auth).set('Accept-Language', locale);
    return {
      get: (url: string) => go(agent.get(`/api/mail${url}`)),
      post: (url: string, body: object = {}) => go(agent.post(`/api/mail${url}`)).send(body),
      put: (url: string, body: object) => go(agent.put(`/api/mail${url}`)).send(body),
      del: (url: string) => go(agent.delete(`/api/mail${url}`)),
    };
  };

  const input = (name: string) => ({
    provider: 'imap',
    displayName: `${name}的邮箱`,
    email: `${name}@corp.example`,
    imap: { host: 'imap.corp.example', port: 993, secure: true, user: name, password: 'Pa55-密码' },
    smtp: { host: 'smtp.corp.example', port: 465, secure: true },
  });

  it('connects, reads, updates and removes an account without ever returning a password', async () => {
    const created = await as('sunli').post('/accounts', { ...input('sunli'), aliases: ['Li.Sun@Corp.Example'], sharing: 'subject' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      owner: user('sunli'),
      kind: 'personal',
      provider: 'imap',
      ownerDepartment: group('sales-east'),
      aliases: ['li.sun@corp.example'],
      sharing: 'subject',
      imap: { host: 'imap.corp.example', port: 993, secure: true, user: 'sunli' },
      smtp: { host: 'smtp.corp.example', port: 465, secure: true, user: 'sunli' },
      folders: [],
      version: 1,
    });
    expect(JSON.stringify(created.body)).not.toContain('Pa55');
    const id = created.body.id;

    const listed = await as('sunli').get('/accounts');
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toMatch(/Pa55|password|v1:/);

    const state = await as('sunli').get(`/accounts/${id}/sync-state`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ accountId: id, lastSyncAt: null, folders: [], failures: [], counts: { messages: 0 } });

    const updated = await as('sunli').put(`/accounts/${id}`, { version: 1, displayName: '销售邮箱', folders: ['INBOX', '已发送'], sharing: 'nothing' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ displayName: '销售邮箱', folders: ['INBOX', '已发送'], sharing: 'nothing', version: 2 });
    const stale = await as('sunli').put(`/accounts/${id}`, { version: 1, displayName: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('该邮箱账户已被他人修改，请刷新后重试');

    const twice = await as('sunli').post('/accounts', { ...input('sunli'), displayName: '再连一次' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.fields).toEqual([{ path: 'email', key: 'addressTaken', message: '该邮箱地址已被你的另一个邮箱使用' }]);

    expect((await as('sunli').del(`/accounts/${id}?version=2`)).status).toBe(204);
    expect((await as('sunli').get(`/accounts/${id}`)).status).toBe(404);
  });

  it('checks permissions and data scope, and validates input in the caller’s language', async () => {
    const denied = await as('liuyang').post('/accounts', input('liuyang'));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('没有执行此操作的权限');

    const invalid = await as('zhouhao', 'en').post('/accounts', { ...input('zhouhao'), email: 'not-an-address', imap: { ...input('zhouhao').imap, port: 0 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'email', key: 'invalidEmail', message: 'Invalid mail address' },
        { path: 'imap.port', key: 'invalidValue', message: 'Invalid value' },
      ]),
    );
    const graph = await as('zhouhao').post('/accounts', { provider: 'graph', displayName: 'x', email: 'zhouhao@corp.example', graphMailbox: 'zhouhao@corp.example' });
    expect(graph.status).toBe(400);
    expect(graph.body.error.fields[0]).toMatchObject({ path: 'provider', message: '系统未配置 Microsoft 365 连接，请联系管理员' });

    const id = (await as('zhouhao').post('/accounts', input('zhouhao'))).body.id;
    // someone else's mailbox reads as not found; the admin (scope all) and the department scope see it
    expect((await as('liuyang').get(`/accounts/${id}`)).status).toBe(404);
    expect((await as('liuyang').get(`/accounts/${id}/sync-state`)).status).toBe(404);
    expect((await as('liuyang').put(`/accounts/${id}`, { version: 1, displayName: 'x' })).status).toBe(404);
    expect((await as('wangjianguo').get(`/accounts/${id}`)).status).toBe(200);
    expect((await as('zhaoqiang').get(`/accounts/${id}`)).status).toBe(200);
    // seeing is not changing: 赵强's department scope reads 周浩's settings but may not edit them
    expect((await as('zhaoqiang').put(`/accounts/${id}`, { version: 1, displayName: 'x' })).status).toBe(403);
    const retry = await as('zhouhao').post(`/accounts/${id}/messages/00000000-0000-0000-0000-000000000000/retry`);
    expect(retry.status).toBe(404);
    expect(retry.body.error.key).toBe('messageNotFound');
  });

  it('lets admins connect shared mailboxes that their reader departments (sub-departments included) see', async () => {
    const byUser = await as('sunli').post('/accounts', { ...input('sales'), kind: 'shared', readerDepartments: [group('sales')] });
    expect(byUser.status).toBe(403);
    expect(byUser.body.error.message).toBe('只有管理员可以连接或修改共享邮箱');

    const shared = await as('wangjianguo').post('/accounts', { ...input('sales'), kind: 'shared', readerDepartments: [group('sales')] });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ kind: 'shared', readerDepartments: [group('sales')] });
    const id = shared.body.id;
    // 孙丽 is in 华东销售组 under 销售部: a reader; 刘洋 (财务部) is not
    expect((await as('sunli').get('/accounts')).body.items.map((a: { id: string }) => a.id)).toContain(id);
    expect((await as('sunli').get(`/accounts/${id}/sync-state`)).status).toBe(200);
    expect((await as('sunli').put(`/accounts/${id}`, { version: 1, displayName: 'x' })).status).toBe(403);
    expect((await as('liuyang').get(`/accounts/${id}`)).status).toBe(404);

    const moved = await as('wangjianguo').put(`/accounts/${id}`, { version: 1, readerDepartments: [group('finance')] });
    expect(moved.body.readerDepartments).toEqual([group('finance')]);
    expect((await as('sunli').get(`/accounts/${id}`)).status).toBe(404);
    expect((await as('liuyang').get(`/accounts/${id}`)).status).toBe(200);
  });

  it('answers a failed connection test with the server’s reason on the form', async () => {
    const res = await as('sunli').post('/accounts/test', { imap: { host: '127.0.0.1', port: 1, secure: false, user: 'x', password: 'y' } });
    expect(res.status).toBe(400);
    expect(res.body.error.key).toBe('imapLoginFailed');
    expect(res.body.error.message).toMatch(/^无法登录收件服务器（IMAP）：/);
    expect((await as('sunli').get('/accounts/providers')).body).toEqual({ imap: true, graph: false });
    const graph = await as('sunli').post('/accounts/test', { provider: 'graph', graphMailbox: 'sunli@corp.example' });
    expect(graph.status).toBe(400);
    expect(graph.body.error.fields[0]).toMatchObject({ path: 'provider', key: 'graphNotConfigured' });
  });
});

it('refuses to start without mail.encryptionKey', async () => {
  await expect(
    startTestBackend({ features: [mailPlugin, mockServices.rootConfig.factory({ data: {} })] }),
  ).rejects.toThrow(/mail.encryptionKey is not configured/);
});
