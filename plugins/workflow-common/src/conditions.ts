import type { Branch, BranchGroup, Condition } from './definition';
import type { DocumentSubmission } from './runtime';

/** The value a condition tests: the submission's own fields first, then its field snapshot. */
export function documentValue(doc: Pick<DocumentSubmission, 'amount' | 'department' | 'type' | 'applicant' | 'fields'>, field: string): unknown {
  switch (field) {
    case 'amount':
      return doc.amount ?? undefined;
    case 'department':
      return doc.department ?? undefined;
    case 'type':
      return doc.type;
    case 'applicant':
      return doc.applicant;
    default:
      return doc.fields[field];
  }
}

const asNumber = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

const same = (a: unknown, b: unknown) => {
  const na = asNumber(a);
  const nb = asNumber(b);
  return na !== null && nb !== null ? na === nb : String(a) === String(b);
};

/** Whether a value satisfies a condition (undefined values are reported by the caller, not guessed here). */
export function conditionHolds(c: Condition, value: unknown): boolean {
  switch (c.op) {
    case 'eq':
      return same(value, c.value);
    case 'ne':
      return !same(value, c.value);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = asNumber(value);
      const b = asNumber(c.value);
      if (a === null || b === null) return false;
      if (c.op === 'gt') return a > b;
      if (c.op === 'gte') return a >= b;
      if (c.op === 'lt') return a < b;
      return a <= b;
    }
    case 'in':
      return Array.isArray(c.value) && c.value.some(v => same(value, v));
    case 'contains':
      if (Array.isArray(value)) return value.some(v => same(v, c.value));
      return typeof value === 'string' && value.includes(String(c.value));
    default:
      return false;
  }
}

/** Branches in the order they are tried: by priority, the default last. */
export function orderedBranches(group: BranchGroup): Branch[] {
  return [...group.branches].sort((a, b) => Number(!!a.isDefault) - Number(!!b.isDefault) || a.priority - b.priority);
}

/**
 * The branch a document takes: the first (by priority) whose conditions all
 * hold, else the default. `onMissing` is told about a tested field the
 * document lacks, so the engine can refuse instead of silently routing.
 */
export function selectBranch(
  group: BranchGroup,
  doc: Pick<DocumentSubmission, 'amount' | 'department' | 'type' | 'applicant' | 'fields'>,
  onMissing: (field: string) => never,
): Branch | undefined {
  for (const branch of orderedBranches(group)) {
    if (branch.isDefault) return branch;
    const holds = branch.conditions.every(c => {
      const value = documentValue(doc, c.field);
      if (value === undefined || value === null) onMissing(c.field);
      return conditionHolds(c, value);
    });
    if (holds) return branch;
  }
  return undefined;
}
