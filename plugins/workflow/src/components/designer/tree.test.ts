import { validateDefinition } from '@cocrm/plugin-workflow-common';
import type { BranchGroup, FlowDefinition } from '@cocrm/plugin-workflow-common';
import { fenToYuan, yuanToFen } from './money';
import {
  addBranch,
  findNode,
  insertStep,
  moveBranch,
  NewNodeNames,
  newStep,
  nodeIds,
  removeNode,
  ROOT,
  sameDefinition,
  templateDefinition,
  updateBranch,
} from './tree';

const NAMES: NewNodeNames = {
  approval: '审批人',
  cc: '抄送人',
  branchGroup: '条件分支',
  condition: n => `条件${n}`,
  defaultBranch: '其他情况',
};

const base = (): FlowDefinition => templateDefinition('contract', '合同审批', '部门负责人审批');

describe('tree edits', () => {
  it('inserts a step at a position of the root chain without touching the input', () => {
    const def = base();
    const step = newStep('approval', NAMES);
    const next = insertStep(def, ROOT, 0, step);
    expect(next.steps.map(s => s.name)).toEqual(['审批人', '部门负责人审批']);
    expect(next.steps[0]).toEqual({ kind: 'approval', id: step.id, name: '审批人', mode: 'sequential', approvers: [] });
    expect(step.id).toMatch(/^approval-[0-9a-f]{12}$/);
    expect(def.steps).toHaveLength(1);
  });

  it('builds a branch group with one condition and the default, and inserts into a branch chain', () => {
    const group = newStep('branch', NAMES) as BranchGroup;
    expect(group.branches.map(b => [b.name, b.priority, !!b.isDefault])).toEqual([
      ['条件1', 0, false],
      ['其他情况', 1, true],
    ]);
    let def = insertStep(base(), ROOT, 1, group);
    const cc = newStep('cc', NAMES);
    def = insertStep(def, { kind: 'branch', branchId: group.branches[1].id }, 0, cc);
    const found = findNode(def, cc.id);
    expect(found).toMatchObject({ kind: 'step', chain: { kind: 'branch', branchId: group.branches[1].id }, index: 0 });
  });

  it('adds condition branches before the default and keeps the default last when moving', () => {
    const group = newStep('branch', NAMES) as BranchGroup;
    let def = insertStep(base(), ROOT, 1, group);
    const added = addBranch(def, group.id, NAMES);
    def = added.definition;
    const names = () => (def.steps[1] as BranchGroup).branches.map(b => `${b.name}:${b.priority}${b.isDefault ? '*' : ''}`);
    expect(names()).toEqual(['条件1:0', '条件2:1', '其他情况:2*']);
    def = moveBranch(def, added.branchId, -1);
    expect(names()).toEqual(['条件2:0', '条件1:1', '其他情况:2*']);
    // the default is never passed: moving the last condition right does nothing
    const unchanged = moveBranch(def, group.branches[0].id, 1);
    expect(unchanged).toBe(def);
  });

  it('dissolves a group when its last condition is removed, its default steps taking its place', () => {
    const group = newStep('branch', NAMES) as BranchGroup;
    let def = insertStep(base(), ROOT, 1, group);
    const cc = newStep('cc', NAMES);
    def = insertStep(def, { kind: 'branch', branchId: group.branches[1].id }, 0, cc);
    // the default branch itself cannot be removed
    expect(removeNode(def, group.branches[1].id)).toBe(def);
    def = removeNode(def, group.branches[0].id);
    expect(def.steps.map(s => s.kind)).toEqual(['approval', 'cc']);
    expect(def.steps[1].id).toBe(cc.id);
  });

  it('removes a step from a nested chain and renumbers after removing a middle branch', () => {
    const group = newStep('branch', NAMES) as BranchGroup;
    let def = insertStep(base(), ROOT, 1, group);
    def = addBranch(def, group.id, NAMES).definition;
    def = removeNode(def, group.branches[0].id);
    const left = (def.steps[1] as BranchGroup).branches;
    expect(left.map(b => [b.name, b.priority])).toEqual([
      ['条件2', 0],
      ['其他情况', 1],
    ]);
    def = removeNode(def, def.steps[0].id);
    expect(nodeIds(def)).toEqual([group.id, left[0].id, left[1].id]);
  });

  it('updates a branch in place and compares definitions structurally', () => {
    const group = newStep('branch', NAMES) as BranchGroup;
    const def = insertStep(base(), ROOT, 1, group);
    const next = updateBranch(def, group.branches[0].id, b => ({ ...b, conditions: [{ field: 'amount', op: 'gt', value: 100_000_000 }] }));
    expect((next.steps[1] as BranchGroup).branches[0].conditions).toHaveLength(1);
    expect(sameDefinition(def, next)).toBe(false);
    // key order and cleared optional members are no change
    const reordered = JSON.parse(JSON.stringify({ steps: def.steps, policies: def.policies, name: def.name, documentType: def.documentType }));
    expect(sameDefinition(def, reordered)).toBe(true);
    expect(sameDefinition(def, { ...def, steps: def.steps.map(s => ({ ...s, emptyApprover: undefined })) })).toBe(true);
  });

  it('starts new flows from a template that validates', () => {
    expect(validateDefinition(base())).toEqual([]);
    expect(base().steps[0]).toMatchObject({ kind: 'approval', name: '部门负责人审批', approvers: [{ kind: 'departmentLeader' }] });
  });
});

describe('money', () => {
  it('parses 元 to 分 exactly and prints 分 as 元', () => {
    expect(yuanToFen('1,000,000')).toBe(100_000_000);
    expect(yuanToFen('1000000.5')).toBe(100_000_050);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('1.234')).toBeUndefined();
    expect(yuanToFen('-1')).toBeUndefined();
    expect(yuanToFen('')).toBeUndefined();
    expect(fenToYuan(100_000_050)).toBe('1000000.50');
    expect(fenToYuan(100_000_000)).toBe('1000000');
  });
});
