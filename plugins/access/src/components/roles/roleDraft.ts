import { ACCESS_ACTIONS } from '@cocrm/plugin-access-common';
import type {
  AccessAction,
  FieldMode,
  FieldRule,
  GrantSpec,
  ResourceModel,
  Role,
  RoleUpdate,
  ScopeSpec,
} from '@cocrm/plugin-access-common';

/**
 * The role being edited: one scope per matrix cell and one mode per field.
 * Cells and fields without an entry are 不授权 / 可见.
 */
export interface RoleDraft {
  name: string;
  description: string;
  cells: Record<string, ScopeSpec>;
  fields: Record<string, FieldMode>;
}

export const cellKey = (resourceType: string, action: AccessAction | string) => `${resourceType}::${action}`;
export const fieldKey = (resourceType: string, field: string) => `${resourceType}::${field}`;

/** Only `specified` carries departments; other scopes drop them so that equal grants compare equal. */
export function normalizeScope(spec: ScopeSpec): ScopeSpec {
  if (spec.scope !== 'specified') return { scope: spec.scope };
  return {
    scope: 'specified',
    departments: [...new Set(spec.departments ?? [])].sort(),
    includeSubdepartments: !!spec.includeSubdepartments,
  };
}

export function draftFromRole(role: Role): RoleDraft {
  const cells: Record<string, ScopeSpec> = {};
  for (const g of role.grants) cells[cellKey(g.resourceType, g.action)] = normalizeScope(g);
  const fields: Record<string, FieldMode> = {};
  for (const r of role.fieldRules) fields[fieldKey(r.resourceType, r.field)] = r.mode;
  return { name: role.name, description: role.description ?? '', cells, fields };
}

/** Grants of the role that the model no longer offers (a plugin or action went away). */
export function orphanGrants(role: Role, resources: ResourceModel[]): GrantSpec[] {
  const byType = new Map(resources.map(r => [r.resourceType, r]));
  return role.grants.filter(g => !byType.get(g.resourceType)?.actions.includes(g.action));
}

export interface DraftBody {
  body: Omit<RoleUpdate, 'version'> & { grants: GrantSpec[]; fieldRules: FieldRule[] };
  /** which cell each `grants[i]` came from, to put server errors ("grants.3.departments") under the right cell */
  grantCells: string[];
  /** which field each `fieldRules[i]` came from */
  ruleFields: string[];
}

/**
 * The PATCH body without its version: the whole set of grants and field
 * rules (the backend replaces them), in the model's order so that the same
 * draft always gives the same body. Entries for resources the model does not
 * offer are left out: the backend would refuse them.
 */
export function draftToBody(draft: RoleDraft, resources: ResourceModel[]): DraftBody {
  const grants: GrantSpec[] = [];
  const grantCells: string[] = [];
  const fieldRules: FieldRule[] = [];
  const ruleFields: string[] = [];
  for (const r of resources) {
    for (const action of ACCESS_ACTIONS) {
      if (!r.actions.includes(action)) continue;
      const key = cellKey(r.resourceType, action);
      const spec = draft.cells[key];
      if (!spec) continue;
      grants.push({ resourceType: r.resourceType, action, ...normalizeScope(spec) });
      grantCells.push(key);
    }
    for (const f of r.fields) {
      const key = fieldKey(r.resourceType, f.name);
      const mode = draft.fields[key];
      if (!mode) continue;
      fieldRules.push({ resourceType: r.resourceType, field: f.name, mode });
      ruleFields.push(key);
    }
  }
  return {
    body: { name: draft.name.trim(), description: draft.description.trim() || null, grants, fieldRules },
    grantCells,
    ruleFields,
  };
}

/** Whether two drafts would save the same thing. */
export function sameDraft(a: RoleDraft, b: RoleDraft, resources: ResourceModel[]): boolean {
  return JSON.stringify(draftToBody(a, resources).body) === JSON.stringify(draftToBody(b, resources).body);
}

/**
 * Server (or client) errors by path → errors by cell / field key / form
 * field, using the order the body was built in.
 */
export function errorsByTarget(errors: Record<string, string>, built: DraftBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const m = /^(grants|fieldRules)\.(\d+)/.exec(path);
    if (m) {
      const key = (m[1] === 'grants' ? built.grantCells : built.ruleFields)[Number(m[2])];
      if (key && !out[key]) out[key] = message;
      else if (!key && !out._) out._ = message;
    } else {
      const top = path.split('.')[0];
      if (!out[top]) out[top] = message;
    }
  }
  return out;
}
