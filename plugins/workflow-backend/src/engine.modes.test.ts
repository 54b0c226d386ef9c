import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  WorkflowTestBed,
  approval,
  contract,
  databases,
  flow,
  group,
  requiredDatabases,
  startWorkflow,
  user,
  users,
  workflowError,
} from './__testUtils__/workflowTestBed';

jest.setTimeout(60_000);

it('runs on every database CI requires', () => {
  expect(databases.eachSupportedId().flat()).toEqual(expect.arrayContaining(requiredDatabases));
});

describe.each(databases.eachSupportedId())('审批节点模式与审批人 on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  beforeAll(async () => {
    bed = await startWorkflow(databaseId);
  });

  describe('node modes', () => {
    it('sequential (依次): one approver at a time, in order', async () => {
      await bed.useFlow(flow([approval('n1', users('zhouhao', 'zhaoqiang', 'wangjianguo'), 'sequential')]));
      const { id } = await bed.submit();
      expect(await bed.pendingNames(id)).toEqual(['zhouhao']);
      await bed.approve(id, 'zhouhao');
      expect(await bed.pendingNames(id)).toEqual(['zhaoqiang']);
      // the one whose turn has not come cannot act yet
      const queued = (await bed.tasksOf(id)).find(t => t.assignee === user('wangjianguo'))!;
      expect(queued.status).toBe('queued');
      expect((await workflowError(() => bed.wf.engine.approve(user('wangjianguo'), queued.id, queued.version))).status).toBe(409);
      await bed.approve(id, 'zhaoqiang');
      expect(await bed.status(id)).toBe('running');
      await bed.approve(id, 'wangjianguo');
      expect(await bed.status(id)).toBe('approved');
    });

    it('all (会签): every approver must approve; one rejection rejects', async () => {
      await bed.useFlow(flow([approval('n1', users('liuyang', 'lina', 'chenjing'), 'all')]));
      const a = await bed.submit();
      expect(await bed.pendingNames(a.id)).toEqual(['chenjing', 'lina', 'liuyang']);
      await bed.approve(a.id, 'liuyang');
      await bed.approve(a.id, 'lina');
      expect(await bed.status(a.id)).toBe('running');
      await bed.approve(a.id, 'chenjing');
      expect(await bed.status(a.id)).toBe('approved');

      const b = await bed.submit();
      await bed.approve(b.id, 'liuyang');
      await bed.reject(b.id, 'lina');
      expect(await bed.status(b.id)).toBe('rejected');
      expect(await bed.pendingNames(b.id)).toEqual([]);
      expect(await bed.wf.engine.outcome('crm.contract', b.documentId)).toMatchObject({ outcome: 'rejected', status: 'rejected' });
    });

    it('any (或签): the first decision decides and closes the others', async () => {
      await bed.useFlow(flow([approval('n1', users('liuyang', 'lina'), 'any'), approval('n2', users('chenjing'))]));
      const a = await bed.submit();
      await bed.approve(a.id, 'lina');
      expect(await bed.pendingNames(a.id)).toEqual(['chenjing']);
      const closed = (await bed.tasksOf(a.id)).find(t => t.assignee === user('liuyang'))!;
      expect(closed.status).toBe('cancelled');
      const late = await workflowError(() => bed.wf.engine.approve(user('liuyang'), closed.id, closed.version));
      expect(late.status).toBe(409);
      expect(late.messageIn('zh-CN')).toBe('该任务已处理（已关闭），不能再次操作');

      const b = await bed.submit();
      await bed.reject(b.id, 'liuyang');
      expect(await bed.status(b.id)).toBe('rejected');
    });

    it('ratio: approves once the share is reached, rejects once it cannot be', async () => {
      await bed.useFlow(flow([approval('n1', users('liuyang', 'lina', 'chenjing', 'zhouhao'), 'ratio', { ratio: 50 })]));
      const a = await bed.submit();
      await bed.reject(a.id, 'liuyang');
      expect(await bed.status(a.id)).toBe('running');
      await bed.approve(a.id, 'lina');
      expect(await bed.status(a.id)).toBe('running');
      await bed.approve(a.id, 'chenjing');
      expect(await bed.status(a.id)).toBe('approved');
      expect(await bed.pendingNames(a.id)).toEqual([]);

      const b = await bed.submit();
      await bed.reject(b.id, 'liuyang');
      await bed.reject(b.id, 'lina');
      expect(await bed.status(b.id)).toBe('running');
      await bed.reject(b.id, 'chenjing');
      expect(await bed.status(b.id)).toBe('rejected');
    });
  });

  describe('condition branches', () => {
    // 合同金额 > 1,000,000 元 → 总经理; 销售合同 in 客服部 → 客服 route; otherwise the default
    const branchFlow = () =>
      flow([
        approval('leader', [{ kind: 'departmentLeader' }]),
        {
          kind: 'branch',
          id: 'amount',
          name: '金额判断',
          branches: [
            { id: 'big', name: '大额', priority: 1, conditions: [{ field: 'amount', op: 'gt', value: 1_000_000_00 }], steps: [approval('gm', users('wangjianguo'))] },
            {
              id: 'frame',
              name: '框架合同',
              priority: 2,
              conditions: [{ field: 'contractType', op: 'in', value: ['框架合同', '战略合同'] }],
              steps: [approval('finance', [{ kind: 'role', role: 'finance' }], 'any')],
            },
            { id: 'other', name: '其他', priority: 9, isDefault: true, conditions: [], steps: [] },
          ],
        },
        { kind: 'cc', id: 'cc', name: '抄送财务', recipients: users('chenjing') },
      ]);

    it('takes the first matching branch by priority, else the default', async () => {
      await bed.useFlow(branchFlow());
      const big = await bed.submit(contract({ amount: 1_500_000_00, fields: { contractType: '框架合同' } }));
      await bed.approve(big.id, 'zhouhao');
      expect(await bed.pendingNames(big.id)).toEqual(['wangjianguo']);
      await bed.approve(big.id, 'wangjianguo');
      expect(await bed.status(big.id)).toBe('approved');
      expect((await bed.wf.engine.detail(big.id)).cc.map(c => c.user)).toEqual([user('chenjing')]);

      const frame = await bed.submit(contract({ amount: 200_000_00, fields: { contractType: '框架合同' } }));
      await bed.approve(frame.id, 'zhouhao');
      expect(await bed.pendingNames(frame.id)).toEqual(['chenjing', 'lina', 'liuyang']);

      // exactly 1,000,000 元 is not "greater than": default branch, approved after the leader
      const small = await bed.submit(contract({ amount: 1_000_000_00, fields: { contractType: '销售合同' } }));
      await bed.approve(small.id, 'zhouhao');
      expect(await bed.status(small.id)).toBe('approved');
    });

    it('refuses a document lacking a field a condition tests, naming it', async () => {
      await bed.useFlow(branchFlow());
      const e = await workflowError(() => bed.submit(contract({ amount: 10_00, fields: {} })));
      expect(e.status).toBe(400);
      expect(e.messageIn('zh-CN')).toBe('单据缺少流程条件所需的字段“contractType”');
    });
  });

  describe('approver resolution on the org', () => {
    it('department leader; the leader applying goes to the parent department’s leader', async () => {
      await bed.useFlow(flow([approval('n1', [{ kind: 'departmentLeader' }])]));
      const a = await bed.submit();
      expect(await bed.pendingNames(a.id)).toEqual(['zhouhao']);
      const b = await bed.submit(contract({ applicant: user('zhouhao') }));
      expect(await bed.pendingNames(b.id)).toEqual(['zhaoqiang']);
      // an explicit department wins over the primary one
      const c = await bed.submit(contract({ applicant: user('liuyang'), department: group('sales') }));
      expect(await bed.pendingNames(c.id)).toEqual(['zhaoqiang']);
    });

    it('Nth-level supervisor and 连续多级主管 up to level N', async () => {
      await bed.useFlow(flow([approval('n2', [{ kind: 'supervisor', level: 2 }]), approval('chain', [{ kind: 'supervisorChain', upToLevel: 3 }], 'sequential')], { duplicateApprover: 'askAgain' }));
      const a = await bed.submit();
      expect(await bed.pendingNames(a.id)).toEqual(['zhaoqiang']);
      await bed.approve(a.id, 'zhaoqiang');
      for (const name of ['zhouhao', 'zhaoqiang', 'wangjianguo']) {
        expect(await bed.pendingNames(a.id)).toEqual([name]);
        await bed.approve(a.id, name);
      }
      expect(await bed.status(a.id)).toBe('approved');
    });

    it('applicant’s choice is required at submit; a document user field names approvers', async () => {
      await bed.useFlow(flow([approval('pick', [{ kind: 'applicantChoice' }]), approval('owner', [{ kind: 'documentField', field: 'reviewers' }], 'all')]));
      const e = await workflowError(() => bed.submit());
      expect(e.status).toBe(400);
      expect(e.messageIn('zh-CN')).toBe('请为节点“pick”选择审批人');
      const a = await bed.submit(contract({ chosenApprovers: { pick: [user('wufang')] } }));
      expect(await bed.pendingNames(a.id)).toEqual(['wufang']);
      await bed.approve(a.id, 'wufang');
      expect(await bed.pendingNames(a.id)).toEqual(['lina', 'liuyang']);
    });

    it('empty approver policies: auto-pass, to the administrators, to a named user', async () => {
      // 客服部 has no leader and 张伟 no supervisor
      const applicant = user('zhangwei');
      await bed.useFlow(flow([approval('n1', [{ kind: 'supervisor', level: 1 }]), approval('n2', users('chenjing'))]));
      const a = await bed.submit(contract({ applicant }));
      expect(await bed.pendingNames(a.id)).toEqual(['chenjing']);
      const skipped = (await bed.wf.engine.detail(a.id)).nodes.find(n => n.stepId === 'n1')!;
      expect(skipped.status).toBe('skipped');

      await bed.useFlow(flow([approval('n1', [{ kind: 'supervisor', level: 1 }])], { emptyApprover: { kind: 'admin' } }));
      const b = await bed.submit(contract({ applicant }));
      expect(await bed.pendingNames(b.id)).toEqual(['wangjianguo']);

      await bed.useFlow(flow([approval('n1', [{ kind: 'supervisor', level: 1 }], 'any', { emptyApprover: { kind: 'user', user: user('lina') } })]));
      const c = await bed.submit(contract({ applicant }));
      expect(await bed.pendingNames(c.id)).toEqual(['lina']);
    });

    it('duplicate approver: a repeat is passed automatically (or asked again when the flow says so)', async () => {
      const steps = [approval('a', [{ kind: 'departmentLeader' }]), approval('b', [{ kind: 'supervisorChain', upToLevel: 2 }], 'sequential')];
      await bed.useFlow(flow(steps));
      const a = await bed.submit();
      await bed.approve(a.id, 'zhouhao');
      // 周浩 approved already: his turn in the chain passes, 赵强 is next
      expect(await bed.pendingNames(a.id)).toEqual(['zhaoqiang']);
      const timeline = (await bed.wf.engine.detail(a.id)).timeline;
      expect(timeline.filter(x => x.action === 'autoApprove').map(x => x.onBehalfOf)).toEqual([user('zhouhao')]);
      await bed.approve(a.id, 'zhaoqiang');
      expect(await bed.status(a.id)).toBe('approved');

      await bed.useFlow(flow(steps, { duplicateApprover: 'askAgain' }));
      const b = await bed.submit();
      await bed.approve(b.id, 'zhouhao');
      expect(await bed.pendingNames(b.id)).toEqual(['zhouhao']);
    });
  });

  it('keeps the flow version an instance started with', async () => {
    const f = await bed.useFlow(flow([approval('v1', users('lina'))]));
    const old = await bed.submit();
    await bed.wf.flows.publish(user('wangjianguo'), f.id, f.version, flow([approval('v2', users('chenjing'))]));
    const fresh = await bed.submit();
    expect(old.flowVersion).toBe(1);
    expect(fresh.flowVersion).toBe(2);
    expect(await bed.pendingNames(fresh.id)).toEqual(['chenjing']);
    await bed.approve(old.id, 'lina');
    expect(await bed.status(old.id)).toBe('approved');
    expect((await bed.wf.flows.versions(f.id)).map(v => [v.number, v.instanceCount])).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });
});
