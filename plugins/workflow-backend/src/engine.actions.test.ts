import { TestDatabaseId } from '@backstage/backend-test-utils';
import { WorkflowTestBed, approval, contract, databases, flow, startWorkflow, user, users, workflowError } from './__testUtils__/workflowTestBed';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('审批操作 on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  const engine = () => bed.wf.engine;
  const threeNodes = () => flow([approval('n1', users('zhouhao')), approval('n2', users('zhaoqiang')), approval('n3', users('wangjianguo'))]);

  beforeAll(async () => {
    bed = await startWorkflow(databaseId);
  });

  describe('退回 and resubmit', () => {
    beforeAll(async () => {
      await bed.useFlow(threeNodes());
    });

    it('to the applicant, restart: the resubmitted document starts from the first node in a new round', async () => {
      const { id } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      const t = await bed.pendingFor(id, 'zhaoqiang');
      await engine().return(user('zhaoqiang'), t.id, t.version, { to: 'initiator', policy: 'restart', comment: '请补充付款约定' });
      expect(await bed.status(id)).toBe('returned');
      expect(await bed.pendingNames(id)).toEqual([]);
      // only the applicant resubmits
      expect((await workflowError(() => engine().resubmit(user('zhouhao'), id))).status).toBe(403);
      const again = await engine().resubmit(user('sunli'), id, { fields: { contractType: '销售合同', paymentTerms: '30/70' } });
      expect(again).toMatchObject({ status: 'running', round: 2, fields: { paymentTerms: '30/70' } });
      expect(await bed.pendingNames(id)).toEqual(['zhouhao']);
      for (const n of ['zhouhao', 'zhaoqiang', 'wangjianguo']) await bed.approve(id, n);
      expect(await bed.status(id)).toBe('approved');
      expect((await workflowError(() => engine().resubmit(user('sunli'), id))).status).toBe(409);
    });

    it('to the applicant, jump-back: the resubmitted document goes straight to the returning node', async () => {
      const { id } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      await bed.approve(id, 'zhaoqiang');
      const t = await bed.pendingFor(id, 'wangjianguo');
      await engine().return(user('wangjianguo'), t.id, t.version, { to: 'initiator', policy: 'jump-back' });
      await engine().resubmit(user('sunli'), id);
      expect(await bed.pendingNames(id)).toEqual(['wangjianguo']);
      await bed.approve(id, 'wangjianguo');
      expect(await bed.status(id)).toBe('approved');
    });

    it('to an earlier node, restart: that node decides again, then the route continues in order', async () => {
      const { id } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      await bed.approve(id, 'zhaoqiang');
      const t = await bed.pendingFor(id, 'wangjianguo');
      await engine().return(user('wangjianguo'), t.id, t.version, { to: { stepId: 'n1' }, policy: 'restart' });
      expect(await bed.pendingNames(id)).toEqual(['zhouhao']);
      await bed.approve(id, 'zhouhao');
      // 赵强's approval was voided by the return: he is asked again (not auto-passed)
      expect(await bed.pendingNames(id)).toEqual(['zhaoqiang']);
      await bed.approve(id, 'zhaoqiang');
      expect(await bed.pendingNames(id)).toEqual(['wangjianguo']);
    });

    it('to an earlier node, jump-back: after that node it comes straight back to the returner', async () => {
      const { id } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      await bed.approve(id, 'zhaoqiang');
      const t = await bed.pendingFor(id, 'wangjianguo');
      await engine().return(user('wangjianguo'), t.id, t.version, { to: { stepId: 'n1' }, policy: 'jump-back' });
      await bed.approve(id, 'zhouhao');
      expect(await bed.pendingNames(id)).toEqual(['wangjianguo']);
      await bed.approve(id, 'wangjianguo');
      expect(await bed.status(id)).toBe('approved');
    });

    it('refuses to return to a node not yet passed', async () => {
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhouhao');
      const e = await workflowError(() => engine().return(user('zhouhao'), t.id, t.version, { to: { stepId: 'n3' } }));
      expect(e.status).toBe(400);
      expect(e.messageIn('zh-CN')).toBe('只能退回给发起人或之前已经过的审批节点');
    });
  });

  describe('转交 and 加签', () => {
    it('transfer: the receiver takes the place; the transferrer can no longer act', async () => {
      await bed.useFlow(flow([approval('n1', users('zhouhao', 'zhaoqiang'), 'sequential')]));
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhouhao');
      await engine().transfer(user('zhouhao'), t.id, t.version, user('wufang'), '我出差，请吴芳处理');
      expect(await bed.pendingNames(id)).toEqual(['wufang']);
      expect((await workflowError(() => engine().approve(user('zhouhao'), t.id, t.version + 1))).status).toBe(409);
      expect((await workflowError(() => bed.wf.engine.transfer(user('wufang'), t.id, t.version, user('wufang')))).status).toBe(403);
      await bed.approve(id, 'wufang');
      expect(await bed.pendingNames(id)).toEqual(['zhaoqiang']);
    });

    it('add signer before: the signer approves first, then the task is back with the actor', async () => {
      await bed.useFlow(flow([approval('n1', users('zhaoqiang'))]));
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhaoqiang');
      await engine().addSigner(user('zhaoqiang'), t.id, t.version, { position: 'before', users: [user('chenjing')], comment: '请财务先看' });
      expect(await bed.pendingNames(id)).toEqual(['chenjing']);
      await bed.approve(id, 'chenjing');
      expect(await bed.status(id)).toBe('running');
      expect(await bed.pendingNames(id)).toEqual(['zhaoqiang']);
      await bed.approve(id, 'zhaoqiang');
      expect(await bed.status(id)).toBe('approved');
    });

    it('add signer after: the actor approves now, the node waits for the signer', async () => {
      await bed.useFlow(flow([approval('n1', users('zhaoqiang', 'zhouhao'), 'any'), approval('n2', users('wangjianguo'))]));
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhaoqiang');
      await engine().addSigner(user('zhaoqiang'), t.id, t.version, { position: 'after', users: [user('chenjing')] });
      expect((await bed.tasksOf(id)).find(x => x.id === t.id)!.status).toBe('approved');
      expect(await bed.pendingNames(id)).toEqual(['chenjing', 'zhouhao']);
      await bed.approve(id, 'chenjing');
      expect(await bed.pendingNames(id)).toEqual(['wangjianguo']);

      // a rejection by the signer added after rejects
      const b = await bed.submit();
      const tb = await bed.pendingFor(b.id, 'zhaoqiang');
      await engine().addSigner(user('zhaoqiang'), tb.id, tb.version, { position: 'after', users: [user('chenjing')] });
      await bed.reject(b.id, 'chenjing');
      expect(await bed.status(b.id)).toBe('rejected');
    });

    it('add signer in parallel: the signer joins the node (会签 needs them too)', async () => {
      await bed.useFlow(flow([approval('n1', users('zhaoqiang'), 'all')]));
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhaoqiang');
      await engine().addSigner(user('zhaoqiang'), t.id, t.version, { position: 'parallel', users: [user('chenjing'), user('lina')] });
      expect(await bed.pendingNames(id)).toEqual(['chenjing', 'lina', 'zhaoqiang']);
      // the task changed nothing of its own: the actor's version is still good
      await engine().approve(user('zhaoqiang'), t.id, t.version);
      await bed.approve(id, 'chenjing');
      expect(await bed.status(id)).toBe('running');
      await bed.approve(id, 'lina');
      expect(await bed.status(id)).toBe('approved');
    });

    it('refuses adding oneself or someone already on the node', async () => {
      await bed.useFlow(flow([approval('n1', users('zhaoqiang', 'zhouhao'), 'all')]));
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhaoqiang');
      for (const who of ['zhaoqiang', 'zhouhao']) {
        const e = await workflowError(() => engine().addSigner(user('zhaoqiang'), t.id, t.version, { position: 'parallel', users: [user(who)] }));
        expect(e.status).toBe(400);
      }
    });
  });

  describe('撤销, 撤回, 催办, 抄送, comments', () => {
    beforeAll(async () => {
      await bed.useFlow(threeNodes());
    });

    it('withdraw by the applicant closes every task; the outcome says withdrawn', async () => {
      const doc = contract();
      const { id } = await bed.submit(doc);
      const t = await bed.pendingFor(id, 'zhouhao');
      expect((await workflowError(() => engine().withdraw(user('zhouhao'), id))).status).toBe(403);
      await engine().withdraw(user('sunli'), id, '客户改了条款');
      expect(await bed.wf.engine.outcome('crm.contract', doc.id)).toMatchObject({ instanceId: id, status: 'withdrawn', outcome: 'withdrawn' });
      const gone = await workflowError(() => engine().approve(user('zhouhao'), t.id, t.version));
      expect(gone.status).toBe(410);
      expect(gone.messageIn('zh-CN')).toBe('该任务已失效：审批单已撤销');
      expect((await workflowError(() => engine().withdraw(user('sunli'), id))).status).toBe(410);
      // the document may be submitted again
      const again = await bed.submit(doc);
      expect(await bed.wf.engine.outcome('crm.contract', doc.id)).toMatchObject({ instanceId: again.id, status: 'running', outcome: null });
    });

    it('a document is in at most one open approval', async () => {
      const doc = contract();
      await bed.submit(doc);
      const e = await workflowError(() => bed.submit(doc));
      expect(e.status).toBe(409);
      expect(e.messageIn('zh-CN')).toBe('该单据已在审批中，不能重复提交');
    });

    it('recall within the node and after it, while the next approver has not acted', async () => {
      const { id } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      const mine = (await bed.tasksOf(id)).find(t => t.assignee === user('zhouhao'))!;
      expect(await bed.pendingNames(id)).toEqual(['zhaoqiang']);
      const next = await bed.pendingFor(id, 'zhaoqiang');
      await engine().recall(user('zhouhao'), mine.id, '金额填错了');
      expect(await bed.pendingNames(id)).toEqual(['zhouhao']);
      // the next approver's task is gone with the recall
      expect((await workflowError(() => engine().approve(user('zhaoqiang'), next.id, next.version))).status).toBe(409);
      await bed.approve(id, 'zhouhao');
      await bed.approve(id, 'zhaoqiang');
      const tooLate = await workflowError(() => engine().recall(user('zhouhao'), mine.id));
      expect(tooLate.status).toBe(409);
      expect(tooLate.messageIn('zh-CN')).toBe('后续审批人已处理，不能撤回');
      expect((await workflowError(() => engine().recall(user('wufang'), mine.id))).status).toBe(403);
    });

    it('recall in a 或签 node reopens the others', async () => {
      await bed.useFlow(flow([approval('n1', users('liuyang', 'lina'), 'any'), approval('n2', users('chenjing'))]));
      const { id } = await bed.submit();
      await bed.approve(id, 'lina');
      const mine = (await bed.tasksOf(id)).find(t => t.assignee === user('lina'))!;
      await engine().recall(user('lina'), mine.id);
      expect(await bed.pendingNames(id)).toEqual(['lina', 'liuyang']);
      await bed.approve(id, 'liuyang');
      expect(await bed.pendingNames(id)).toEqual(['chenjing']);
      await bed.useFlow(threeNodes());
    });

    it('remind answers whom to notify and records it; cc and comments go to the timeline', async () => {
      const { id } = await bed.submit();
      expect(await engine().remind(user('sunli'), id)).toEqual({ users: [user('zhouhao')] });
      expect((await workflowError(() => engine().remind(user('wufang'), id))).status).toBe(403);
      await engine().cc(user('zhouhao'), id, [user('chenjing')], '供财务了解');
      // a CC recipient is a participant: may comment
      await engine().comment(user('chenjing'), id, '付款节点建议改为 30/70', [{ name: '付款建议.pdf', ref: 'netdisk:file/1' }]);
      expect((await workflowError(() => engine().comment(user('lina'), id, '路过'))).status).toBe(403);
      const d = await engine().detail(id);
      expect(d.timeline.map(x => x.action)).toEqual(['submit', 'remind', 'cc', 'comment']);
      expect(d.timeline.map(x => x.seq)).toEqual([1, 2, 3, 4]);
      expect(d.timeline[3]).toMatchObject({ actor: user('chenjing'), comment: '付款节点建议改为 30/70', detail: { attachments: [{ name: '付款建议.pdf' }] } });
      expect(d.cc.map(c => [c.user, c.by])).toEqual([[user('chenjing'), user('zhouhao')]]);
    });

    it('refuses stale task versions and tasks of others', async () => {
      const { id } = await bed.submit();
      const t = await bed.pendingFor(id, 'zhouhao');
      const stale = await workflowError(() => engine().approve(user('zhouhao'), t.id, t.version + 5));
      expect(stale.status).toBe(409);
      expect(stale.messageIn('zh-CN')).toBe('该任务已发生变化，请刷新后重试');
      const other = await workflowError(() => engine().approve(user('wufang'), t.id, t.version));
      expect(other.status).toBe(403);
      expect(other.messageIn('en')).toBe('This is not your approval task');
    });
  });

  describe('委托 delegation', () => {
    it('new tasks go to the delegate on behalf of the delegator, who can still act', async () => {
      await bed.useFlow(flow([approval('n1', users('zhaoqiang')), approval('n2', users('wangjianguo'))]));
      const now = bed.now();
      const day = 24 * 3600 * 1000;
      const d = await bed.wf.delegations.create(user('zhaoqiang'), {
        delegate: user('zhouhao'),
        documentTypes: ['crm.contract'],
        startsAt: new Date(now.getTime() - day).toISOString(),
        endsAt: new Date(now.getTime() + day).toISOString(),
      });
      const a = await bed.submit();
      const t = await bed.pendingFor(a.id, 'zhouhao');
      expect(t).toMatchObject({ assignee: user('zhouhao'), onBehalfOf: user('zhaoqiang') });
      const inbox = await bed.wf.inbox.todo(user('zhaoqiang'), { pageSize: 10 });
      expect(inbox.items.map(i => i.task.id)).toContain(t.id);
      await engine().approve(user('zhouhao'), t.id, t.version, '代赵强审批');
      const line = (await engine().detail(a.id)).timeline.find(x => x.action === 'approve')!;
      expect(line).toMatchObject({ actor: user('zhouhao'), onBehalfOf: user('zhaoqiang') });

      // the delegator acts himself on the next one
      const b = await bed.submit();
      const tb = await bed.pendingFor(b.id, 'zhaoqiang');
      await engine().approve(user('zhaoqiang'), tb.id, tb.version);
      expect((await engine().detail(b.id)).timeline.find(x => x.action === 'approve')).toMatchObject({ actor: user('zhaoqiang'), onBehalfOf: null });

      // revoked, or outside the date range: no delegation
      // it is the delegator's to manage: the delegate's list does not hold it
      expect((await bed.wf.delegations.list(user('zhouhao'))).some(x => x.id === d.id)).toBe(false);
      await bed.wf.delegations.revoke(user('zhaoqiang'), d.id);
      // the delegator keeps it in his list as revoked
      expect((await bed.wf.delegations.list(user('zhaoqiang'))).find(x => x.id === d.id)?.revokedAt).toBeTruthy();
      const c = await bed.submit();
      expect((await bed.pendingFor(c.id, 'zhaoqiang')).onBehalfOf).toBeNull();
      expect((await workflowError(() => bed.wf.delegations.create(user('zhaoqiang'), { delegate: user('zhaoqiang'), startsAt: now.toISOString(), endsAt: now.toISOString() }))).key).toBe('delegationSelf');
      expect(
        (await workflowError(() => bed.wf.delegations.create(user('zhaoqiang'), { delegate: user('zhouhao'), startsAt: now.toISOString(), endsAt: now.toISOString() }))).key,
      ).toBe('delegationRange');
    });

    it('only for the delegated document types', async () => {
      const now = bed.now();
      await bed.wf.delegations.create(user('wangjianguo'), {
        delegate: user('chenjing'),
        documentTypes: ['crm.expense-request'],
        startsAt: new Date(now.getTime() - 1000).toISOString(),
        endsAt: new Date(now.getTime() + 3600_000).toISOString(),
      });
      const a = await bed.submit();
      await bed.approve(a.id, 'zhaoqiang');
      expect(await bed.pendingFor(a.id, 'wangjianguo')).toMatchObject({ assignee: user('wangjianguo'), onBehalfOf: null });
    });
  });

  it('pages the inbox the suite’s way', async () => {
    await bed.useFlow(flow([approval('n1', users('lina'))]));
    for (let i = 0; i < 3; i++) await bed.submit();
    const page = await bed.wf.inbox.todo(user('lina'), { page: 1, pageSize: 2 });
    expect(page.totalCount).toBeGreaterThanOrEqual(3);
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    expect(page.items[0]).toMatchObject({ nodeName: 'n1', instance: { documentType: 'crm.contract' } });
  });
});
