import { orderedBranches } from '@cocrm/plugin-workflow-common';
import type {
  ApprovalStep,
  Branch,
  BranchGroup,
  CcStep,
  FlowDefinition,
  Step,
} from '@cocrm/plugin-workflow-common';

/*
 * The designer's edits as pure functions over a FlowDefinition: each returns a
 * new definition and leaves its input untouched, so the page can compare the
 * draft with what it loaded and tests can check the exact tree produced.
 */

/** Where a chain of steps lives: the flow's own steps, or one branch's. */
export type ChainRef = { kind: 'root' } | { kind: 'branch'; branchId: string };

export const ROOT: ChainRef = { kind: 'root' };

/** A node the designer can select: a step (approval, cc, branch group) or one branch of a group. */
export type NodeRef =
  | { kind: 'step'; step: Step; chain: ChainRef; index: number }
  | { kind: 'branch'; branch: Branch; group: BranchGroup };

export type NewStepKind = Step['kind'];

/** The names new nodes get, in the UI language. */
export interface NewNodeNames {
  approval: string;
  cc: string;
  branchGroup: string;
  /** a condition branch, numbered: (n) => "条件 n" */
  condition: (n: number) => string;
  defaultBranch: string;
}

/** Ids match the schema's `[A-Za-z0-9_-]{1,64}`; random so two editors never collide on merge. */
export function newNodeId(prefix: string): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')}`;
}

export function newStep(kind: NewStepKind, names: NewNodeNames): Step {
  if (kind === 'approval') {
    const step: ApprovalStep = { kind: 'approval', id: newNodeId('approval'), name: names.approval, mode: 'sequential', approvers: [] };
    return step;
  }
  if (kind === 'cc') {
    const step: CcStep = { kind: 'cc', id: newNodeId('cc'), name: names.cc, recipients: [] };
    return step;
  }
  return {
    kind: 'branch',
    id: newNodeId('branch'),
    name: names.branchGroup,
    branches: [
      { id: newNodeId('cond'), name: names.condition(1), priority: 0, conditions: [], steps: [] },
      { id: newNodeId('cond'), name: names.defaultBranch, priority: 1, isDefault: true, conditions: [], steps: [] },
    ],
  };
}

/** Branches in the order they are tried and shown, priorities renumbered 0…n with the default last. */
export function normalizeGroup(group: BranchGroup): BranchGroup {
  return { ...group, branches: orderedBranches(group).map((b, i) => ({ ...b, priority: i })) };
}

/** Applies `fn` to every chain of the tree (root first, then depth first), rebuilding only what changed. */
function mapChains(steps: Step[], chain: ChainRef, fn: (steps: Step[], chain: ChainRef) => Step[]): Step[] {
  const mapped = steps.map(step => {
    if (step.kind !== 'branch') return step;
    let changed = false;
    const branches = step.branches.map(b => {
      const inner = mapChains(b.steps, { kind: 'branch', branchId: b.id }, fn);
      if (inner === b.steps) return b;
      changed = true;
      return { ...b, steps: inner };
    });
    return changed ? { ...step, branches } : step;
  });
  const same = mapped.every((s, i) => s === steps[i]);
  return fn(same ? steps : mapped, chain);
}

const sameChain = (a: ChainRef, b: ChainRef) =>
  a.kind === b.kind && (a.kind === 'root' || a.branchId === (b as { branchId: string }).branchId);

function withSteps(def: FlowDefinition, fn: (steps: Step[], chain: ChainRef) => Step[]): FlowDefinition {
  const steps = mapChains(def.steps, ROOT, fn);
  return steps === def.steps ? def : { ...def, steps };
}

/** Maps every branch group of the tree (`fn` returns the group itself when nothing changes). */
function withGroups(def: FlowDefinition, fn: (group: BranchGroup) => BranchGroup | Step[]): FlowDefinition {
  return withSteps(def, steps => {
    let changed = false;
    const out: Step[] = [];
    for (const step of steps) {
      if (step.kind !== 'branch') {
        out.push(step);
        continue;
      }
      const next = fn(step);
      if (next !== step) changed = true;
      if (Array.isArray(next)) out.push(...next);
      else out.push(next);
    }
    return changed ? out : steps;
  });
}

export function insertStep(def: FlowDefinition, chain: ChainRef, index: number, step: Step): FlowDefinition {
  return withSteps(def, (steps, c) => {
    if (!sameChain(c, chain)) return steps;
    const at = Math.max(0, Math.min(index, steps.length));
    return [...steps.slice(0, at), step, ...steps.slice(at)];
  });
}

/** The node with this id (the first, should a loaded definition repeat ids). */
export function findNode(def: FlowDefinition, id: string): NodeRef | undefined {
  const search = (steps: Step[], chain: ChainRef): NodeRef | undefined => {
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index];
      if (step.id === id) return { kind: 'step', step, chain, index };
      if (step.kind === 'branch') {
        for (const branch of step.branches) {
          if (branch.id === id) return { kind: 'branch', branch, group: step };
          const inner = search(branch.steps, { kind: 'branch', branchId: branch.id });
          if (inner) return inner;
        }
      }
    }
    return undefined;
  };
  return search(def.steps, ROOT);
}

/** How many steps a node holds below it (a group or branch with steps asks before it is deleted). */
export function countSteps(steps: Step[]): number {
  return steps.reduce((n, s) => n + 1 + (s.kind === 'branch' ? s.branches.reduce((m, b) => m + countSteps(b.steps), 0) : 0), 0);
}

export function nestedStepCount(node: NodeRef): number {
  if (node.kind === 'branch') return countSteps(node.branch.steps);
  return node.step.kind === 'branch' ? countSteps([node.step]) - 1 : 0;
}

/**
 * Removes a step or a branch. The default branch stays (a group without one
 * cannot route); removing a group's last condition branch dissolves the
 * group, its default branch's steps taking its place in the chain, as the
 * DingTalk designer does.
 */
export function removeNode(def: FlowDefinition, id: string): FlowDefinition {
  const node = findNode(def, id);
  if (!node) return def;
  if (node.kind === 'step') {
    return withSteps(def, (steps, chain) => {
      if (!sameChain(chain, node.chain)) return steps;
      const at = steps.findIndex(s => s.id === id);
      return at < 0 ? steps : [...steps.slice(0, at), ...steps.slice(at + 1)];
    });
  }
  if (node.branch.isDefault) return def;
  return withGroups(def, group => {
    if (group.id !== node.group.id) return group;
    const rest = group.branches.filter(b => b.id !== id);
    if (rest.length === 1 && rest[0].isDefault) return rest[0].steps;
    return normalizeGroup({ ...group, branches: rest });
  });
}

/** Adds a condition branch just before the default one. */
export function addBranch(def: FlowDefinition, groupId: string, names: NewNodeNames): { definition: FlowDefinition; branchId: string } {
  const branchId = newNodeId('cond');
  const definition = withGroups(def, group => {
    if (group.id !== groupId) return group;
    const ordered = orderedBranches(group);
    const conditions = ordered.filter(b => !b.isDefault);
    const branch: Branch = { id: branchId, name: names.condition(conditions.length + 1), priority: 0, conditions: [], steps: [] };
    return { ...group, branches: [...conditions, branch, ...ordered.filter(b => b.isDefault)].map((b, i) => ({ ...b, priority: i })) };
  });
  return { definition, branchId };
}

/** Moves a condition branch one place earlier (-1) or later (+1); the default branch neither moves nor is passed. */
export function moveBranch(def: FlowDefinition, branchId: string, delta: -1 | 1): FlowDefinition {
  return withGroups(def, group => {
    if (!group.branches.some(b => b.id === branchId)) return group;
    const ordered = orderedBranches(group);
    const conditions = ordered.filter(b => !b.isDefault);
    const at = conditions.findIndex(b => b.id === branchId);
    const to = at + delta;
    if (at < 0 || to < 0 || to >= conditions.length) return group;
    const moved = [...conditions];
    [moved[at], moved[to]] = [moved[to], moved[at]];
    return { ...group, branches: [...moved, ...ordered.filter(b => b.isDefault)].map((b, i) => ({ ...b, priority: i })) };
  });
}

/** Replaces a step (same id) by `fn(step)`. */
export function updateStep(def: FlowDefinition, id: string, fn: (step: Step) => Step): FlowDefinition {
  return withSteps(def, steps => {
    const at = steps.findIndex(s => s.id === id);
    if (at < 0) return steps;
    const next = fn(steps[at]);
    return next === steps[at] ? steps : [...steps.slice(0, at), next, ...steps.slice(at + 1)];
  });
}

/** Replaces a branch (same id) by `fn(branch)`; its steps are kept unless `fn` changes them. */
export function updateBranch(def: FlowDefinition, id: string, fn: (branch: Branch) => Branch): FlowDefinition {
  return withGroups(def, group => {
    const at = group.branches.findIndex(b => b.id === id);
    if (at < 0) return group;
    const branches = [...group.branches];
    branches[at] = fn(branches[at]);
    return { ...group, branches };
  });
}

/** Every node id of the tree, in display order (for keyboard hints and tests). */
export function nodeIds(def: FlowDefinition): string[] {
  const out: string[] = [];
  const walk = (steps: Step[]) => {
    for (const s of steps) {
      out.push(s.id);
      if (s.kind === 'branch') {
        for (const b of orderedBranches(s)) {
          out.push(b.id);
          walk(b.steps);
        }
      }
    }
  };
  walk(def.steps);
  return out;
}

/** The first flow of a document type: the applicant's department leader approves, then it is done. */
export function templateDefinition(documentType: string, name: string, approvalName: string): FlowDefinition {
  return {
    documentType,
    name,
    policies: { emptyApprover: { kind: 'admin' }, duplicateApprover: 'autoPass', resubmit: 'restart' },
    steps: [
      {
        kind: 'approval',
        id: newNodeId('approval'),
        name: approvalName,
        mode: 'sequential',
        approvers: [{ kind: 'departmentLeader' }],
      },
    ],
  };
}

/** JSON with sorted keys and without undefined members, so key order and cleared optionals do not count as changes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Structural equality of two definitions (the draft is "dirty" when it differs from what was loaded). */
export function sameDefinition(a: FlowDefinition, b: FlowDefinition): boolean {
  return canonical(a) === canonical(b);
}
