import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  Role,
  RoleMember,
  accessSettingsReadPermission,
  accessSettingsUpdatePermission,
  roleCreateSchema,
  roleMemberCreateSchema,
  roleUpdateSchema,
} from '@cocrm/plugin-access-common';
import { OrgDirectory } from '@cocrm/plugin-access-node';
import { AccessError, isUniqueViolation } from '../errors';
import { AuditChange, writeAudit } from '../database/AuditStore';
import { RoleStore } from '../database/RoleStore';
import { newMeta } from '../database/rows';
import { AccessDataCache } from './AccessDataCache';
import { Guard } from './Guard';
import { ModelRegistry } from './ModelRegistry';
import { RequestContext } from './RequestContext';
import { fieldRuleProblems, grantProblems, normalizeGrant } from './grantRules';

type RoleCreateInput = z.output<typeof roleCreateSchema>;
type RoleUpdateInput = z.output<typeof roleUpdateSchema>;
type MemberCreateInput = z.output<typeof roleMemberCreateSchema>;

const EDITABLE = ['name', 'description', 'grants', 'fieldRules'] as const;

function changesOf(before: Partial<Role> | null, after: Partial<Role>): AuditChange[] {
  return EDITABLE.filter(f => JSON.stringify(before?.[f] ?? null) !== JSON.stringify(after[f] ?? null)).map(f => ({
    field: f,
    from: before?.[f] ?? null,
    to: after[f] ?? null,
  }));
}

/** 角色: the roles admins define, what they grant, and who holds them. */
export class RoleService {
  constructor(
    private readonly knex: Knex,
    private readonly store: RoleStore,
    private readonly models: ModelRegistry,
    private readonly org: OrgDirectory,
    private readonly guard: Guard,
    private readonly cache: AccessDataCache,
  ) {}

  async list(ctx: RequestContext): Promise<Role[]> {
    await this.guard.require(accessSettingsReadPermission, ctx);
    return this.withCatalogHolders(await this.store.list());
  }

  async get(id: string, ctx: RequestContext): Promise<Role> {
    await this.guard.require(accessSettingsReadPermission, ctx);
    return (await this.withCatalogHolders([this.found(await this.store.get(id))]))[0];
  }

  /** Users who hold a role through the directory count as members too; an admin must see them. */
  private async withCatalogHolders(roles: Role[]): Promise<Role[]> {
    const org = await this.org.snapshot();
    return roles.map(role => {
      const catalogHolders = [...org.users.values()].filter(u => u.roles.includes(role.key)).map(u => u.ref).sort();
      return { ...role, catalogHolders, memberCount: role.memberCount + catalogHolders.length };
    });
  }

  async create(input: RoleCreateInput, ctx: RequestContext): Promise<Role> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    await this.validate(input);
    const id = randomUUID();
    const now = new Date();
    const grants = input.grants.map(normalizeGrant);
    const description = input.description || null;
    await this.unique(input, () =>
      this.knex.transaction(async tx => {
        await this.assertFree(tx, input);
        await this.store.insert(tx, { id, key: input.key, name: input.name, description, builtin: false, ...newMeta(ctx.actor, now) });
        await this.store.replaceGrants(tx, id, grants);
        await this.store.replaceFieldRules(tx, id, input.fieldRules);
        await writeAudit(tx, {
          recordType: 'role',
          recordId: id,
          action: 'created',
          actor: ctx.actor,
          at: now,
          summary: input.name,
          changes: changesOf(null, { name: input.name, description, grants, fieldRules: input.fieldRules }),
        });
      }),
    );
    this.cache.invalidate();
    return (await this.withCatalogHolders([this.found(await this.store.get(id))]))[0];
  }

  async update(id: string, input: RoleUpdateInput, ctx: RequestContext): Promise<Role> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    await this.validate(input);
    const now = new Date();
    const description = input.description === undefined ? undefined : input.description || null;
    const after = await this.unique(input, () =>
      this.knex.transaction(async tx => {
        const before = this.found(await this.store.lock(tx, id));
        if (before.version !== input.version) throw new AccessError(409, 'staleVersion');
        if (input.name !== undefined && input.name !== before.name) await this.assertFree(tx, { name: input.name });
        const updated = await this.store.update(tx, id, input.version, {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(description !== undefined ? { description } : {}),
          updated_by: ctx.actor,
          updated_at: now,
        });
        if (updated !== 1) throw new AccessError(409, 'staleVersion');
        if (input.grants) await this.store.replaceGrants(tx, id, input.grants.map(normalizeGrant));
        if (input.fieldRules) await this.store.replaceFieldRules(tx, id, input.fieldRules);
        const result = this.found(await this.store.get(id, tx));
        await writeAudit(tx, {
          recordType: 'role',
          recordId: id,
          action: 'updated',
          actor: ctx.actor,
          at: now,
          summary: result.name,
          changes: changesOf(before, result),
        });
        return result;
      }),
    );
    this.cache.invalidate();
    return (await this.withCatalogHolders([after]))[0];
  }

  /**
   * Built-in roles stay; a role somebody still holds (as a member, or through
   * the catalog's cocrm.io/roles) stays too, so that deleting never silently
   * takes access away from people.
   */
  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    const org = await this.org.snapshot();
    const now = new Date();
    await this.knex.transaction(async tx => {
      const role = this.found(await this.store.lock(tx, id));
      if (role.builtin) throw new AccessError(409, 'builtinRole', { name: role.name });
      if (role.version !== version) throw new AccessError(409, 'staleVersion');
      const catalogHolders = [...org.users.values()].filter(u => u.roles.includes(role.key)).length;
      const count = role.memberCount + catalogHolders;
      if (count > 0) throw new AccessError(409, 'roleInUse', { name: role.name, count });
      if ((await this.store.softDelete(tx, id, version, ctx.actor, now)) !== 1) throw new AccessError(409, 'staleVersion');
      await writeAudit(tx, { recordType: 'role', recordId: id, action: 'deleted', actor: ctx.actor, at: now, summary: role.name });
    });
    this.cache.invalidate();
  }

  async members(roleId: string, ctx: RequestContext): Promise<RoleMember[]> {
    await this.guard.require(accessSettingsReadPermission, ctx);
    this.found(await this.store.get(roleId));
    return this.store.members(roleId);
  }

  async addMember(roleId: string, input: MemberCreateInput, ctx: RequestContext): Promise<RoleMember> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    const org = await this.org.snapshot();
    if (input.kind === 'user' && !org.users.has(input.ref)) throw AccessError.field('ref', 'userNotFound', { ref: input.ref });
    if (input.kind === 'department' && !org.departments.has(input.ref)) throw AccessError.field('ref', 'departmentNotFound', { ref: input.ref });
    const member: RoleMember = {
      id: randomUUID(),
      roleId,
      kind: input.kind,
      ref: input.ref,
      // sub-departments only mean something for a department
      includeSubdepartments: input.kind === 'department' && input.includeSubdepartments,
      createdBy: ctx.actor,
      createdAt: new Date().toISOString(),
    };
    try {
      await this.knex.transaction(async tx => {
        const role = this.found(await this.store.lock(tx, roleId));
        if (await this.store.findMember(tx, roleId, input.kind, input.ref)) throw new AccessError(409, 'memberExists');
        await this.store.insertMember(tx, member);
        await writeAudit(tx, {
          recordType: 'role',
          recordId: roleId,
          action: 'member-added',
          actor: ctx.actor,
          at: new Date(member.createdAt),
          summary: role.name,
          changes: [{ field: 'members', from: null, to: { kind: member.kind, ref: member.ref, includeSubdepartments: member.includeSubdepartments } }],
        });
      });
    } catch (error) {
      // two admins adding the same member at once: the unique index decides
      if (isUniqueViolation(error)) throw new AccessError(409, 'memberExists');
      throw error;
    }
    this.cache.invalidate();
    return member;
  }

  async removeMember(roleId: string, memberId: string, ctx: RequestContext): Promise<void> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    const now = new Date();
    await this.knex.transaction(async tx => {
      const role = this.found(await this.store.lock(tx, roleId));
      const member = await this.store.member(roleId, memberId, tx);
      if (!member || (await this.store.deleteMember(tx, roleId, memberId)) !== 1) throw new AccessError(404, 'memberNotFound');
      await writeAudit(tx, {
        recordType: 'role',
        recordId: roleId,
        action: 'member-removed',
        actor: ctx.actor,
        at: now,
        summary: role.name,
        changes: [{ field: 'members', from: { kind: member.kind, ref: member.ref, includeSubdepartments: member.includeSubdepartments }, to: null }],
      });
    });
    this.cache.invalidate();
  }

  private found(role: Role | undefined): Role {
    if (!role) throw new AccessError(404, 'roleNotFound');
    return role;
  }

  private async validate(input: Pick<RoleUpdateInput, 'grants' | 'fieldRules'>): Promise<void> {
    const org = await this.org.snapshot();
    const problems = [
      ...(input.grants ? grantProblems(input.grants, this.models, org, 'grants') : []),
      ...(input.fieldRules ? fieldRuleProblems(input.fieldRules, this.models, 'fieldRules') : []),
    ];
    if (problems.length) throw AccessError.fields(problems);
  }

  private async assertFree(db: Knex | Knex.Transaction, input: { key?: string; name?: string }): Promise<void> {
    if (input.key !== undefined && (await this.store.findLive(db, 'key', input.key))) {
      throw new AccessError(409, 'roleKeyTaken', { key: input.key }, { fields: [{ path: 'key', key: 'roleKeyTaken', vars: { key: input.key } }] });
    }
    if (input.name !== undefined && (await this.store.findLive(db, 'name', input.name))) {
      throw new AccessError(409, 'roleNameTaken', { name: input.name }, { fields: [{ path: 'name', key: 'roleNameTaken', vars: { name: input.name } }] });
    }
  }

  /** A race lost on a unique index becomes the same 409 the check before the insert gives. */
  private async unique<T>(input: { key?: string; name?: string }, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.assertFree(this.knex, input);
      throw error;
    }
  }
}
