import {
  AccessReason,
  CompiledAccess,
  CompiledPermission,
  EffectiveAccess,
  EffectiveScope,
  FieldMode,
  FieldRule,
  GrantSpec,
  ResourceModel,
  RoleMembership,
  isBasicAction,
  permissionName,
} from '@cocrm/plugin-access-common';
import { OrgSnapshot, OrgUser, ancestorsOf, subtreeOf } from '@cocrm/plugin-access-node';

/** A role as compiling needs it. */
export interface AccessRoleData {
  id: string;
  key: string;
  name: string;
  grants: GrantSpec[];
  fieldRules: FieldRule[];
}

export interface AccessMemberData {
  id: string;
  roleId: string;
  kind: 'user' | 'department';
  ref: string;
  includeSubdepartments: boolean;
}

/**
 * A grant given to a user or department outside any role. The subject's
 * sub-department flag and the `specified` scope's own flag are kept apart
 * (the API's DirectGrant names the latter `scopeIncludeSubdepartments`).
 */
export interface AccessDirectGrantData {
  id: string;
  subjectKind: 'user' | 'department';
  subjectRef: string;
  /** for a department subject: members of its sub-departments get the grant too */
  includeSubdepartments: boolean;
  grant: GrantSpec;
}

/** Everything an installation has granted: the access plugin's tables, read as a whole. */
export interface AccessData {
  roles: AccessRoleData[];
  members: AccessMemberData[];
  directGrants: AccessDirectGrantData[];
}

export interface CompileInput {
  org: OrgSnapshot;
  userRef: string;
  data: AccessData;
  models: ResourceModel[];
}

interface UserRole {
  role: AccessRoleData;
  reasons: Array<Extract<AccessReason, { via: 'role' }>>;
}

interface GrantSource {
  grant: GrantSpec;
  model: ResourceModel;
  /** the role whose field rules come with the grant; none for direct grants */
  role?: AccessRoleData;
  reasons: AccessReason[];
}

interface Resolution {
  user: OrgUser;
  roles: UserRole[];
  grants: GrantSource[];
}

/**
 * How a department-held role or grant reaches the user: through one of the
 * user's own departments (`departmentRef`), either directly or, with
 * sub-departments included, inherited from the ancestor that holds it
 * (`inheritedFrom`). Null when it does not reach the user.
 */
function departmentPath(
  user: OrgUser,
  ancestors: Map<string, string[]>,
  holder: string,
  includeSubdepartments: boolean,
): { departmentRef: string; inheritedFrom?: string } | null {
  if (user.departments.includes(holder)) return { departmentRef: holder };
  if (!includeSubdepartments) return null;
  for (const dept of user.departments) {
    if (ancestors.get(dept)!.includes(holder)) return { departmentRef: dept, inheritedFrom: holder };
  }
  return null;
}

/** The user's roles and every grant that applies to them, each with why. Undefined for an unknown user. */
function resolve({ org, userRef, data, models }: CompileInput): Resolution | undefined {
  const user = org.users.get(userRef);
  if (!user) return undefined;
  const ancestors = new Map(user.departments.map(d => [d, ancestorsOf(org, d)]));
  const modelOf = new Map(models.map(m => [m.resourceType, m]));

  const roles = new Map<string, UserRole>();
  const addRole = (role: AccessRoleData | undefined, membership: RoleMembership) => {
    if (!role) return;
    const entry = roles.get(role.id) ?? { role, reasons: [] };
    entry.reasons.push({ via: 'role', roleId: role.id, roleName: role.name, membership });
    roles.set(role.id, entry);
  };
  const roleById = new Map(data.roles.map(r => [r.id, r]));
  for (const m of data.members) {
    if (m.kind === 'user') {
      if (m.ref === userRef) addRole(roleById.get(m.roleId), { kind: 'user' });
      continue;
    }
    const path = departmentPath(user, ancestors, m.ref, m.includeSubdepartments);
    if (path) addRole(roleById.get(m.roleId), { kind: 'department', ...path });
  }
  const roleByKey = new Map(data.roles.map(r => [r.key, r]));
  for (const key of user.roles) addRole(roleByKey.get(key), { kind: 'catalog' });

  // Grants of resource types or actions no plugin declares (any more) are ignored, not fatal.
  const known = (g: GrantSpec) => {
    const model = modelOf.get(g.resourceType);
    return model && model.actions.includes(g.action) ? model : undefined;
  };
  const grants: GrantSource[] = [];
  for (const { role, reasons } of roles.values()) {
    for (const grant of role.grants) {
      const model = known(grant);
      if (model) grants.push({ grant, model, role, reasons });
    }
  }
  for (const g of data.directGrants) {
    const model = known(g.grant);
    if (!model) continue;
    if (g.subjectKind === 'user') {
      if (g.subjectRef === userRef) grants.push({ grant: g.grant, model, reasons: [{ via: 'user-grant', grantId: g.id }] });
      continue;
    }
    const path = departmentPath(user, ancestors, g.subjectRef, g.includeSubdepartments);
    if (path) grants.push({ grant: g.grant, model, reasons: [{ via: 'department-grant', grantId: g.id, ...path }] });
  }
  return { user, roles: [...roles.values()], grants };
}

/** Non-scoped resources and basic actions (create) know no data scope: any grant of them is "all". */
function effectiveScope(source: GrantSource): GrantSpec {
  const { grant, model } = source;
  if (!model.scoped || isBasicAction(grant.action)) return { ...grant, scope: 'all', departments: undefined, includeSubdepartments: undefined };
  return grant;
}

interface Union {
  all: boolean;
  owners: Set<string>;
  departments: Set<string>;
}

/**
 * Adds one grant to the union. Every scope wider than 本人 includes the
 * user's own records: a manager's customer filed under another department
 * (归属部门) must not disappear from the manager's view.
 */
function widen(union: Union, grant: GrantSpec, user: OrgUser, org: OrgSnapshot) {
  if (grant.scope === 'all') {
    union.all = true;
    return;
  }
  union.owners.add(user.ref);
  switch (grant.scope) {
    case 'own':
      break;
    case 'department':
      user.departments.forEach(d => union.departments.add(d));
      break;
    case 'subtree':
      for (const d of user.departments) subtreeOf(org, d).forEach(s => union.departments.add(s));
      break;
    case 'specified':
      for (const d of grant.departments ?? []) {
        if (grant.includeSubdepartments) subtreeOf(org, d).forEach(s => union.departments.add(s));
        else union.departments.add(d);
      }
      break;
    default:
      break;
  }
}

function permissionUnions(resolution: Resolution, org: OrgSnapshot) {
  const unions = new Map<string, { model: ResourceModel; action: GrantSpec['action']; union: Union; sources: GrantSource[] }>();
  for (const source of resolution.grants) {
    const name = permissionName(source.model, source.grant.action);
    const entry = unions.get(name) ?? {
      model: source.model,
      action: source.grant.action,
      union: { all: false, owners: new Set<string>(), departments: new Set<string>() },
      sources: [],
    };
    widen(entry.union, effectiveScope(source), resolution.user, org);
    entry.sources.push(source);
    unions.set(name, entry);
  }
  return unions;
}

interface FieldOutcome {
  resourceType: string;
  field: string;
  mode: FieldMode;
  reasons: AccessReason[];
}

/**
 * Field rules come with the sources that let the user read a resource type:
 * each role with a read grant (and that role's rules), each direct read grant
 * (no rules). The least restrictive source wins, so a second role can only
 * reveal fields, never hide more: any source without a rule → visible; else
 * any read-only → read-only; else hidden.
 */
function fieldOutcomes(resolution: Resolution): { readable: Set<string>; outcomes: FieldOutcome[] } {
  const readSources = new Map<string, GrantSource[]>();
  for (const source of resolution.grants) {
    if (source.grant.action !== 'read') continue;
    const rt = source.model.resourceType;
    readSources.set(rt, [...(readSources.get(rt) ?? []), source]);
  }
  const outcomes: FieldOutcome[] = [];
  for (const [resourceType, sources] of readSources) {
    const model = sources[0].model;
    const fieldNames = new Set(model.fields.map(f => f.name));
    const rulesOf = (s: GrantSource) =>
      new Map((s.role?.fieldRules ?? []).filter(r => r.resourceType === resourceType && fieldNames.has(r.field)).map(r => [r.field, r.mode]));
    const perSource = sources.map(s => ({ source: s, rules: rulesOf(s) }));
    const named = new Set(perSource.flatMap(p => [...p.rules.keys()]));
    for (const field of model.fields.map(f => f.name).filter(f => named.has(f))) {
      if (perSource.some(p => !p.rules.has(field))) continue;
      const readOnly = perSource.filter(p => p.rules.get(field) === 'readOnly');
      const deciding = readOnly.length ? readOnly : perSource;
      outcomes.push({
        resourceType,
        field,
        mode: readOnly.length ? 'readOnly' : 'hidden',
        reasons: dedupeReasons(deciding.flatMap(p => p.source.reasons)),
      });
    }
  }
  return { readable: new Set(readSources.keys()), outcomes };
}

function dedupeReasons(reasons: AccessReason[]): AccessReason[] {
  const seen = new Set<string>();
  return reasons.filter(r => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const sorted = (values: Iterable<string>) => [...values].sort();

/**
 * A user's compiled access: for each permission, `all` or the union of the
 * records they own and the departments whose records they may act on; and
 * per readable resource type the fields hidden or read-only for them.
 * Undefined for a user the org does not know.
 */
export function compileAccess(input: CompileInput): CompiledAccess | undefined {
  const resolution = resolve(input);
  if (!resolution) return undefined;
  const permissions: Record<string, CompiledPermission> = {};
  for (const [name, { union }] of [...permissionUnions(resolution, input.org)].sort(([a], [b]) => a.localeCompare(b))) {
    permissions[name] = { all: union.all, owners: sorted(union.owners), departments: sorted(union.departments) };
  }
  const { readable, outcomes } = fieldOutcomes(resolution);
  const fields: CompiledAccess['fields'] = {};
  for (const rt of sorted(readable)) {
    const mine = outcomes.filter(o => o.resourceType === rt);
    fields[rt] = {
      hidden: sorted(mine.filter(o => o.mode === 'hidden').map(o => o.field)),
      readOnly: sorted(mine.filter(o => o.mode === 'readOnly').map(o => o.field)),
    };
  }
  return { userRef: input.userRef, permissions, fields };
}

/** The same access, explained for the admin UI: every role, grant and field rule with the reasons it applies. */
export function explainAccess(input: CompileInput): EffectiveAccess | undefined {
  const resolution = resolve(input);
  if (!resolution) return undefined;
  const { org } = input;
  const deptName = (ref: string) => org.departments.get(ref)?.displayName ?? ref;
  const permissions: EffectiveAccess['permissions'] = [];
  for (const [name, { model, action, union, sources }] of permissionUnions(resolution, org)) {
    const scopes = new Map<string, EffectiveScope>();
    for (const source of sources) {
      const g = effectiveScope(source);
      const spec = {
        scope: g.scope,
        ...(g.scope === 'specified' ? { departments: sorted(g.departments ?? []), includeSubdepartments: Boolean(g.includeSubdepartments) } : {}),
      };
      const key = JSON.stringify(spec);
      const entry = scopes.get(key) ?? { ...spec, reasons: [] };
      entry.reasons = dedupeReasons([...entry.reasons, ...source.reasons]);
      scopes.set(key, entry);
    }
    permissions.push({
      resourceType: model.resourceType,
      action,
      permission: name,
      scopes: [...scopes.values()],
      departmentNames: sorted(union.departments).map(deptName),
      all: union.all,
    });
  }
  permissions.sort((a, b) => a.permission.localeCompare(b.permission));
  return {
    userRef: resolution.user.ref,
    displayName: resolution.user.displayName,
    departments: resolution.user.departments.map(ref => ({ ref, displayName: deptName(ref) })),
    roles: resolution.roles.map(({ role, reasons }) => ({ roleId: role.id, key: role.key, name: role.name, reasons })),
    permissions,
    fields: fieldOutcomes(resolution).outcomes,
  };
}

/**
 * Everyone who holds the role with `key` (as a user member, through a
 * department, or through the catalog annotation), sorted — what approval
 * flows need for "approvers: role X".
 */
export function holdersOfRole(input: Omit<CompileInput, 'userRef'>, key: string): string[] {
  const holders: string[] = [];
  for (const userRef of input.org.users.keys()) {
    const resolution = resolve({ ...input, userRef });
    if (resolution?.roles.some(r => r.role.key === key)) holders.push(userRef);
  }
  return holders.sort();
}
