import { createBackendModule } from '@backstage/backend-plugin-api';
import { TestDatabaseId, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import { SUITE_RULES } from '@cocrm/plugin-access-common';
import { workflowDocumentTypesExtensionPoint } from '@cocrm/plugin-workflow-node';
import request from 'supertest';
import { workflowPlugin } from './plugin';
import { CONTRACT_TYPE, approval, contract, databases, flow, group, orgEntities, user, users } from './__testUtils__/workflowTestBed';

jest.setTimeout(60_000);

/** What the fake policy decides: the admin may do everything, 赵强 reads instances of 华东销售组, nobody else anything. */
function decide(ref: string | undefined, permission: string): PolicyDecision {
  if (ref === user('wangjianguo')) return { result: AuthorizeResult.ALLOW };
  if (ref === user('zhaoqiang') && permission === 'workflow.instance.read') {
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'workflow',
      resourceType: 'workflow-instance',
      conditions: { rule: SUITE_RULES.inDepartment, resourceType: 'workflow-instance', params: { departmentRefs: [group('sales-east')] } },
    };
  }
  return { result: AuthorizeResult.DENY };
}

/** The CRM's registration of contracts, as its backend module does it. */
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

describe.each(databases.eachSupportedId())('workflow HTTP API on %s', (databaseId: TestDatabaseId) => {
  let agent: ReturnType<typeof request>;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef;
    const permissions = mockServices.permissions.mock({
      authorize: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
      authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name) as never),
    });
    const { server } = await startTestBackend({
      features: [workflowPlugin, crmContracts, mockServices.database.factory({ knex }), catalogServiceMock.factory({ entities: orgEntities() }), permissions.factory],
    });
    agent = request(server);
  });

  const as = (name: string, locale = 'zh-CN') => {
    const auth = mockCredentials.user.header(user(name));
    return {
      get: (url: string) => agent.get(`/api/workflow${url}`).set('Authorization', auth).set('Accept-Language', locale),
      post: (url: string, body: object = {}) => agent.post(`/api/workflow${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body),
      put: (url: string, body: object) => agent.put(`/api/workflow${url}`).set('Authorization', auth).set('Accept-Language', locale).send(body),
    };
  };
  // the CRM's service identity: only it submits contracts
  const crm = () => mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:crm'), targetPluginId: 'workflow' });
  const service = () => ({
    get: (url: string) => agent.get(`/api/workflow${url}`).set('Authorization', crm()),
    post: (url: string, body: object) => agent.post(`/api/workflow${url}`).set('Authorization', crm()).send(body),
  });

  it('runs a contract from publishing the flow to the outcome query', async () => {
    const def = flow([approval('leader', [{ kind: 'departmentLeader' }]), approval('gm', users('wangjianguo'))]);
    const denied = await as('sunli').post('/flows', def);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('没有执行此操作的权限');
    const invalid = await as('wangjianguo').post('/flows', flow([approval('x', [])]));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.problems).toEqual(['节点“x”没有设置审批人']);
    const created = await as('wangjianguo').post('/flows', def);
    expect(created.status).toBe(201);

    // the CRM submits with its service identity on behalf of the salesperson
    const doc = contract({ amount: 1_500_000_00 });
    const submitted = await service().post('/instances', doc);
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ status: 'running', applicant: user('sunli'), department: group('sales-east'), amount: 1_500_000_00 });
    const id = submitted.body.id;

    const inbox = await as('zhouhao').get('/inbox?pageSize=10');
    expect(inbox.status).toBe(200);
    expect(inbox.body).toMatchObject({ totalCount: 1, page: 0, pageSize: 10 });
    const task = inbox.body.items[0].task;
    expect(inbox.body.items[0].instance).toMatchObject({ id, title: doc.title });

    const missing = await as('zhouhao').post(`/tasks/${task.id}/approve`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual({ version: '此项必填' });
    expect((await as('zhouhao').post(`/tasks/${task.id}/approve`, { version: task.version, comment: '同意' })).status).toBe(204);
    const again = await as('zhouhao', 'en').post(`/tasks/${task.id}/approve`, { version: task.version });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ name: 'ConflictError', message: 'This task was already handled (approved)' });

    // visibility: participants, and 赵强 by his data scope (华东销售组); not 吴芳
    expect((await as('sunli').get(`/instances/${id}`)).body.timeline.map((x: { action: string }) => x.action)).toEqual([
      'submit',
      'approve',
      'nodeApproved',
    ]);
    expect((await as('zhaoqiang').get(`/instances/${id}`)).status).toBe(200);
    const hidden = await as('wufang').get(`/instances/${id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe('审批单不存在或无权查看');

    const gmTask = (await as('wangjianguo').get('/inbox')).body.items[0].task;
    expect((await as('wangjianguo').post(`/tasks/${gmTask.id}/approve`, { version: gmTask.version })).status).toBe(204);
    const outcome = await service().get(`/outcome?documentType=crm.contract&documentId=${doc.id}`);
    expect(outcome.body).toMatchObject({ instanceId: id, status: 'approved', outcome: 'approved' });
    expect((await service().get('/outcome?documentType=crm.contract&documentId=nope')).status).toBe(404);
    // a person learns the outcome only of an approval they may see
    expect((await as('sunli').get(`/outcome?documentType=crm.contract&documentId=${doc.id}`)).status).toBe(200);
    expect((await as('wufang').get(`/outcome?documentType=crm.contract&documentId=${doc.id}`)).status).toBe(404);
  });

  it('lets the applicant withdraw and the approver then gets a 410 in Chinese', async () => {
    const { body } = await service().post('/instances', contract());
    const task = (await as('zhouhao').get('/inbox')).body.items.find((i: { instance: { id: string } }) => i.instance.id === body.id).task;
    expect((await as('zhouhao').post(`/instances/${body.id}/withdraw`)).status).toBe(403);
    expect((await as('sunli').post(`/instances/${body.id}/withdraw`, { comment: '客户取消' })).status).toBe(204);
    const gone = await as('zhouhao').post(`/tasks/${task.id}/approve`, { version: task.version });
    expect(gone.status).toBe(410);
    expect(gone.body.error.message).toBe('该任务已失效：审批单已撤销');
  });

  it('publishes a new version with the flow’s row version and refuses a stale one', async () => {
    const [f] = (await as('wangjianguo').get('/flows')).body.items;
    const next = flow([approval('gm', users('wangjianguo'))]);
    const ok = await as('wangjianguo').put(`/flows/${f.id}`, { version: f.version, definition: next });
    expect(ok.body).toMatchObject({ currentVersion: 2 });
    expect((await as('wangjianguo').put(`/flows/${f.id}`, { version: f.version, definition: next })).status).toBe(409);
    expect((await as('wangjianguo').get(`/flows/${f.id}/versions`)).body.items.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    // an older version stays readable (the designer shows what running instances follow)
    const v1 = await as('wangjianguo').get(`/flows/${f.id}/versions/1`);
    expect(v1.body).toMatchObject({ number: 1 });
    expect(v1.body.definition.steps).not.toEqual(next.steps);
    expect((await as('wangjianguo').get(`/flows/${f.id}/versions/3`)).status).toBe(404);
    expect((await as('wangjianguo').get(`/flows/${f.id}/versions/x`)).status).toBe(400);
    expect((await as('zhouhao').get(`/flows/${f.id}/versions/1`)).status).toBe(403);
  });
});
