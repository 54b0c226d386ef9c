import { TestDatabaseId } from '@backstage/backend-test-utils';
import { WorkflowActionEntry, WorkflowTask } from '@cocrm/plugin-workflow-common';
import { WorkflowError } from './errors';
import { WorkflowTestBed, approval, databases, flow, startWorkflow, user, users } from './__testUtils__/workflowTestBed';

jest.setTimeout(120_000);

type Settled = { ok: true } | { ok: false; error: WorkflowError };
const settle = (p: Promise<unknown>): Promise<Settled> =>
  p.then(
    () => ({ ok: true }) as Settled,
    e => {
      if (e instanceof WorkflowError) return { ok: false, error: e } as Settled;
      throw e;
    },
  );

/** The log of an instance has one line per sequence number, 1..n, in order: nothing interleaved or lost. */
function expectGaplessLog(timeline: WorkflowActionEntry[]) {
  expect(timeline.map(x => x.seq)).toEqual(timeline.map((_, i) => i + 1));
}

describe.each(databases.eachSupportedId())('并发 on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  /** transactions seen by knex: connection and first/last query time, to prove real concurrency on PostgreSQL */
  let seen: Map<string, { connection: string; first: number; last: number }>;

  beforeAll(async () => {
    bed = await startWorkflow(databaseId);
    seen = new Map();
    bed.knex.on('query', (q: { __knexTxId?: string; __knexUid?: string }) => {
      if (!q.__knexTxId) return;
      const now = performance.now();
      const entry = seen.get(q.__knexTxId) ?? { connection: q.__knexUid ?? '?', first: now, last: now };
      entry.last = now;
      seen.set(q.__knexTxId, entry);
    });
  });

  /** The most transactions that were open at the same moment, and how many connections carried them. */
  const concurrency = () => {
    const events = [...seen.values()].flatMap(t => [
      { at: t.first, d: 1 },
      { at: t.last, d: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.d - b.d);
    let open = 0;
    let max = 0;
    for (const e of events) {
      open += e.d;
      max = Math.max(max, open);
    }
    return { maxOpen: max, connections: new Set([...seen.values()].map(t => t.connection)).size };
  };

  const expectConcurrentOnPostgres = () => {
    const c = concurrency();
    if (databaseId === 'POSTGRES_15') {
      expect(c.connections).toBeGreaterThan(1);
      expect(c.maxOpen).toBeGreaterThan(1);
    }
  };

  it('或签: 100 simultaneous decisions on 20 instances → exactly one winner per node, the others 409/410', async () => {
    const approvers = ['liuyang', 'lina', 'chenjing', 'zhouhao', 'zhaoqiang'];
    await bed.useFlow(flow([approval('any', users(...approvers), 'any'), approval('gm', users('wangjianguo'))]));
    const instances = [];
    for (let i = 0; i < 20; i++) instances.push(await bed.submit());
    // every task first, then all 100 decisions at once
    const decisions: Array<{ instanceId: string; name: string; approve: boolean; taskId: string; version: number }> = [];
    for (const [i, inst] of instances.entries()) {
      for (const [j, name] of approvers.entries()) {
        const t = await bed.pendingFor(inst.id, name);
        decisions.push({ instanceId: inst.id, name, approve: (i + j) % 3 !== 0, taskId: t.id, version: t.version });
      }
    }
    seen.clear();
    const results = await Promise.all(
      decisions.map(x =>
        settle(x.approve ? bed.wf.engine.approve(user(x.name), x.taskId, x.version) : bed.wf.engine.reject(user(x.name), x.taskId, x.version)),
      ),
    );
    expect(results).toHaveLength(100);
    expectConcurrentOnPostgres();

    for (const inst of instances) {
      const mine = results.filter((_, k) => decisions[k].instanceId === inst.id);
      const winners = mine.filter(r => r.ok);
      expect(winners).toHaveLength(1);
      const loserStatuses = mine.flatMap(r => (r.ok ? [] : [r.error.status]));
      expect(loserStatuses.filter(st => st !== 409 && st !== 410)).toEqual([]);
      expect(loserStatuses).toHaveLength(4);
      const winner = decisions[results.indexOf(winners[0])];
      const d = await bed.wf.engine.detail(inst.id);
      expectGaplessLog(d.timeline);
      const decisionsLogged = d.timeline.filter(x => x.action === 'approve' || x.action === 'reject');
      expect(decisionsLogged).toHaveLength(1);
      expect(decisionsLogged[0]).toMatchObject({ actor: user(winner.name), action: winner.approve ? 'approve' : 'reject' });
      expect(d.instance.status).toBe(winner.approve ? 'running' : 'rejected');
      // the 或签 node holds one decided task; every other one was closed, none left pending
      const nodeTasks = d.tasks.filter(t => t.nodeId === d.nodes[0].id);
      expect(nodeTasks.filter(t => t.status === 'approved' || t.status === 'rejected')).toHaveLength(1);
      expect(nodeTasks.filter(t => t.status === 'pending')).toHaveLength(0);
      expect(d.tasks.filter(t => t.status === 'pending').map(t => t.assignee)).toEqual(winner.approve ? [user('wangjianguo')] : []);
    }
  });

  it('会签: 100 simultaneous approvals on 20 instances → none lost, every node completes once', async () => {
    const approvers = ['liuyang', 'lina', 'chenjing', 'zhouhao', 'zhaoqiang'];
    await bed.useFlow(flow([approval('all', users(...approvers), 'all'), approval('gm', users('wangjianguo'))]));
    const instances = [];
    for (let i = 0; i < 20; i++) instances.push(await bed.submit());
    const tasks: Array<{ name: string; id: string; version: number }> = [];
    for (const inst of instances) {
      for (const name of approvers) tasks.push({ name, ...(await bed.pendingFor(inst.id, name)) });
    }
    seen.clear();
    const results = await Promise.all(tasks.map(t => settle(bed.wf.engine.approve(user(t.name), t.id, t.version))));
    expect(results.filter(r => r.ok)).toHaveLength(100);
    expectConcurrentOnPostgres();
    for (const inst of instances) {
      const d = await bed.wf.engine.detail(inst.id);
      expectGaplessLog(d.timeline);
      expect(d.timeline.filter(x => x.action === 'approve')).toHaveLength(5);
      expect(d.timeline.filter(x => x.action === 'nodeApproved')).toHaveLength(1);
      // exactly one next node, with exactly one task for the general manager
      expect(d.nodes.map(n => [n.stepId, n.status])).toEqual([
        ['all', 'approved'],
        ['gm', 'active'],
      ]);
      expect(d.tasks.filter(t => t.status === 'pending').map(t => t.assignee)).toEqual([user('wangjianguo')]);
    }
  });

  it('an approver deciding while the applicant withdraws: exactly one wins', async () => {
    await bed.useFlow(flow([approval('gm', users('wangjianguo'))]));
    const instances = [];
    for (let i = 0; i < 20; i++) instances.push(await bed.submit());
    const tasks: WorkflowTask[] = [];
    for (const inst of instances) tasks.push(await bed.pendingFor(inst.id, 'wangjianguo'));
    seen.clear();
    const pairs = await Promise.all(
      instances.map((inst, i) => {
        const approve = () => settle(bed.wf.engine.approve(user('wangjianguo'), tasks[i].id, tasks[i].version));
        const withdraw = () => settle(bed.wf.engine.withdraw(user('sunli'), inst.id));
        // alternate who starts first so both orders occur
        if (i % 2) return Promise.all([approve(), withdraw()]);
        return Promise.all([withdraw(), approve()]).then(([w, a]) => [a, w]);
      }),
    );
    expectConcurrentOnPostgres();
    const show = (r: Settled) => (r.ok ? 'ok' : `${r.error.status} ${r.error.messageIn('zh-CN')}`);
    for (const [k, [approve, withdraw]] of pairs.entries()) {
      const d = await bed.wf.engine.detail(instances[k].id);
      expectGaplessLog(d.timeline);
      expect([
        { status: 'approved', approve: 'ok', withdraw: '409 审批单已通过，不能再操作' },
        { status: 'withdrawn', approve: '410 该任务已失效：审批单已撤销', withdraw: 'ok' },
      ]).toContainEqual({ status: d.instance.status, approve: show(approve), withdraw: show(withdraw) });
      expect(d.timeline.filter(x => ['approve', 'withdraw'].includes(x.action))).toHaveLength(1);
    }
  });

  it('the same decision sent twice at once counts once', async () => {
    await bed.useFlow(flow([approval('n1', users('lina', 'liuyang'), 'all')]));
    const inst = await bed.submit();
    const t = await bed.pendingFor(inst.id, 'lina');
    const results = await Promise.all(Array.from({ length: 10 }, () => settle(bed.wf.engine.approve(user('lina'), t.id, t.version))));
    expect(results.filter(r => r.ok)).toHaveLength(1);
    expect(results.filter(r => !r.ok).map(r => (r.ok ? 0 : r.error.status))).toEqual(Array(9).fill(409));
    const d = await bed.wf.engine.detail(inst.id);
    expect(d.timeline.filter(x => x.action === 'approve')).toHaveLength(1);
    expect(d.instance.status).toBe('running');
  });
});
