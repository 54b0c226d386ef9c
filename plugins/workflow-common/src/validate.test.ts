import { DocumentTypeSpec, FlowDefinition, Step } from './definition';
import { validateDefinition } from './validate';
import { flowDefinitionSchema, documentSubmissionSchema } from './schemas';
import { conditionHolds, selectBranch } from './conditions';
import { workflowPermissions } from './model';

const CONTRACT: DocumentTypeSpec = {
  pluginId: 'crm',
  link: '/crm/contracts/{id}',
  type: 'crm.contract',
  label: { 'zh-CN': '合同', en: 'Contract' },
  fields: [
    { name: 'contractType', label: { 'zh-CN': '合同类型', en: 'Type' }, kind: 'string' },
    { name: 'owner', label: { 'zh-CN': '负责人', en: 'Owner' }, kind: 'user' },
  ],
};

const approval = (id: string, extra: object = {}): Step => ({ kind: 'approval', id, name: id, mode: 'any', approvers: [{ kind: 'departmentLeader' }], ...extra });
const def = (steps: Step[]): FlowDefinition => ({
  documentType: 'crm.contract',
  name: '合同审批',
  policies: { emptyApprover: { kind: 'autoPass' }, duplicateApprover: 'autoPass', resubmit: 'restart' },
  steps,
});
const amountGroup = (branches: Extract<Step, { kind: 'branch' }>['branches']): Step => ({ kind: 'branch', id: 'g', name: '金额', branches });

describe('validateDefinition', () => {
  it('accepts a well-formed flow', () => {
    const d = def([
      approval('leader'),
      amountGroup([
        { id: 'big', name: '大额', priority: 1, conditions: [{ field: 'amount', op: 'gt', value: 100_000_000 }], steps: [approval('gm')] },
        { id: 'else', name: '其他', priority: 2, isDefault: true, conditions: [], steps: [] },
      ]),
    ]);
    expect(validateDefinition(d, CONTRACT)).toEqual([]);
  });

  it('finds missing defaults, unreachable branches, empty approvers, unknown fields and duplicate ids', () => {
    const d = def([
      approval('n1', { approvers: [] }),
      approval('n1', { approvers: [{ kind: 'documentField', field: 'nobody' }] }),
      amountGroup([
        { id: 'all', name: '全部', priority: 1, conditions: [], steps: [] },
        { id: 'typ', name: '按类型', priority: 2, conditions: [{ field: 'kind', op: 'eq', value: 'x' }], steps: [approval('deep', { mode: 'ratio' })] },
      ]),
      { kind: 'cc', id: 'cc', name: '抄送', recipients: [] },
    ]);
    const problems = validateDefinition(d, CONTRACT);
    expect(problems.map(p => [p.code, p.nodeId])).toEqual([
      ['emptyApprovers', 'n1'],
      ['duplicateId', 'n1'],
      ['unknownApproverField', 'n1'],
      ['noDefaultBranch', 'g'],
      ['unreachableBranch', 'typ'],
      ['unknownField', 'typ'],
      ['ratioMissing', 'deep'],
      ['emptyRecipients', 'cc'],
    ]);
    expect(problems[3].message).toEqual({ 'zh-CN': '条件分支“金额”没有默认分支', en: 'The branch group "金额" has no default branch' });
  });

  it('sees a default branch shadowed by an unconditional one and a flow without approval nodes', () => {
    const d = def([
      amountGroup([
        { id: 'a', name: '无条件', priority: 1, conditions: [], steps: [] },
        { id: 'd', name: '默认', priority: 0, isDefault: true, conditions: [], steps: [] },
      ]),
    ]);
    expect(validateDefinition(d).map(p => p.code)).toEqual(['unreachableBranch', 'noApprovalNode']);
  });
});

describe('schemas', () => {
  it('parses a nested tree and refuses unknown node kinds, bad modes and float amounts', () => {
    const d = def([amountGroup([{ id: 'd', name: '默认', priority: 0, isDefault: true, conditions: [], steps: [approval('x')] }])]);
    expect(flowDefinitionSchema.safeParse(d).success).toBe(true);
    expect(flowDefinitionSchema.safeParse(def([{ ...approval('x'), mode: 'most' } as unknown as Step])).success).toBe(false);
    expect(flowDefinitionSchema.safeParse(def([{ kind: 'timer', id: 't', name: 't' } as unknown as Step])).success).toBe(false);
    const sub = { type: 'crm.contract', id: 'HT-1', title: '合同', applicant: 'user:default/sunli', fields: {} };
    expect(documentSubmissionSchema.safeParse({ ...sub, amount: 150_000_000 }).success).toBe(true);
    const float = documentSubmissionSchema.safeParse({ ...sub, amount: 1.5 });
    expect(float.success).toBe(false);
    expect(float.error?.issues[0].message).toBe('invalidValue');
    expect(documentSubmissionSchema.safeParse({ ...sub, applicant: 'sunli' }).success).toBe(false);
  });
});

describe('conditions', () => {
  it('compares numbers, lists and substrings', () => {
    expect(conditionHolds({ field: 'amount', op: 'gt', value: 100 }, 101)).toBe(true);
    expect(conditionHolds({ field: 'amount', op: 'gt', value: 100 }, 100)).toBe(false);
    expect(conditionHolds({ field: 'amount', op: 'lte', value: 100 }, '100')).toBe(true);
    expect(conditionHolds({ field: 'd', op: 'in', value: ['group:default/sales', 'group:default/hq'] }, 'group:default/hq')).toBe(true);
    expect(conditionHolds({ field: 'd', op: 'ne', value: 'a' }, 'b')).toBe(true);
    expect(conditionHolds({ field: 't', op: 'contains', value: '框架' }, '框架合同')).toBe(true);
    expect(conditionHolds({ field: 't', op: 'contains', value: 'x' }, ['x', 'y'])).toBe(true);
    expect(conditionHolds({ field: 'amount', op: 'gt', value: 1 }, 'abc')).toBe(false);
  });

  it('selects by priority with the default last and reports a missing field', () => {
    const group = amountGroup([
      { id: 'd', name: '默认', priority: 0, isDefault: true, conditions: [], steps: [] },
      { id: 'mid', name: '中', priority: 2, conditions: [{ field: 'amount', op: 'gt', value: 10 }], steps: [] },
      { id: 'big', name: '大', priority: 1, conditions: [{ field: 'amount', op: 'gt', value: 100 }], steps: [] },
    ]) as Extract<Step, { kind: 'branch' }>;
    const doc = (amount?: number) => ({ type: 'crm.contract', applicant: 'user:default/a', amount, fields: {} });
    const fail = (field: string): never => {
      throw new Error(`missing ${field}`);
    };
    expect(selectBranch(group, doc(1000), fail)?.id).toBe('big');
    expect(selectBranch(group, doc(50), fail)?.id).toBe('mid');
    expect(selectBranch(group, doc(5), fail)?.id).toBe('d');
    expect(() => selectBranch(group, doc(undefined), fail)).toThrow('missing amount');
  });
});

describe('审批时限', () => {
  it('accepts a time limit and refuses a reminder at or after the deadline, or an unknown action', () => {
    const ok = def([approval('n1', { timeLimit: { hours: 24, remindBeforeHours: 4, onTimeout: 'escalate' } })]);
    expect(flowDefinitionSchema.safeParse(ok).success).toBe(true);
    expect(validateDefinition(ok, CONTRACT)).toEqual([]);

    const late = def([approval('n1', { timeLimit: { hours: 2, remindBeforeHours: 2, onTimeout: 'remind' } })]);
    expect(validateDefinition(late, CONTRACT).map(p => [p.code, p.nodeId, p.message['zh-CN']])).toEqual([
      ['reminderAfterDeadline', 'n1', '节点“n1”的提前提醒须早于 2 小时的审批时限'],
    ]);

    const bad = flowDefinitionSchema.safeParse(def([approval('n1', { timeLimit: { hours: 0, onTimeout: 'snooze' } })]));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map(i => [i.path.slice(-2).join('.'), i.message])).toEqual([
      ['timeLimit.hours', 'invalidValue'],
      ['timeLimit.onTimeout', 'invalidValue'],
    ]);
  });
});

it('declares the permissions in the suite’s naming pattern', () => {
  expect(workflowPermissions.map(p => p.name)).toEqual([
    'workflow.flow.read',
    'workflow.flow.create',
    'workflow.flow.update',
    'workflow.flow.delete',
    'workflow.instance.read',
    'workflow.instance.export',
    'workflow.report.read',
  ]);
});
