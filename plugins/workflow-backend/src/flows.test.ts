import { TestDatabaseId } from '@backstage/backend-test-utils';
import { WorkflowTestBed, approval, databases, flow, startWorkflow, user, users, workflowError } from './__testUtils__/workflowTestBed';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('流程管理 on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  const admin = user('wangjianguo');
  beforeAll(async () => {
    bed = await startWorkflow(databaseId);
  });

  it('publishes versions with optimistic locking and one live flow per document type', async () => {
    const f = await bed.wf.flows.create(admin, flow([approval('n1', users('lina'))]));
    expect(f).toMatchObject({ documentType: 'crm.contract', currentVersion: 1, version: 1 });
    expect((await workflowError(() => bed.wf.flows.create(admin, flow([approval('n1', users('lina'))])))).status).toBe(409);
    const v2 = await bed.wf.flows.publish(admin, f.id, f.version, flow([approval('n2', users('chenjing'))]));
    expect(v2).toMatchObject({ currentVersion: 2, version: 2 });
    const stale = await workflowError(() => bed.wf.flows.publish(admin, f.id, f.version, flow([approval('n3', users('chenjing'))])));
    expect(stale.status).toBe(409);
    expect(stale.messageIn('zh-CN')).toBe('该流程已被他人修改，请刷新后重试');
    expect((await bed.wf.flows.get(f.id)).current.definition.steps[0].id).toBe('n2');
    await bed.wf.flows.remove(admin, f.id, v2.version);
    expect((await workflowError(() => bed.wf.flows.get(f.id))).status).toBe(404);
  });

  it('refuses to publish an invalid definition and lists every problem in both languages', async () => {
    const bad = flow([
      approval('n1', []),
      {
        kind: 'branch',
        id: 'b',
        name: '金额',
        branches: [
          { id: 'x', name: '所有', priority: 1, conditions: [], steps: [] },
          { id: 'y', name: '大额', priority: 2, conditions: [{ field: 'contractAmount', op: 'gt', value: 1 }], steps: [] },
        ],
      },
    ]);
    const e = await workflowError(() => bed.wf.flows.create(admin, bad));
    expect(e.status).toBe(400);
    expect(e.messageIn('zh-CN')).toBe('流程定义存在 4 个问题，不能发布');
    expect(e.toBody('zh-CN').error.problems).toEqual([
      '节点“n1”没有设置审批人',
      '条件分支“金额”没有默认分支',
      '分支“大额”永远不会被执行：优先级更高的分支“所有”没有条件',
      '节点“大额”的条件引用了单据类型“crm.contract”中不存在的字段“contractAmount”',
    ]);
    expect((await workflowError(() => bed.wf.flows.create(admin, { documentType: 'crm.contract' }))).status).toBe(400);
    expect(await bed.wf.flows.list()).toEqual([]);
  });

  it('answers 404 when a document type has no flow', async () => {
    const e = await workflowError(() => bed.submit({ type: 'crm.quote', id: 'Q1', title: '报价', applicant: user('sunli'), fields: {} }));
    expect(e.status).toBe(404);
    expect(e.messageIn('zh-CN')).toBe('单据类型“crm.quote”没有已发布的审批流程');
  });
});
