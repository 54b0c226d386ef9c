import { TaskState, evaluateNode } from './nodeRules';

const t = (id: string, status: TaskState['status'], extra: Partial<TaskState> = {}): TaskState => ({ id, status, origin: 'rule', parentTaskId: null, seq: 0, ...extra });

describe('evaluateNode', () => {
  it('sequential activates the next turn only when the current one is approved', () => {
    const tasks = [t('a', 'approved', { seq: 0 }), t('b', 'queued', { seq: 1 }), t('c', 'queued', { seq: 2 })];
    expect(evaluateNode('sequential', null, tasks)).toEqual({ outcome: 'open', activate: ['b'] });
    expect(evaluateNode('sequential', null, [t('a', 'pending', { seq: 0 }), t('b', 'queued', { seq: 1 })])).toEqual({ outcome: 'open', activate: [] });
    expect(evaluateNode('sequential', null, [t('a', 'approved'), t('b', 'autoApproved', { seq: 1 })])).toEqual({ outcome: 'approved' });
  });

  it('a member approved with a signer added after counts only once the signer approved', () => {
    const base = [t('a', 'approved'), t('x', 'pending', { origin: 'addAfter', parentTaskId: 'a' })];
    expect(evaluateNode('any', null, base).outcome).toBe('open');
    expect(evaluateNode('any', null, [t('a', 'approved'), t('x', 'approved', { origin: 'addAfter', parentTaskId: 'a' })]).outcome).toBe('approved');
  });

  it('signers added before do not count; transferred and cancelled tasks are ignored', () => {
    expect(evaluateNode('all', null, [t('a', 'waiting'), t('x', 'approved', { origin: 'addBefore', parentTaskId: 'a' })]).outcome).toBe('open');
    expect(evaluateNode('all', null, [t('a', 'transferred'), t('b', 'approved')]).outcome).toBe('approved');
  });

  it('ratio counts members, rounding the share up', () => {
    const three = (s: TaskState['status'][]) => s.map((st, i) => t(`m${i}`, st));
    expect(evaluateNode('ratio', 50, three(['approved', 'pending', 'pending'])).outcome).toBe('open');
    expect(evaluateNode('ratio', 50, three(['approved', 'approved', 'pending'])).outcome).toBe('approved');
    expect(evaluateNode('ratio', 50, three(['rejected', 'rejected', 'pending'])).outcome).toBe('rejected');
    expect(evaluateNode('ratio', 100, three(['approved', 'approved', 'rejected'])).outcome).toBe('rejected');
  });
});
