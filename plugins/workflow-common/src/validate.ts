import type { Label } from '@cocrm/plugin-access-common';
import { BUILTIN_DOCUMENT_FIELDS, DocumentTypeSpec, FlowDefinition, Step } from './definition';
import { orderedBranches } from './conditions';
import { WorkflowMessageKey, workflowLabel } from './messages';

export type DefinitionProblemCode =
  | 'duplicateId'
  | 'noDefaultBranch'
  | 'manyDefaultBranches'
  | 'tooFewBranches'
  | 'unreachableBranch'
  | 'emptyApprovers'
  | 'emptyRecipients'
  | 'unknownField'
  | 'unknownApproverField'
  | 'noApprovalNode'
  | 'ratioMissing'
  | 'reminderAfterDeadline'
  | 'typeMismatch';

/** One reason a definition cannot be published, pointing at the node (step or branch) concerned. */
export interface DefinitionProblem {
  code: DefinitionProblemCode;
  nodeId: string | null;
  message: Label;
}

/**
 * Checks a (schema-valid) definition before publishing: what the schema
 * cannot see because it needs the whole tree or the document type. Returns
 * every problem at once so the designer can mark them all.
 */
export function validateDefinition(def: FlowDefinition, docType?: DocumentTypeSpec): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (code: DefinitionProblemCode, nodeId: string | null, key: WorkflowMessageKey, vars: Record<string, string | number> = {}) =>
    problems.push({ code, nodeId, message: workflowLabel(key, vars) });
  const declared = docType ? new Set<string>([...BUILTIN_DOCUMENT_FIELDS, ...docType.fields.map(f => f.name)]) : null;
  const userFields = docType ? new Set(docType.fields.filter(f => f.kind === 'user' || f.kind === 'list').map(f => f.name)) : null;
  if (docType && docType.type !== def.documentType) {
    add('typeMismatch', null, 'problemTypeMismatch', { type: def.documentType, expected: docType.type });
  }

  const seen = new Set<string>();
  const claim = (id: string) => {
    if (seen.has(id)) add('duplicateId', id, 'problemDuplicateId', { id });
    seen.add(id);
  };
  let approvalNodes = 0;

  const walk = (steps: Step[]) => {
    for (const step of steps) {
      claim(step.id);
      if (step.kind === 'approval') {
        approvalNodes++;
        if (step.approvers.length === 0 || step.approvers.some(r => r.kind === 'users' && r.users.length === 0)) {
          add('emptyApprovers', step.id, 'problemEmptyApprovers', { node: step.name });
        }
        if (step.mode === 'ratio' && !step.ratio) add('ratioMissing', step.id, 'problemRatioMissing', { node: step.name });
        const limit = step.timeLimit;
        if (limit?.remindBeforeHours !== undefined && limit.remindBeforeHours >= limit.hours) {
          add('reminderAfterDeadline', step.id, 'problemReminderAfterDeadline', { node: step.name, hours: limit.hours });
        }
        for (const r of step.approvers) {
          if (r.kind === 'documentField' && userFields && !userFields.has(r.field)) {
            add('unknownApproverField', step.id, 'problemUnknownApproverField', { node: step.name, field: r.field });
          }
        }
      } else if (step.kind === 'cc') {
        if (step.recipients.length === 0) add('emptyRecipients', step.id, 'problemEmptyRecipients', { node: step.name });
      } else {
        const defaults = step.branches.filter(b => b.isDefault);
        if (step.branches.length < 2) add('tooFewBranches', step.id, 'problemTooFewBranches', { node: step.name });
        if (defaults.length === 0) add('noDefaultBranch', step.id, 'problemNoDefaultBranch', { node: step.name });
        if (defaults.length > 1) add('manyDefaultBranches', step.id, 'problemManyDefaultBranches', { node: step.name });
        // A non-default branch without conditions always matches: whatever is tried after it never runs.
        let shadow: string | null = null;
        for (const branch of orderedBranches(step)) {
          if (shadow) {
            add('unreachableBranch', branch.id, branch.isDefault ? 'problemUnreachableDefault' : 'problemUnreachableBranch', {
              branch: branch.name,
              by: shadow,
            });
          } else if (!branch.isDefault && branch.conditions.length === 0) {
            shadow = branch.name;
          }
          for (const c of branch.conditions) {
            if (declared && !declared.has(c.field)) {
              add('unknownField', branch.id, 'problemUnknownField', { node: branch.name, field: c.field, type: docType!.type });
            }
          }
        }
        for (const branch of step.branches) {
          claim(branch.id);
          walk(branch.steps);
        }
      }
    }
  };
  walk(def.steps);
  if (approvalNodes === 0) add('noApprovalNode', null, 'problemNoApprovalNode');
  return problems;
}
