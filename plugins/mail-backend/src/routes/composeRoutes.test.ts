import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { simpleParser } from 'mailparser';
import { mailPlugin } from '../plugin';
import { TEST_KEY, databases } from '../__testUtils__/mailTestBed';
import { mailOrgEntities, user } from '../__testUtils__/org';
import { TestSmtpServer, closedPort } from '../compose/__testUtils__/smtpServers';

jest.setTimeout(60_000);

/** Through the real plugin: the compose routes are wired (body parsing, auth, error answers) and sending reaches an SMTP server. */
describe.each(databases.eachSupportedId())('compose API in the mail plugin on %s', (databaseId: TestDatabaseId) => {
  let agent: ReturnType<typeof request>;
  let smtp: TestSmtpServer;
  let imapPort: number;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    imapPort = await closedPort();
    const knex = await databases.init(databaseId);
    const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef;
    const permissions = mockServices.permissions.mock({
      authorize: async (reqs, { credentials }) =>
        reqs.map(r => ({ result: r.permission.name === 'mail.account.create' && refOf(credentials) === user('sunli') ? 'ALLOW' : 'DENY' }) as never),
      authorizeConditional: async reqs => reqs.map(() => ({ result: 'DENY' }) as never),
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

  afterAll(async () => {
    await smtp?.stop();
  });

  const as = (name: string) => {
    const go = (r: request.Test) => r.set('Authorization', mockCredentials.user.header(user(name))).set('Accept-Language', 'zh-CN');
    return {
      get: (url: string) => go(agent.get(`/api/mail${url}`)),
      post: (url: string, body: object = {}) => go(agent.post(`/api/mail${url}`)).send(body),
      upload: (url: string, content: Buffer) => go(agent.post(`/api/mail${url}`)).set('Content-Type', 'application/octet-stream').send(content),
    };
  };

  it('drafts, uploads and sends through the plugin; another user finds nothing', async () => {
    const account = await as('sunli').post('/accounts', {
      displayName: '孙丽',
      email: 'sunli@corp.example',
      // the Sent copy cannot be made (nothing listens): the mail is sent and stored all the same
      imap: { host: '127.0.0.1', port: imapPort, secure: false, user: 'sunli', password: 'pw' },
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
      syncEnabled: false,
    });
    expect(account.status).toBe(201);
    const draft = await as('sunli').post('/drafts', { accountId: account.body.id, to: ['周总 <zhou@yunfan.example>'], subject: '合同', html: '<p>请查收</p>' });
    expect(draft.status).toBe(201);
    const file = await as('sunli').upload(`/drafts/${draft.body.id}/attachments?filename=${encodeURIComponent('合同.pdf')}`, Buffer.from('%PDF-1.4 合同'));
    expect(file.status).toBe(201);
    expect(file.body.contentType).toBe('application/pdf');

    expect((await as('zhouhao').get(`/drafts/${draft.body.id}`)).status).toBe(404);
    const notYours = await as('zhouhao').post(`/drafts/${draft.body.id}/send`, { version: 1 });
    expect(notYours.status).toBe(404);
    expect(notYours.body.error.message).toBe('草稿不存在或无权查看');

    const sent = await as('sunli').post(`/drafts/${draft.body.id}/send`, { version: 1 });
    expect(sent.status).toBe(202);
    expect(sent.body.status).toBe('queued');
    const until = Date.now() + 20_000;
    let item = sent.body;
    while (item.status !== 'sent' && Date.now() < until) {
      await new Promise(r => setTimeout(r, 100));
      item = (await as('sunli').get(`/outbox/${sent.body.id}`)).body;
    }
    expect(item).toMatchObject({ status: 'sent', attempts: 1 });
    expect(smtp.withMessageId(sent.body.messageIdHeader)).toHaveLength(1);
    const parsed = await simpleParser(smtp.withMessageId(sent.body.messageIdHeader)[0].raw);
    expect(parsed.attachments.map(a => a.filename)).toEqual(['合同.pdf']);
    expect((await as('zhouhao').get('/outbox')).body.totalCount).toBe(0);
    expect((await as('zhouhao').get(`/outbox/${sent.body.id}`)).status).toBe(404);
  });
});
