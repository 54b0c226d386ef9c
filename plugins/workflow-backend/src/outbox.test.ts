import { TestDatabaseId } from '@backstage/backend-test-utils';
import type { WorkflowStatusEvent } from '@cocrm/plugin-workflow-node';
import { WorkflowTestBed, approval, contract, databases, flow, startWorkflow, user, users, workflowError } from './__testUtils__/workflowTestBed';
import { recordingSinks } from './__testUtils__/recordingSinks';
import { OutboxDispatcher } from './outbox/OutboxDispatcher';
import { OutboxStore } from './outbox/OutboxStore';
import type { OutboxMessage } from './outbox/effects';

jest.setTimeout(60_000);

const quiet = { warn: () => {}, error: () => {}, debug: () => {} };

/** The messages of an instance's outbox rows, in order, without payload details that tests do not pin. */
async function kinds(store: OutboxStore, instanceId: string) {
  return (await store.ofInstance(instanceId)).map(e => (e.message.kind === 'notify' ? `notify:${e.message.payload.type}:${e.message.payload.to}` : e.message.kind));
}

describe.each(databases.eachSupportedId())('outbox on %s', (databaseId: TestDatabaseId) => {
  describe('rows, written in the transition', () => {
    let bed: WorkflowTestBed;
    let store: OutboxStore;

    beforeAll(async () => {
      // no delivery: the rows stay for the test to read
      bed = await startWorkflow(databaseId);
      store = bed.wf.outbox.store;
      await bed.useFlow(flow([approval('leader', users('zhouhao')), { kind: 'cc', id: 'fin', name: '财务知会', recipients: users('chenjing') }, approval('gm', users('wangjianguo'))]));
    });

    it('derives whom to tell from what changed, for every action', async () => {
      const { id } = await bed.submit();
      expect(await kinds(store, id)).toEqual([`notify:task:${user('zhouhao')}`, 'signal', 'event']);
      const signal = (await store.ofInstance(id))[1].message as Extract<OutboxMessage, { kind: 'signal' }>;
      expect(signal.payload.users).toEqual([user('sunli'), user('zhouhao')]);

      await bed.approve(id, 'zhouhao');
      // the CC node passes on the way to the general manager: 陈静 is told, and his list changed too
      const afterApprove = (await kinds(store, id)).slice(3);
      expect(afterApprove).toEqual([`notify:task:${user('wangjianguo')}`, `notify:cc:${user('chenjing')}`, 'signal']);
      const second = (await store.ofInstance(id))[5].message as Extract<OutboxMessage, { kind: 'signal' }>;
      expect(second.payload.users).toEqual([user('chenjing'), user('sunli'), user('wangjianguo'), user('zhouhao')].sort());

      // a comment changes nobody's lists
      await bed.wf.engine.comment(user('sunli'), id, '请尽快');
      expect(await store.ofInstance(id)).toHaveLength(6);

      await bed.approve(id, 'wangjianguo');
      const last = (await store.ofInstance(id)).slice(6);
      expect(last.map(e => e.message.kind)).toEqual(['notify', 'signal', 'event']);
      expect(last[0].message.payload).toMatchObject({ type: 'outcome', to: user('sunli'), status: 'approved', by: user('wangjianguo') });
      expect(last[2].message.payload).toMatchObject({ kind: 'status', instanceId: id, status: 'approved', outcome: 'approved' });
      // the event carries the instance's version after the change
      const { instance } = await bed.wf.engine.detail(id);
      expect((last[2].message.payload as WorkflowStatusEvent).version).toBe(instance.version);
    });

    it('a refused action writes nothing', async () => {
      const { id } = await bed.submit();
      const before = (await store.ofInstance(id)).length;
      const task = await bed.pendingFor(id, 'zhouhao');
      expect((await workflowError(() => bed.wf.engine.approve(user('zhaoqiang'), task.id, task.version))).status).toBe(403);
      expect((await workflowError(() => bed.wf.engine.approve(user('zhouhao'), task.id, task.version + 1))).status).toBe(409);
      expect(await store.ofInstance(id)).toHaveLength(before);
    });

    it('a transition whose outbox write fails does not happen at all', async () => {
      const { id } = await bed.submit();
      const before = await store.ofInstance(id);
      const task = await bed.pendingFor(id, 'zhouhao');
      const spy = jest.spyOn(OutboxStore.prototype, 'insert').mockRejectedValueOnce(new Error('disk full'));
      try {
        await expect(bed.wf.engine.approve(user('zhouhao'), task.id, task.version)).rejects.toThrow('disk full');
      } finally {
        spy.mockRestore();
      }
      const detail = await bed.wf.engine.detail(id);
      expect(detail.timeline.map(a => a.action)).toEqual(['submit']);
      expect(detail.tasks.find(t => t.id === task.id)).toMatchObject({ status: 'pending', version: task.version });
      expect(await store.ofInstance(id)).toEqual(before);
    });

    it('two dispatchers (replicas) never deliver a row twice; a claim of a stopped replica expires', async () => {
      const { id } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      const ids = (await store.ofInstance(id)).map(e => e.id);
      const delivered: string[] = [];
      const replica = () =>
        new OutboxDispatcher({
          store,
          logger: quiet,
          now: bed.now,
          deliver: async (_m, entry) => {
            await new Promise(r => setTimeout(r, 5));
            if (entry.instanceId === id) delivered.push(entry.id);
          },
        });
      // a replica that claimed the first row and stopped before delivering it
      const stuck = await store.claim(ids[0], bed.now(), new Date(bed.now().getTime() + 60_000));
      expect(stuck).toBeDefined();
      const [a, b] = [replica(), replica()];
      await Promise.all([a.sweep(), b.sweep(), a.deliverOne(ids[1]), b.deliverOne(ids[1])]);
      expect(delivered.sort()).toEqual(ids.slice(1).sort());
      bed.advance(61_000);
      await a.sweep();
      expect(delivered.sort()).toEqual([...ids].sort());
      expect((await store.ofInstance(id)).every(e => e.deliveredAt !== null)).toBe(true);
    });
  });

  describe('delivery', () => {
    let bed: WorkflowTestBed;
    const sinks = recordingSinks();
    const flush = () => bed.wf.outbox.dispatcher!.flush();
    const eventsOf = (id: string) => sinks.sent.events.map(e => e.eventPayload as WorkflowStatusEvent).filter(e => e.instanceId === id);
    const notificationsTo = (name: string) => sinks.sent.notifications.filter(n => sinks.recipients(n).includes(user(name)));

    beforeAll(async () => {
      bed = await startWorkflow(databaseId, { delivery: sinks.delivery });
      await bed.useFlow(flow([approval('leader', users('zhouhao')), approval('gm', users('wangjianguo'))]));
    });

    it('notifies each new task once per task scope, links the instance, and re-sends a reminder under that scope', async () => {
      const doc = contract({ amount: 1_500_000_00 });
      const { id } = await bed.submit(doc);
      await flush();
      const task = await bed.pendingFor(id, 'zhouhao');
      const [n] = notificationsTo('zhouhao');
      expect(n.recipients).toEqual({ type: 'entity', entityRef: [user('zhouhao')] });
      expect(n.payload).toMatchObject({
        title: `待审批：合同 ${doc.title}`,
        link: `/approvals/instances/${id}`,
        scope: `workflow-task:${task.id}`,
        topic: 'workflow',
      });
      expect(n.payload.description).toContain('¥1,500,000.00');

      await bed.wf.engine.remind(user('sunli'), id, '月底前要签');
      await flush();
      const reminders = notificationsTo('zhouhao');
      expect(reminders).toHaveLength(2);
      expect(reminders[1].payload).toMatchObject({ title: `催办：合同 ${doc.title}`, scope: `workflow-task:${task.id}`, severity: 'high' });
      expect(reminders[1].payload.description).toContain('月底前要签');

      // every user whose lists changed hears of it on the inbox channel
      const signal = sinks.sent.signals[0];
      expect(signal).toEqual({ channel: 'workflow:inbox', message: { kind: 'changed' }, recipients: { type: 'user', entityRef: [user('sunli'), user('zhouhao')] } });
    });

    it('says on whose behalf a delegate approves', async () => {
      const now = bed.now();
      await bed.wf.delegations.create(user('wangjianguo'), {
        delegate: user('chenjing'),
        startsAt: new Date(now.getTime() - 1000).toISOString(),
        endsAt: new Date(now.getTime() + 86_400_000).toISOString(),
      });
      const { id, title } = await bed.submit();
      await bed.approve(id, 'zhouhao');
      await flush();
      const n = notificationsTo('chenjing').at(-1)!;
      expect(n.payload.title).toBe(`待审批（代 wangjianguo 审批）：合同 ${title}`);
      await bed.approve(id, 'chenjing');
      await flush();
      const outcome = notificationsTo('sunli').at(-1)!;
      expect(outcome.payload).toMatchObject({ title: `审批通过：合同 ${title}`, scope: `workflow-instance:${id}` });
    });

    it('publishes a status event with the instance version for submit, return, resubmit and finish', async () => {
      const { id } = await bed.submit(contract({ applicant: user('wufang') }));
      const t = await bed.pendingFor(id, 'zhouhao');
      await bed.wf.engine.return(user('zhouhao'), t.id, t.version, { to: 'initiator', comment: '补充附件' });
      await bed.wf.engine.resubmit(user('wufang'), id, {});
      await bed.wf.engine.withdraw(user('wufang'), id);
      await flush();
      const events = eventsOf(id);
      expect(events.map(e => e.status)).toEqual(['running', 'returned', 'running', 'withdrawn']);
      expect(events.map(e => e.version)).toEqual([1, 2, 3, 4]);
      expect(sinks.sent.events.filter(e => (e.eventPayload as WorkflowStatusEvent).instanceId === id).every(e => e.topic === 'cocrm.workflow')).toBe(true);
      expect(events[3]).toMatchObject({ kind: 'status', outcome: 'withdrawn', documentType: 'crm.contract' });
      // the applicant hears of the return, not of their own withdrawal
      expect(notificationsTo('wufang').map(n => n.payload.title.split('：')[0])).toEqual(['审批退回']);
      expect(notificationsTo('wufang')[0].payload.description).toBe('zhouhao 退回了您的申请，请修改后重新提交');
    });

    it('the scheduler\'s actions on deadlines (remind, escalate, auto-approve) inform people like any other action', async () => {
      const limited = (onTimeout: 'escalate' | 'autoApprove') =>
        flow([approval('leader', users('zhouhao'), 'any', { timeLimit: { hours: 2, remindBeforeHours: 1, onTimeout } }), approval('gm', users('wangjianguo'))]);
      await bed.useFlow(limited('escalate'));
      const { id, title } = await bed.submit();
      const task = await bed.pendingFor(id, 'zhouhao');
      bed.advance(3_600_000 + 1);
      expect(await bed.wf.engine.deadline(task.id, 'remind')).toBe('reminded');
      await flush();
      expect(notificationsTo('zhouhao').at(-1)!.payload).toMatchObject({ title: `催办：合同 ${title}`, scope: `workflow-task:${task.id}` });
      bed.advance(3_600_000);
      expect(await bed.wf.engine.deadline(task.id, 'timeout', [user('zhaoqiang')])).toBe('escalated');
      await flush();
      const escalated = await bed.pendingFor(id, 'zhaoqiang');
      expect(notificationsTo('zhaoqiang').at(-1)!.payload).toMatchObject({ title: `待审批：合同 ${title}`, scope: `workflow-task:${escalated.id}` });
      expect(sinks.sent.signals.at(-1)!.recipients).toEqual({ type: 'user', entityRef: [user('sunli'), user('zhaoqiang'), user('zhouhao')] });

      await bed.useFlow(limited('autoApprove'));
      const second = await bed.submit();
      const t2 = await bed.pendingFor(second.id, 'zhouhao');
      bed.advance(2 * 3_600_000 + 1);
      expect(await bed.wf.engine.deadline(t2.id, 'timeout')).toBe('autoApproved');
      await flush();
      const gm = await bed.pendingFor(second.id, 'wangjianguo');
      expect(sinks.sent.notifications.at(-1)!.payload.scope).toBe(`workflow-task:${gm.id}`);
      await bed.useFlow(flow([approval('leader', users('zhouhao')), approval('gm', users('wangjianguo'))]));
    });

    it('retries a failed delivery with backoff, keeps the last error, and delivers it later', async () => {
      sinks.failing.notifications = 2;
      const { id } = await bed.submit();
      await flush();
      const store = bed.wf.outbox.store;
      const row = async () => (await store.ofInstance(id)).find(e => e.message.kind === 'notify')!;
      expect(await row()).toMatchObject({ attempts: 1, deliveredAt: null, lastError: 'notifications down' });
      // the others did not wait for it
      expect(eventsOf(id)).toHaveLength(1);
      const dispatcher = bed.wf.outbox.dispatcher!;
      expect(await dispatcher.sweep()).toEqual({ delivered: 0, failed: 0 });
      bed.advance(31_000);
      expect(await dispatcher.sweep()).toEqual({ delivered: 0, failed: 1 });
      expect(await row()).toMatchObject({ attempts: 2, lastError: 'notifications down' });
      bed.advance(31_000);
      expect(await dispatcher.sweep()).toEqual({ delivered: 0, failed: 0 });
      bed.advance(30_000);
      expect(await dispatcher.sweep()).toEqual({ delivered: 1, failed: 0 });
      expect(await row()).toMatchObject({ attempts: 3, lastError: null });
      expect((await row()).deliveredAt).not.toBeNull();
      expect(notificationsTo('zhouhao').filter(n => n.payload.link === `/approvals/instances/${id}`)).toHaveLength(1);
    });

    it('gives up after the last attempt and keeps the row with its error', async () => {
      const { id } = await bed.wf.engine.submit(user('sunli'), contract());
      const store = bed.wf.outbox.store;
      const ids = (await store.ofInstance(id)).map(e => e.id);
      await flush();
      const stubborn = new OutboxDispatcher({ store, logger: quiet, now: bed.now, maxAttempts: 1, deliver: async () => Promise.reject(new Error('smtp 550')) });
      // already delivered after commit: nothing left to fail
      expect(await stubborn.deliverOne(ids[0])).toBe('skipped');
      const [fresh] = await store.insert(bed.knex, id, [{ kind: 'signal', payload: { users: [user('sunli')] } }], bed.now());
      expect(await stubborn.deliverOne(fresh)).toBe('failed');
      const entry = (await store.ofInstance(id)).find(e => e.id === fresh)!;
      expect(entry).toMatchObject({ attempts: 1, deliveredAt: null, lastError: 'smtp 550' });
      expect(entry.failedAt).not.toBeNull();
      bed.advance(3_600_000);
      expect(await stubborn.deliverOne(fresh)).toBe('skipped');
    });
  });
});
