import { TestDatabaseId } from '@backstage/backend-test-utils';
import { TimeLimit, WorkflowActionEntry } from '@cocrm/plugin-workflow-common';
import { WorkflowError } from './errors';
import { WorkflowTestBed, approval, databases, flow, startWorkflow, user, users, workflowError } from './__testUtils__/workflowTestBed';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const limited = (id: string, names: string[], timeLimit: TimeLimit, mode: 'any' | 'all' | 'sequential' = 'any') =>
  approval(id, users(...names), mode, { timeLimit });

describe.each(databases.eachSupportedId())('审批时限 on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  const run = () => bed.wf.deadlines.run();
  const timeline = async (id: string) => (await bed.wf.engine.detail(id)).timeline;
  const systemLines = (t: WorkflowActionEntry[]) => t.filter(x => x.actor === 'system' && x.action !== 'nodeApproved' && x.action !== 'finish');

  beforeAll(async () => {
    bed = await startWorkflow(databaseId);
  });

  /** Nothing else may be due when a test starts: earlier tests' tasks are closed by withdrawing them. */
  afterEach(async () => {
    const open: Array<{ id: string; applicant: string }> = await bed.knex('workflow_instances').whereIn('status', ['running', 'returned']).select('id', 'applicant');
    for (const i of open) await bed.wf.engine.withdraw(i.applicant, i.id);
  });

  it('stamps a task with its deadline when it reaches the approver, reminds before and at it exactly once', async () => {
    await bed.useFlow(flow([limited('n1', ['lina'], { hours: 2, remindBeforeHours: 0.5, onTimeout: 'remind' })]));
    const { id } = await bed.submit();
    const task = await bed.pendingFor(id, 'lina');
    expect(Date.parse(task.dueAt!) - Date.parse(task.pendingAt!)).toBe(2 * HOUR);

    expect(await run()).toMatchObject({ reminded: 0, remindedAtDeadline: 0 });
    bed.advance(1.5 * HOUR);
    // two replicas at once still remind once
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.reminded + b.reminded).toBe(1);
    expect((await run()).reminded).toBe(0);
    bed.advance(0.5 * HOUR);
    expect(await run()).toMatchObject({ reminded: 0, remindedAtDeadline: 1 });
    expect(await run()).toMatchObject({ reminded: 0, remindedAtDeadline: 0 });

    const lines = systemLines(await timeline(id));
    expect(lines.map(l => [l.action, l.taskId, l.detail.reason, l.detail.users])).toEqual([
      ['remind', task.id, 'beforeDeadline', [user('lina')]],
      ['remind', task.id, 'timeout', [user('lina')]],
    ]);
    // reminders leave the task's version alone: the approver's open page is not stale
    await bed.wf.engine.approve(user('lina'), task.id, task.version);
    expect(await bed.status(id)).toBe('approved');
  });

  it('a queued task of a sequential node gets its time limit when its turn comes', async () => {
    await bed.useFlow(flow([limited('seq', ['lina', 'liuyang'], { hours: 2, onTimeout: 'remind' }, 'sequential')]));
    const { id } = await bed.submit();
    const queued = (await bed.tasksOf(id)).find(t => t.assignee === user('liuyang'))!;
    expect(queued).toMatchObject({ status: 'queued', dueAt: null, pendingAt: null });
    bed.advance(HOUR);
    await bed.approve(id, 'lina');
    const turn = await bed.pendingFor(id, 'liuyang');
    expect(Date.parse(turn.pendingAt!)).toBeGreaterThanOrEqual(Date.parse(queued.createdAt) + HOUR);
    expect(Date.parse(turn.dueAt!) - Date.parse(turn.pendingAt!)).toBe(2 * HOUR);
  });

  it('escalates to the supervisor (and on up), or only reminds when there is nobody above', async () => {
    await bed.useFlow(flow([limited('n1', ['lina'], { hours: 4, onTimeout: 'escalate' })]));
    const { id } = await bed.submit();
    const linaTask = await bed.pendingFor(id, 'lina');
    bed.advance(4 * HOUR);
    expect(await run()).toMatchObject({ escalated: 1 });
    // 李娜's supervisor is 陈静; the escalated task has a time limit of its own
    const chenjing = await bed.pendingFor(id, 'chenjing');
    expect(Date.parse(chenjing.dueAt!) - Date.parse(chenjing.pendingAt!)).toBe(4 * HOUR);
    const late = await workflowError(() => bed.wf.engine.approve(user('lina'), linaTask.id, linaTask.version));
    expect([late.status, late.messageIn('zh-CN')]).toEqual([409, '该任务已处理（已转交），不能再次操作']);
    const transfer = systemLines(await timeline(id)).find(l => l.action === 'transfer')!;
    expect(transfer).toMatchObject({ taskId: linaTask.id, detail: { to: user('chenjing'), from: user('lina'), reason: 'timeout' } });

    bed.advance(4 * HOUR);
    expect(await run()).toMatchObject({ escalated: 1 });
    // 王建国 has no supervisor: at his deadline he is reminded
    const gm = await bed.pendingFor(id, 'wangjianguo');
    bed.advance(4 * HOUR);
    expect(await run()).toMatchObject({ escalated: 0, remindedAtDeadline: 1 });
    expect((await bed.pendingFor(id, 'wangjianguo')).id).toBe(gm.id);
    expect(systemLines(await timeline(id)).pop()).toMatchObject({ action: 'remind', detail: { reason: 'timeout', escalation: 'noSupervisor' } });
  });

  it('auto-approves: the node passes and the next one starts; auto-rejects: the approval ends rejected', async () => {
    await bed.useFlow(flow([limited('n1', ['lina'], { hours: 1, onTimeout: 'autoApprove' }), approval('gm', users('wangjianguo'))]));
    const approved = await bed.submit();
    const t = await bed.pendingFor(approved.id, 'lina');
    bed.advance(HOUR - 1000);
    expect((await run()).autoApproved).toBe(0);
    bed.advance(1000);
    expect((await run()).autoApproved).toBe(1);
    const decided = (await bed.tasksOf(approved.id)).find(x => x.id === t.id)!;
    expect(decided).toMatchObject({ status: 'autoApproved', decidedBy: 'system' });
    expect(await bed.pendingNames(approved.id)).toEqual(['wangjianguo']);
    expect(systemLines(await timeline(approved.id)).map(l => [l.action, l.detail.reason])).toEqual([['autoApprove', 'timeout']]);

    await bed.useFlow(flow([limited('n1', ['lina'], { hours: 1, onTimeout: 'autoReject' }), approval('gm', users('wangjianguo'))]));
    const rejected = await bed.submit();
    bed.advance(HOUR);
    expect((await run()).autoRejected).toBe(1);
    expect(await bed.status(rejected.id)).toBe('rejected');
    expect((await timeline(rejected.id)).map(l => l.action)).toEqual(['submit', 'autoReject', 'finish']);
  });

  it('the scheduler after a person decided does nothing; a person after the scheduler gets a 409', async () => {
    await bed.useFlow(flow([limited('n1', ['lina'], { hours: 1, onTimeout: 'autoApprove' }), approval('gm', users('wangjianguo'))]));
    const first = await bed.submit();
    const second = await bed.submit();
    const [t1, t2] = [await bed.pendingFor(first.id, 'lina'), await bed.pendingFor(second.id, 'lina')];
    bed.advance(HOUR);
    // found due by a scan, decided by a person before the lock
    await bed.wf.engine.reject(user('lina'), t1.id, t1.version);
    const before = (await timeline(first.id)).length;
    expect(await bed.wf.engine.deadline(t1.id, 'timeout')).toBe('skipped');
    expect(await timeline(first.id)).toHaveLength(before);

    expect(await run()).toMatchObject({ autoApproved: 1 });
    const late = await workflowError(() => bed.wf.engine.reject(user('lina'), t2.id, t2.version));
    expect([late.status, late.messageIn('zh-CN')]).toEqual([409, '该任务已处理（已自动通过），不能再次操作']);
  });

  it('a person deciding at the same moment as the scheduler: exactly one decision per task, the loser gets a 409', async () => {
    await bed.useFlow(flow([limited('n1', ['lina'], { hours: 1, onTimeout: 'autoApprove' }), approval('gm', users('wangjianguo'))]));
    const instances = [];
    for (let i = 0; i < 20; i++) instances.push(await bed.submit());
    const tasks = [];
    for (const inst of instances) tasks.push(await bed.pendingFor(inst.id, 'lina'));
    bed.advance(HOUR);
    // the scheduler goes through the tasks oldest first, the people newest first: they meet somewhere in between
    // (both orders of winning are also shown one by one in the test above)
    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
    const human = tasks.map((t, k) =>
      sleep((tasks.length - 1 - k) * 6)
        .then(() => bed.wf.engine.reject(user('lina'), t.id, t.version, '不同意'))
        .then(
        () => 'ok',
        (e: unknown) => {
            if (e instanceof WorkflowError) return `${e.status} ${e.messageIn('zh-CN')}`;
            throw e;
          },
        ),
    );
    const [summary, ...answers] = await Promise.all([run(), ...human]);
    for (const [k, inst] of instances.entries()) {
      const d = await bed.wf.engine.detail(inst.id);
      expect(d.timeline.map(x => x.seq)).toEqual(d.timeline.map((_, i) => i + 1));
      const decisions = d.timeline.filter(x => x.action === 'reject' || x.action === 'autoApprove');
      expect(decisions).toHaveLength(1);
      const person = decisions[0].action === 'reject';
      expect([answers[k], d.instance.status]).toEqual(person ? ['ok', 'rejected'] : ['409 该任务已处理（已自动通过），不能再次操作', 'running']);
    }
    // a task a person decided before the scan is not even found; one decided between scan and lock is skipped
    const humanWins = answers.filter(a => a === 'ok').length;
    expect(summary.autoApproved).toBe(20 - humanWins);
    expect(summary.skipped).toBeLessThanOrEqual(humanWins);
    expect(summary.failed).toEqual([]);
    // nothing is left due: a rerun does nothing
    expect(await run()).toMatchObject({ autoApproved: 0, skipped: 0 });
  });
});
