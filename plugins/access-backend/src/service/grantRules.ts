import { ACTION_LABELS, FieldRule, GrantSpec, isBasicAction } from '@cocrm/plugin-access-common';
import { OrgSnapshot } from '@cocrm/plugin-access-node';
import { FieldError } from '../errors';
import { ModelRegistry } from './ModelRegistry';

const at = (prefix: string, ...parts: Array<string | number>) => [prefix, ...parts].filter(p => p !== '').join('.');

/**
 * What a stored grant says: departments only for `specified`, each once, so
 * that equal grants compare equal and nothing stale hides in a row.
 */
export function normalizeGrant(grant: GrantSpec): GrantSpec {
  const { resourceType, action, scope } = grant;
  if (scope !== 'specified') return { resourceType, action, scope };
  return { resourceType, action, scope, departments: [...new Set(grant.departments ?? [])], includeSubdepartments: Boolean(grant.includeSubdepartments) };
}

/**
 * Grants must name a declared resource type and one of its actions, with a
 * scope that the resource supports, and departments that exist; a set holds
 * each (resource type, action) once. Every problem is reported, per field.
 */
export function grantProblems(grants: GrantSpec[], models: ModelRegistry, org: OrgSnapshot, prefix: string): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  grants.forEach((grant, i) => {
    const path = (...p: Array<string | number>) => at(prefix, ...(prefix ? [i] : []), ...p);
    const model = models.get(grant.resourceType);
    if (!model) {
      problems.push({ path: path('resourceType'), key: 'unknownResource', vars: { resourceType: grant.resourceType } });
      return;
    }
    if (!model.actions.includes(grant.action)) {
      problems.push({ path: path('action'), key: 'unknownAction', vars: { resource: model.label, action: ACTION_LABELS[grant.action] } });
      return;
    }
    const key = `${grant.resourceType}\u0000${grant.action}`;
    if (seen.has(key)) problems.push({ path: path(), key: 'duplicateGrant' });
    seen.add(key);
    if ((!model.scoped || isBasicAction(grant.action)) && grant.scope !== 'all') {
      problems.push({ path: path('scope'), key: 'scopeNotApplicable', vars: { resource: model.label, action: ACTION_LABELS[grant.action] } });
      return;
    }
    if (grant.scope === 'specified') {
      if (!grant.departments?.length) problems.push({ path: path('departments'), key: 'specifiedNeedsDepartments' });
      grant.departments?.forEach((ref, j) => {
        if (!org.departments.has(ref)) problems.push({ path: path('departments', j), key: 'departmentNotFound', vars: { ref } });
      });
    }
  });
  return problems;
}

/** Field rules must name a field the resource declares, each field once per resource. */
export function fieldRuleProblems(rules: FieldRule[], models: ModelRegistry, prefix: string): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const model = models.get(rule.resourceType);
    if (!model) {
      problems.push({ path: at(prefix, i, 'resourceType'), key: 'unknownResource', vars: { resourceType: rule.resourceType } });
      return;
    }
    if (!model.fields.some(f => f.name === rule.field)) {
      problems.push({ path: at(prefix, i, 'field'), key: 'unknownField', vars: { resource: model.label, field: rule.field } });
      return;
    }
    const key = `${rule.resourceType}\u0000${rule.field}`;
    if (seen.has(key)) problems.push({ path: at(prefix, i), key: 'duplicateFieldRule' });
    seen.add(key);
  });
  return problems;
}
