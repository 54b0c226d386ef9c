import { BUILTIN_DOCUMENT_FIELDS } from '@cocrm/plugin-workflow-common';
import type { ConditionOperator, DocumentFieldKind, DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import type { Label } from '@cocrm/plugin-access-common';

/** A field a branch condition may test, as the condition editor offers it. */
export interface ConditionField {
  name: string;
  /** null for the built-in fields, whose labels are the designer's own texts */
  label: Label | null;
  kind: DocumentFieldKind;
  builtin: boolean;
}

/** What every submission carries, typed so the editor knows which operators and value inputs fit. */
const BUILTIN_KINDS: Record<(typeof BUILTIN_DOCUMENT_FIELDS)[number], DocumentFieldKind> = {
  amount: 'money',
  department: 'department',
  type: 'string',
  applicant: 'user',
};

/** The built-in fields, then the document type's own (a declared field of a built-in name is not repeated). */
export function conditionFields(docType: DocumentTypeSpec | undefined): ConditionField[] {
  const builtins: ConditionField[] = BUILTIN_DOCUMENT_FIELDS.map(name => ({ name, label: null, kind: BUILTIN_KINDS[name], builtin: true }));
  const own: ConditionField[] = (docType?.fields ?? [])
    .filter(f => !(BUILTIN_DOCUMENT_FIELDS as readonly string[]).includes(f.name))
    .map(f => ({ name: f.name, label: f.label, kind: f.kind, builtin: false }));
  return [...builtins, ...own];
}

/**
 * The operators that mean something for a kind, as the engine evaluates them
 * (conditions.ts): ordering only on numbers, `contains` on text and lists.
 */
export function operatorsFor(kind: DocumentFieldKind): ConditionOperator[] {
  switch (kind) {
    case 'money':
    case 'number':
      return ['gte', 'gt', 'lte', 'lt', 'eq', 'ne'];
    case 'boolean':
      return ['eq', 'ne'];
    case 'date':
      return ['eq', 'ne'];
    case 'list':
      return ['contains'];
    case 'user':
    case 'department':
      return ['eq', 'ne', 'in'];
    case 'string':
    default:
      return ['eq', 'ne', 'in', 'contains'];
  }
}

/** Fields whose value is a user ref (or a list of them): the ones approvers may be taken from. */
export function userFields(docType: DocumentTypeSpec | undefined): Array<{ name: string; label: Label }> {
  return (docType?.fields ?? []).filter(f => f.kind === 'user' || f.kind === 'list').map(f => ({ name: f.name, label: f.label }));
}
