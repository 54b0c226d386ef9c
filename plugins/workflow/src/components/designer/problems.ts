import {
  flowDefinitionSchema,
  isWorkflowMessageKey,
  validateDefinition,
  workflowMessage,
} from '@cocrm/plugin-workflow-common';
import type { DefinitionProblem, DocumentTypeSpec, FlowDefinition } from '@cocrm/plugin-workflow-common';
import type { DesignerLocale, DesignerMessageKey, DesignerTranslate } from './i18n';

/** A reason the draft cannot be published, pointing at the card to mark (null: the flow as a whole). */
export interface DesignerProblem {
  key: string;
  nodeId: string | null;
  message: string;
}

type Issue = { path: PropertyKey[]; message: string; maximum?: unknown };

const KIND_LABELS: Record<string, DesignerMessageKey> = {
  approval: 'nodes.approval',
  cc: 'nodes.cc',
  branch: 'nodes.branchGroup',
};

/** The deepest node on a schema issue's path (`steps.0.branches.1.name` → that branch), named for the message. */
function nodeOnPath(def: FlowDefinition, path: PropertyKey[], t: DesignerTranslate): { id: string; name: string } | null {
  let cur: unknown = def;
  let node: { id: string; name: string } | null = null;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') break;
    cur = (cur as Record<string, unknown>)[part as string];
    const candidate = cur as { id?: unknown; name?: unknown; kind?: unknown } | null;
    if (candidate && typeof candidate === 'object' && !Array.isArray(candidate) && typeof candidate.id === 'string') {
      const named = typeof candidate.name === 'string' && candidate.name.trim();
      // an unnamed node is called by its kind (a branch has no kind)
      const kindKey = typeof candidate.kind === 'string' ? KIND_LABELS[candidate.kind] : 'drawer.branchTitle';
      node = { id: candidate.id, name: named ? String(candidate.name) : t(kindKey ?? 'drawer.title') };
    }
  }
  return node;
}

/** The form field an issue is about, by the last named key of its path. */
const FIELD_LABELS: Record<string, DesignerMessageKey> = {
  name: 'drawer.name',
  ratio: 'drawer.ratio',
  user: 'empty.user_pick',
  users: 'rules.pickUsers',
  role: 'rules.pickRole',
  level: 'rules.level',
  upToLevel: 'rules.upToLevel',
  field: 'conditions.field',
  value: 'conditions.value',
  hours: 'timeLimit.hours',
  remindBeforeHours: 'timeLimit.remindBefore',
  emptyApprover: 'drawer.emptyApprover',
};

function fieldOnPath(path: PropertyKey[], t: DesignerTranslate, flowLevel: boolean): string {
  const last = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (flowLevel && last === 'name') return t('settings.name');
  if (flowLevel && path[0] === 'policies') {
    if (last === 'user') return t('settings.emptyUser');
    if (path[1] === 'duplicateApprover') return t('settings.duplicate');
    if (path[1] === 'resubmit') return t('settings.resubmit');
    return t('settings.emptyApprover');
  }
  const key = last ? FIELD_LABELS[last] : undefined;
  return key ? t(key) : '';
}

/** What the schema refuses (empty names, ratios out of range …), located on the cards. */
export function schemaProblems(def: FlowDefinition, locale: DesignerLocale, t: DesignerTranslate): DesignerProblem[] {
  const parsed = flowDefinitionSchema.safeParse(def);
  if (parsed.success) return [];
  const seen = new Set<string>();
  const out: DesignerProblem[] = [];
  for (const issue of parsed.error.issues as Issue[]) {
    const path = issue.path.map(String).join('.');
    if (seen.has(path)) continue;
    seen.add(path);
    const vars: Record<string, number> = typeof issue.maximum === 'number' || typeof issue.maximum === 'bigint' ? { max: Number(issue.maximum) } : {};
    const text = workflowMessage(locale, isWorkflowMessageKey(issue.message) ? issue.message : 'invalidValue', vars);
    const node = nodeOnPath(def, issue.path, t);
    const field = fieldOnPath(issue.path, t, !node);
    const message = field ? t('problems.field', { field, message: text }) : text;
    out.push({
      key: `schema:${path}`,
      nodeId: node?.id ?? null,
      message: node ? t('problems.schema', { node: node.name, message }) : t('problems.flowField', { message }),
    });
  }
  return out;
}

export function fromDefinitionProblems(problems: DefinitionProblem[], locale: DesignerLocale): DesignerProblem[] {
  return problems.map((p, i) => ({ key: `${p.code}:${p.nodeId ?? ''}:${i}`, nodeId: p.nodeId, message: p.message[locale] || p.message['zh-CN'] }));
}

/**
 * Everything that blocks publishing, as the backend would find it: the
 * schema first (the tree checks assume a well-formed tree), then the tree and
 * document-type checks of workflow-common.
 */
export function draftProblems(
  def: FlowDefinition,
  docType: DocumentTypeSpec | undefined,
  locale: DesignerLocale,
  t: DesignerTranslate,
): DesignerProblem[] {
  return [...schemaProblems(def, locale, t), ...fromDefinitionProblems(validateDefinition(def, docType), locale)];
}

/** Problems by node id, for marking the cards. */
export function problemsByNode(problems: DesignerProblem[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of problems) {
    if (!p.nodeId) continue;
    map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p.message]);
  }
  return map;
}
