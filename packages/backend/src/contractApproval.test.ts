import path from 'node:path';
import request from 'supertest';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import crmPlugin, { accessModuleCrm, workflowModuleCrm } from '@cocrm/plugin-crm-backend';
import workflowPlugin, { accessModuleWorkflow } from '@cocrm/plugin-workflow-backend';
import accessPlugin from '@cocrm/plugin-access-backend';
import suitePolicy from '@cocrm/plugin-permission-backend-module-suite-policy';
import { demoOrgEntities } from './__testUtils__/demoOrg';
import { DATABASES, authWithActor, databaseConfig, dropTestDatabases } from './__testUtils__/realStack';
import { SmtpInbox, until } from './__testUtils__/smtpInbox';

/*
 * The approval of a contract through the real plugins, as the portal runs
 * them (CRM, workflow with the CRM's document type, access, the permission
 * backend with the suite policy, one events bus, mail to a real SMTP server)
 * on SQLite and PostgreSQL: the story below the browser — submit,
 * two leaders in the inbox (one of them by batch), the general manager by the
 * mail link, the outcome back on the contract and the customer's timeline,
 * the copy to finance.
 */

jest.setTimeout(300_000);
afterAll(dropTestDatabases);

const u = (name: string) => `user:default/${name}`;
const demoFlows = path.resolve(__dirname, '../../../examples/workflow-demo-flows.json');

describe.each(DATABASES)('a contract approved through the real plugins on %s', databaseId => {
  const inbox = new SmtpInbox();
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    const port = await inbox.listen();
    const started = await startTestBackend({
      features: [
        crmPlugin,
        workflowPlugin,
        workflowModuleCrm,
        accessPlugin,
        accessModuleCrm,
        accessModuleWorkflow,
        permissionPlugin,
        suitePolicy,
        databaseServiceFactory,
        authWithActor,
        eventsServiceFactory,
        catalogServiceMock.factory({ entities: demoOrgEntities() }),
        mockServices.permissions.factory(),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example' },
            permission: { enabled: true },
            backend: { database: databaseConfig(databaseId) },
            workflow: { demoFlows: { file: demoFlows } },
            mail: { sending: { from: '协同客户管理 <noreply@example.com>', smtp: { host: '127.0.0.1', port } } },
          },
        }),
      ],
    });
    server = started.server;
  });

  afterAll(async () => {
    await inbox.close();
  });

  const as = (name: string) => {
    const auth = (r: request.Test) => r.set('Authorization', mockCredentials.user.header(u(name))).set('Accept-Language', 'zh-CN');
    return {
      get: (p: string) => auth(request(server).get(p)),
      post: (p: string, body: object = {}) => auth(request(server).post(p)).send(body),
    };
  };

  /** The pending task of `name` on the instance, from their 待办. */
  const pendingTask = async (name: string, instanceId: string) => {
    const res = await until(
      `${name}'s 待办`,
      () => as(name).get('/api/workflow/inbox?pageSize=200'),
      r => r.body.items?.some((i: { instance: { id: string } }) => i.instance.id === instanceId),
    );
    return res.body.items.find((i: { instance: { id: string } }) => i.instance.id === instanceId).task as { id: string; version: number };
  };

  it('goes from 提交审批 to 已通过 on the customer timeline', async () => {
    const customer = await as('zhouhao').post('/api/crm/customers', { name: `集成测试客户${databaseId}` });
    expect(customer.status).toBe(201);
    const created = await as('zhouhao').post('/api/crm/contracts', {
      name: '数据中心运维服务合同',
      customerId: customer.body.id,
      amount: { amount: 150_000_000, currency: 'CNY' },
      paymentTerms: '签订后预付 30%，验收后付清',
    });
    expect(created.status).toBe(201);

    const submitted = await as('zhouhao').post(`/api/crm/contracts/${created.body.id}/submit`, { version: created.body.version });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('in_approval');
    const instanceId: string = submitted.body.workflowInstanceId;
    // locked while in approval
    const edit = await as('zhouhao').post(`/api/crm/contracts/${created.body.id}/submit`, { version: submitted.body.version });
    expect(edit.status).toBe(409);

    // 部门负责人: 孙丽 in her inbox
    const first = await pendingTask('sunli', instanceId);
    expect((await as('sunli').post(`/api/workflow/tasks/${first.id}/approve`, { version: first.version, comment: '同意' })).status).toBe(204);

    // over 100 万元: the 销售部 leader, here by batch
    const second = await pendingTask('zhaoqiang', instanceId);
    const batch = await as('zhaoqiang').post('/api/workflow/tasks/batch-approve', { items: [{ taskId: second.id, version: second.version }] });
    expect(batch.body.results).toEqual([expect.objectContaining({ taskId: second.id, ok: true })]);

    // the general manager by the mail link: GET asks, POST decides
    const mail = await inbox.waitFor('wangjianguo@example.com', /待审批：合同 数据中心运维服务合同/);
    expect(mail.text).toContain('¥1,500,000.00');
    const link = /同意：(\S+)/.exec(mail.text ?? '')![1];
    const actionPath = new URL(link).pathname;
    const page = await request(server).get(actionPath).set('Accept-Language', 'zh-CN');
    expect(page.status).toBe(200);
    expect(page.text).toContain('确认审批');
    expect((await as('zhouhao').get(`/api/crm/contracts/${created.body.id}`)).body.status).toBe('in_approval');
    const done = await request(server).post(actionPath).type('form').send({ comment: '同意签约' }).set('Accept-Language', 'zh-CN');
    expect(done.status).toBe(200);
    expect(done.text).toContain('已同意');

    // the outcome reaches the contract and the customer's timeline
    const approved = await until(
      'the contract status',
      async () => (await as('zhouhao').get(`/api/crm/contracts/${created.body.id}`)).body,
      c => c.status === 'approved',
    );
    expect(approved.workflowInstanceId).toBe(instanceId);
    const timeline = await as('zhouhao').get(`/api/crm/customers/${customer.body.id}/timeline`);
    const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(['contract.approved', 'contract.submitted', 'contract.created']);

    // 抄送财务: the finance role got a copy, the applicant's lists agree
    const cc = await until(
      '抄送我的 of finance',
      () => as('xuming').get('/api/workflow/cc'),
      r => r.body.items?.some((i: { instance: { id: string } }) => i.instance.id === instanceId),
    );
    expect(cc.status).toBe(200);
    const mine = await as('zhouhao').get('/api/workflow/instances/mine');
    expect(mine.body.items.find((i: { id: string }) => i.id === instanceId)).toMatchObject({ status: 'approved', outcome: 'approved' });
    // someone outside the approval and without a scope on it learns nothing about it
    expect((await as('chenjing').get(`/api/workflow/instances/${instanceId}`)).status).toBe(404);
  });
});
