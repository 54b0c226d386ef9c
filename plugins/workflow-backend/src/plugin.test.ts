import { createBackendModule, createServiceFactory } from '@backstage/backend-plugin-api';
import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { SignalsService, signalsServiceRef } from '@backstage/plugin-signals-node';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { WorkflowStatusEvent, workflowDocumentTypesExtensionPoint } from '@cocrm/plugin-workflow-node';
import request from 'supertest';
import { workflowPlugin } from './plugin';
import { addDocumentTypes } from './service/documentTypes';
import { CONTRACT_TYPE, approval, contract, databases, flow, orgEntities, user, users } from './__testUtils__/workflowTestBed';
import { recordingSinks } from './__testUtils__/recordingSinks';
import { SmtpCatcher } from './__testUtils__/smtpCatcher';

jest.setTimeout(60_000);

/** How the CRM registers contracts: a module of the workflow plugin using workflow-node's extension point. */
const crmContracts = createBackendModule({
  pluginId: 'workflow',
  moduleId: 'test-crm-contracts',
  register(reg) {
    reg.registerInit({
      deps: { types: workflowDocumentTypesExtensionPoint },
      async init({ types }) {
        types.addDocumentTypes(CONTRACT_TYPE);
      },
    });
  },
});

/** The org with mail addresses in the catalog, except for 赵强. */
const entitiesWithMail = (): Entity[] =>
  orgEntities().map(e =>
    e.kind === 'User' && e.metadata.name !== 'zhaoqiang' ? { ...e, spec: { ...e.spec, profile: { email: `${e.metadata.name}@cocrm.test` } } } : e,
  );

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('document type registration', () => {
  const spec = (over: Partial<DocumentTypeSpec> = {}): DocumentTypeSpec => ({ ...CONTRACT_TYPE, ...over });

  it('refuses a type registered twice and malformed specs', () => {
    const registry = new Map<string, DocumentTypeSpec>();
    addDocumentTypes(registry, [spec()]);
    expect(() => addDocumentTypes(registry, [spec({ pluginId: 'sales' })])).toThrow('registered twice (plugins "crm" and "sales")');
    expect(() => addDocumentTypes(registry, [spec({ type: 'Bad Type' })])).toThrow('the type must match');
    expect(() => addDocumentTypes(registry, [spec({ type: 'crm.quote', pluginId: '' })])).toThrow('pluginId');
    expect(() => addDocumentTypes(registry, [spec({ type: 'crm.quote', link: 'crm/quotes' })])).toThrow('link');
    expect([...registry.keys()]).toEqual(['crm.contract']);
  });
});

describe.each(databases.eachSupportedId())('the workflow plugin on %s', (databaseId: TestDatabaseId) => {
  let agent: ReturnType<typeof request>;
  let smtp: SmtpCatcher;
  const sinks = recordingSinks();

  beforeAll(async () => {
    smtp = await new SmtpCatcher().start();
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        workflowPlugin,
        crmContracts,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: entitiesWithMail() }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            mail: { sending: { from: '协同客户管理 <noreply@cocrm.test>', smtp: { host: '127.0.0.1', port: smtp.port } } },
            workflow: { mailApproval: { ttlHours: 24 } },
          },
        }),
        createServiceFactory({ service: notificationService, deps: {}, factory: () => sinks.delivery.notifications! }),
        createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => sinks.delivery.signals as SignalsService }),
        createServiceFactory({ service: eventsServiceRef, deps: {}, factory: () => ({ publish: sinks.delivery.events!.publish, subscribe: async () => {} }) }),
      ],
    });
    agent = request(server);
  });

  afterAll(async () => {
    await smtp.stop();
  });

  const as = (name: string) => {
    const auth = mockCredentials.user.header(user(name));
    return {
      get: (url: string) => agent.get(`/api/workflow${url}`).set('Authorization', auth),
      post: (url: string, body: object = {}) => agent.post(`/api/workflow${url}`).set('Authorization', auth).send(body),
    };
  };
  /** A plugin calling with its own service identity, as WorkflowClient does. */
  const plugin = (id: string) => {
    const auth = mockCredentials.service.header({ onBehalfOf: mockCredentials.service(`plugin:${id}`), targetPluginId: 'workflow' });
    return { post: (url: string, body: object) => agent.post(`/api/workflow${url}`).set('Authorization', auth).set('Accept-Language', 'zh-CN').send(body) };
  };

  it('lists the registered document types to any signed-in user', async () => {
    const res = await as('sunli').get('/document-types');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [CONTRACT_TYPE] });
    expect((await agent.get('/api/workflow/document-types').set('Authorization', mockCredentials.none.header())).status).toBe(401);
  });

  it('lets only the owning plugin submit and resubmit for a type, on behalf of the applicant', async () => {
    expect((await as('wangjianguo').post('/flows', flow([approval('leader', users('zhouhao')), approval('gm', users('wangjianguo'))]))).status).toBe(201);

    const other = await plugin('sales').post('/instances', contract());
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe('只有单据类型“crm.contract”所属的插件可以提交或重新提交此类单据');
    const external = await agent.post('/api/workflow/instances').set('Authorization', mockCredentials.service.header()).send(contract());
    expect(external.status).toBe(403);
    expect((await plugin('crm').post('/instances', contract({ type: 'crm.unregistered' }))).status).toBe(403);
    // a person submits only as the applicant
    expect((await as('wufang').post('/instances', contract())).status).toBe(403);

    const submitted = await plugin('crm').post('/instances', contract());
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const inbox = await as('zhouhao').get(`/instances/${id}`);
    const task = inbox.body.tasks.find((t: { status: string }) => t.status === 'pending');
    expect((await as('zhouhao').post(`/tasks/${task.id}/return`, { version: task.version, to: 'initiator' })).status).toBe(204);

    expect((await plugin('crm').post(`/instances/${id}/resubmit`, {})).status).toBe(403);
    expect((await plugin('crm').post(`/instances/${id}/resubmit`, { applicant: user('wufang') })).status).toBe(403);
    expect((await plugin('sales').post(`/instances/${id}/resubmit`, { applicant: user('sunli') })).status).toBe(403);
    const again = await plugin('crm').post(`/instances/${id}/resubmit`, { applicant: user('sunli'), title: '修改后的合同' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'running', round: 2, title: '修改后的合同' });
    const detail = await as('sunli').get(`/instances/${id}`);
    expect(detail.body.timeline.find((a: { action: string }) => a.action === 'resubmit')).toMatchObject({
      actor: 'service:plugin:crm',
      onBehalfOf: user('sunli'),
    });

    // what the transitions caused was delivered: status events with versions, notifications per task
    const events = await until(() => {
      const e = sinks.sent.events.map(x => x.eventPayload as WorkflowStatusEvent).filter(x => x.instanceId === id);
      return e.length >= 3 ? e : undefined;
    }, 'three status events');
    expect(events.map(e => [e.status, e.version])).toEqual([
      ['running', 1],
      ['returned', 2],
      ['running', 3],
    ]);
    const toZhouhao = sinks.sent.notifications.filter(n => sinks.recipients(n).includes(user('zhouhao')) && n.payload.link === `/approvals/instances/${id}`);
    expect(new Set(toZhouhao.map(n => n.payload.scope)).size).toBe(2);
  });

  it('mails the approver links to the backend that work without signing in; GET asks, POST decides', async () => {
    const doc = contract({ amount: 1_500_000_00, title: '年度框架合同' });
    const { body } = await plugin('crm').post('/instances', doc);
    const mail = await until(() => smtp.to('zhouhao@cocrm.test').find(m => m.subject.includes('年度框架合同')), 'the approval mail');
    expect(mail.subject).toBe('待审批：合同 年度框架合同（¥1,500,000.00）');
    expect(mail.text).toContain(`http://portal.test/approvals/instances/${body.id}`);
    const [approveUrl] = [...mail.text.matchAll(/(http:\/\/[^\s]+\/api\/workflow\/mail-actions\/[A-Za-z0-9_-]{43})/g)].map(m => m[1]);
    const path = new URL(approveUrl).pathname;

    // not signed in: the link's token is the credential
    const anonymous = mockCredentials.none.header();
    const page = await agent.get(path).set('Authorization', anonymous);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    expect((await as('zhouhao').get(`/instances/${body.id}`)).body.tasks.filter((t: { status: string }) => t.status === 'approved')).toEqual([]);
    const done = await agent.post(path).set('Authorization', anonymous).type('form').send({ comment: '同意' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('已同意');
    const detail = await as('zhouhao').get(`/instances/${body.id}`);
    expect(detail.body.tasks.find((t: { assignee: string }) => t.assignee === user('zhouhao'))).toMatchObject({ status: 'approved', comment: '同意' });
    expect((await agent.post(path).set('Authorization', anonymous).type('form').send({})).status).toBe(410);
    // the same anonymous caller gets nowhere else
    expect((await agent.get(`/api/workflow/instances/${body.id}`).set('Authorization', anonymous)).status).toBe(401);
    // 赵强 has no address: nothing is sent to him, ever
    expect(smtp.mails.some(m => m.to.includes('zhaoqiang@cocrm.test'))).toBe(false);
  });
});
