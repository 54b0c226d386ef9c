import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { mailPlugin } from './plugin';
import { TEST_KEY, databases } from './__testUtils__/mailTestBed';

jest.setTimeout(60_000);

const user = (name: string) => `user:default/${name}`;

/** The fake policy: the admin may do everything, 孙丽 may connect mailboxes, 刘洋 nothing. */
function decide(ref: string | undefined, permission: string) {
  if (ref === user('wangjianguo')) return { result: 'ALLOW' };
  if (ref === user('sunli') && permission === 'mail.account.create') return { result: 'ALLOW' };
  return { result: 'DENY' };
}

describe.each(databases.eachSupportedId())('mail HTTP API on %s', (databaseId: TestDatabaseId) => {
  let agent: ReturnType<typeof request>;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef;
    const permissions = mockServices.permissions.mock({
      authorize: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
      authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
    });
    const { server } = await startTestBackend({
      features: [
        mailPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: { mail: { encryptionKey: TEST_KEY } } }),
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

  const input = {
    displayName: '孙丽的邮箱',
    email: 'sunli@corp.example',
    imap: { host: 'imap.corp.example', port: 993, secure: true, user: 'sunli', password: 'Pa55-密码' },
  };

  it('connects, reads, updates and removes an account without ever returning the password', async () => {
    const created = await as('sunli').post('/accounts', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ owner: user('sunli'), imap: { host: 'imap.corp.example', port: 993, secure: true, user: 'sunli' }, folders: [], version: 1 });
    expect(JSON.stringify(created.body)).not.toContain('Pa55');
    const id = created.body.id;

    const listed = await as('sunli').get('/accounts');
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toMatch(/Pa55|password|v1:/);

    const state = await as('sunli').get(`/accounts/${id}/sync-state`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ accountId: id, lastSyncAt: null, folders: [], failures: [], counts: { messages: 0 } });

    const updated = await as('sunli').put(`/accounts/${id}`, { version: 1, displayName: '销售邮箱', folders: ['INBOX', '已发送'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ displayName: '销售邮箱', folders: ['INBOX', '已发送'], version: 2 });
    const stale = await as('sunli').put(`/accounts/${id}`, { version: 1, displayName: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('该邮箱账户已被他人修改，请刷新后重试');

    expect((await as('sunli').del(`/accounts/${id}?version=2`)).status).toBe(204);
    expect((await as('sunli').get(`/accounts/${id}`)).status).toBe(404);
  });

  it('checks permissions and validates input in the caller’s language', async () => {
    const denied = await as('liuyang').post('/accounts', input);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('没有执行此操作的权限');

    const invalid = await as('sunli', 'en').post('/accounts', { ...input, email: 'not-an-address', imap: { ...input.imap, port: 0 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'email', key: 'invalidEmail', message: 'Invalid mail address' },
        { path: 'imap.port', key: 'invalidValue', message: 'Invalid value' },
      ]),
    );

    const id = (await as('sunli').post('/accounts', input)).body.id;
    // someone else's mailbox reads as not found; the admin (scope all) sees it
    expect((await as('liuyang').get(`/accounts/${id}`)).status).toBe(404);
    expect((await as('liuyang').get(`/accounts/${id}/sync-state`)).status).toBe(404);
    expect((await as('liuyang').put(`/accounts/${id}`, { version: 1, displayName: 'x' })).status).toBe(404);
    expect((await as('wangjianguo').get(`/accounts/${id}`)).status).toBe(200);
    const retry = await as('sunli').post(`/accounts/${id}/messages/00000000-0000-0000-0000-000000000000/retry`);
    expect(retry.status).toBe(404);
    expect(retry.body.error.key).toBe('messageNotFound');
  });
});

it('refuses to start without mail.encryptionKey', async () => {
  await expect(
    startTestBackend({ features: [mailPlugin, mockServices.rootConfig.factory({ data: {} })] }),
  ).rejects.toThrow(/mail.encryptionKey is not configured/);
});
