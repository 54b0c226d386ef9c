import { Knex } from 'knex';
import { BUILTIN_ROLES, FieldRule, GrantSpec, Role, RoleMember } from '@cocrm/plugin-access-common';
import { MetaRow, metaFromRow, parseJson } from './rows';
import { toBool, toIso } from '@cocrm/plugin-access-node';

export type Db = Knex | Knex.Transaction;

export interface RoleRow extends MetaRow {
  key: string;
  name: string;
  description: string | null;
  builtin: boolean | number;
}

interface GrantRow {
  role_id: string;
  position: number;
  resource_type: string;
  action: string;
  scope: string;
  departments: string | null;
  include_subdepartments: boolean | number;
}

interface FieldRuleRow {
  role_id: string;
  position: number;
  resource_type: string;
  field: string;
  mode: string;
}

interface MemberRow {
  id: string;
  role_id: string;
  kind: string;
  ref: string;
  include_subdepartments: boolean | number;
  created_by: string;
  created_at: unknown;
}

/** A grant's scope columns, shared by role grants and direct grants. */
export function grantFromColumns(row: {
  resource_type: string;
  action: string;
  scope: string;
  departments: string | null;
  include_subdepartments: boolean | number;
}): GrantSpec {
  const grant: GrantSpec = { resourceType: row.resource_type, action: row.action as GrantSpec['action'], scope: row.scope as GrantSpec['scope'] };
  if (row.scope === 'specified') {
    grant.departments = parseJson<string[]>(row.departments, []);
    grant.includeSubdepartments = toBool(row.include_subdepartments);
  }
  return grant;
}

/** Only `specified` keeps departments; any other scope drops them, so stored grants say one thing. */
export function grantColumns(grant: GrantSpec) {
  const specified = grant.scope === 'specified';
  return {
    resource_type: grant.resourceType,
    action: grant.action,
    scope: grant.scope,
    departments: specified ? JSON.stringify(grant.departments ?? []) : null,
    include_subdepartments: specified ? Boolean(grant.includeSubdepartments) : false,
  };
}

function groupBy<R, T>(rows: R[], key: (row: R) => string, map: (row: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list) list.push(map(row));
    else out.set(key(row), [map(row)]);
  }
  return out;
}

function memberFromRow(row: MemberRow): RoleMember {
  return {
    id: row.id,
    roleId: row.role_id,
    kind: row.kind as RoleMember['kind'],
    ref: row.ref,
    includeSubdepartments: toBool(row.include_subdepartments),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
  };
}

/** Roles with their grants, field rules and members. Deleted roles are kept (soft delete) but never returned. */
export class RoleStore {
  constructor(private readonly knex: Knex) {}

  private async hydrate(db: Db, rows: RoleRow[]): Promise<Role[]> {
    if (!rows.length) return [];
    const ids = rows.map(r => r.id);
    const grants: GrantRow[] = await db('access_role_grants').whereIn('role_id', ids).orderBy(['role_id', 'position']);
    const rules: FieldRuleRow[] = await db('access_role_field_rules').whereIn('role_id', ids).orderBy(['role_id', 'position']);
    const counts: Array<{ role_id: string; n: number | string }> = await db('access_role_members')
      .whereIn('role_id', ids)
      .groupBy('role_id')
      .select('role_id')
      .count({ n: '*' });
    const countOf = new Map(counts.map(c => [c.role_id, Number(c.n)]));
    const grantsOf = groupBy(grants, g => g.role_id, grantFromColumns);
    const rulesOf = groupBy(rules, r => r.role_id, r => ({ resourceType: r.resource_type, field: r.field, mode: r.mode as FieldRule['mode'] }));
    return rows.map(row => ({
      ...metaFromRow(row),
      key: row.key,
      name: row.name,
      description: row.description,
      builtin: toBool(row.builtin),
      grants: grantsOf.get(row.id) ?? [],
      fieldRules: rulesOf.get(row.id) ?? [],
      memberCount: countOf.get(row.id) ?? 0,
      // filled in from the org by RoleService (the store knows only its own rows)
      catalogHolders: [],
    }));
  }

  /** Built-in roles first, in their canonical order (销售员 … 系统管理员), then the others as they were created. */
  async list(db: Db = this.knex): Promise<Role[]> {
    const rows: RoleRow[] = await db('access_roles').whereNull('deleted_at').orderBy([{ column: 'created_at' }, { column: 'id' }]);
    const rank = (row: RoleRow) => {
      const i = BUILTIN_ROLES.findIndex(b => b.key === row.key);
      return toBool(row.builtin) && i >= 0 ? i : BUILTIN_ROLES.length;
    };
    // a stable sort keeps the creation order among the custom roles
    return this.hydrate(db, [...rows].sort((a, b) => rank(a) - rank(b)));
  }

  async get(id: string, db: Db = this.knex): Promise<Role | undefined> {
    const rows: RoleRow[] = await db('access_roles').where({ id }).whereNull('deleted_at');
    return (await this.hydrate(db, rows))[0];
  }

  /**
   * The live role, locked until the transaction ends: membership changes and
   * deletion of the same role serialize on it, so a role can't be deleted
   * while a member is being added.
   */
  async lock(tx: Knex.Transaction, id: string): Promise<Role | undefined> {
    const rows: RoleRow[] = await tx('access_roles').where({ id }).whereNull('deleted_at').forUpdate();
    return (await this.hydrate(tx, rows))[0];
  }

  async findLive(db: Db, column: 'key' | 'name', value: string): Promise<RoleRow | undefined> {
    return db('access_roles').where(column, value).whereNull('deleted_at').first();
  }

  async insert(tx: Knex.Transaction, row: Omit<RoleRow, 'deleted_at' | 'deleted_by'>): Promise<void> {
    await tx('access_roles').insert(row);
  }

  /** Applies a change only to the version the caller saw; 0 rows means someone else was first. */
  async update(
    tx: Knex.Transaction,
    id: string,
    version: number,
    patch: { name?: string; description?: string | null; updated_by: string; updated_at: Date },
  ): Promise<number> {
    return tx('access_roles')
      .where({ id, version })
      .whereNull('deleted_at')
      .update({ ...patch, version: version + 1 });
  }

  async softDelete(tx: Knex.Transaction, id: string, version: number, actor: string, now: Date): Promise<number> {
    return tx('access_roles')
      .where({ id, version })
      .whereNull('deleted_at')
      .update({ deleted_at: now, deleted_by: actor, updated_at: now, updated_by: actor, version: version + 1 });
  }

  async replaceGrants(tx: Knex.Transaction, roleId: string, grants: GrantSpec[]): Promise<void> {
    await tx('access_role_grants').where({ role_id: roleId }).delete();
    if (grants.length) {
      await tx('access_role_grants').insert(grants.map((g, position) => ({ role_id: roleId, position, ...grantColumns(g) })));
    }
  }

  async replaceFieldRules(tx: Knex.Transaction, roleId: string, rules: FieldRule[]): Promise<void> {
    await tx('access_role_field_rules').where({ role_id: roleId }).delete();
    if (rules.length) {
      await tx('access_role_field_rules').insert(
        rules.map((r, position) => ({ role_id: roleId, position, resource_type: r.resourceType, field: r.field, mode: r.mode })),
      );
    }
  }

  async members(roleId: string, db: Db = this.knex): Promise<RoleMember[]> {
    const rows: MemberRow[] = await db('access_role_members').where({ role_id: roleId }).orderBy(['created_at', 'id']);
    return rows.map(memberFromRow);
  }

  async member(roleId: string, memberId: string, db: Db = this.knex): Promise<RoleMember | undefined> {
    const row: MemberRow | undefined = await db('access_role_members').where({ role_id: roleId, id: memberId }).first();
    return row && memberFromRow(row);
  }

  async findMember(db: Db, roleId: string, kind: string, ref: string): Promise<RoleMember | undefined> {
    const row: MemberRow | undefined = await db('access_role_members').where({ role_id: roleId, kind, ref }).first();
    return row && memberFromRow(row);
  }

  async insertMember(tx: Knex.Transaction, member: RoleMember): Promise<void> {
    await tx('access_role_members').insert({
      id: member.id,
      role_id: member.roleId,
      kind: member.kind,
      ref: member.ref,
      include_subdepartments: member.includeSubdepartments,
      created_by: member.createdBy,
      created_at: new Date(member.createdAt),
    });
  }

  async deleteMember(tx: Knex.Transaction, roleId: string, memberId: string): Promise<number> {
    return tx('access_role_members').where({ role_id: roleId, id: memberId }).delete();
  }

  /** Every live role's grants and field rules and every membership: the input of compiling access. */
  async loadForCompile(db: Db = this.knex) {
    const roles: Array<Pick<RoleRow, 'id' | 'key' | 'name'>> = await db('access_roles').whereNull('deleted_at').select('id', 'key', 'name');
    const grants: GrantRow[] = await db('access_role_grants')
      .join('access_roles', 'access_roles.id', 'access_role_grants.role_id')
      .whereNull('access_roles.deleted_at')
      .orderBy(['access_role_grants.role_id', 'access_role_grants.position'])
      .select('access_role_grants.*');
    const rules: FieldRuleRow[] = await db('access_role_field_rules')
      .join('access_roles', 'access_roles.id', 'access_role_field_rules.role_id')
      .whereNull('access_roles.deleted_at')
      .orderBy(['access_role_field_rules.role_id', 'access_role_field_rules.position'])
      .select('access_role_field_rules.*');
    const members: MemberRow[] = await db('access_role_members').select('*');
    const grantsOf = groupBy(grants, g => g.role_id, grantFromColumns);
    const rulesOf = groupBy(rules, r => r.role_id, r => ({ resourceType: r.resource_type, field: r.field, mode: r.mode as FieldRule['mode'] }));
    return {
      roles: roles.map(r => ({ id: r.id, key: r.key, name: r.name, grants: grantsOf.get(r.id) ?? [], fieldRules: rulesOf.get(r.id) ?? [] })),
      members: members.map(memberFromRow),
    };
  }
}
