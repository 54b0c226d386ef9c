import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { BUILTIN_ROLES, FieldRule, GrantSpec, ResourceModel, isBasicAction } from '@cocrm/plugin-access-common';
import { isUniqueViolation } from '../errors';
import { writeAudit } from '../database/AuditStore';
import { grantColumns } from '../database/RoleStore';
import { newMeta } from '../database/rows';

export const SYSTEM_ACTOR = 'system:access';

/**
 * Creates the built-in roles that are missing, then gives them the defaults of
 * every resource type whose defaults were never applied, and marks those
 * applied — so an admin's later edits are never overwritten. One transaction;
 * when another replica does the same at the same moment, one of the two fails
 * on a unique index and simply looks again.
 */
export async function seedAccess(knex: Knex, models: ResourceModel[], logger: Pick<LoggerService, 'info' | 'warn'>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.transaction(tx => seedOnce(tx, models, logger));
      return;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
      logger.info('access seed: another replica seeded at the same time; checking again');
    }
  }
}

async function seedOnce(tx: Knex.Transaction, models: ResourceModel[], logger: Pick<LoggerService, 'info' | 'warn'>) {
  const now = new Date();
  const live: Array<{ id: string; key: string; name: string; builtin: boolean | number; version: number | string }> = await tx('access_roles')
    .whereNull('deleted_at')
    .select('id', 'key', 'name', 'builtin', 'version');
  const names = new Set(live.map(r => r.name));
  const roleIds = new Map(live.map(r => [r.key, r.id]));
  for (const builtin of BUILTIN_ROLES) {
    if (roleIds.has(builtin.key)) continue;
    const id = randomUUID();
    // an admin may already have used the name for a role of their own
    const name = names.has(builtin.name['zh-CN']) ? `${builtin.name['zh-CN']}（${builtin.key}）` : builtin.name['zh-CN'];
    await tx('access_roles').insert({ id, key: builtin.key, name, description: null, builtin: true, ...newMeta(SYSTEM_ACTOR, now) });
    await writeAudit(tx, { recordType: 'role', recordId: id, action: 'created', actor: SYSTEM_ACTOR, at: now, summary: name });
    roleIds.set(builtin.key, id);
    names.add(name);
    logger.info(`access seed: created built-in role ${builtin.key}`);
  }

  const applied = new Set((await tx('access_defaults_applied').select('resource_type')).map((r: { resource_type: string }) => r.resource_type));
  const pending = models.filter(m => m.defaults && !applied.has(m.resourceType));
  if (!pending.length) return;

  const added = new Map<string, { grants: GrantSpec[]; fieldRules: FieldRule[] }>();
  const addedTo = (roleId: string) => {
    const entry = added.get(roleId) ?? { grants: [], fieldRules: [] };
    added.set(roleId, entry);
    return entry;
  };
  for (const model of pending) {
    await tx('access_defaults_applied').insert({ resource_type: model.resourceType, applied_at: now });
    for (const d of model.defaults!.grants) {
      const roleId = roleIds.get(d.role);
      if (!roleId || !model.actions.includes(d.action) || d.scope === 'specified') {
        logger.warn(`access seed: ignoring default grant ${model.resourceType}.${d.action} for ${d.role}`);
        continue;
      }
      const scope = !model.scoped || isBasicAction(d.action) ? 'all' : d.scope;
      const exists = await tx('access_role_grants').where({ role_id: roleId, resource_type: model.resourceType, action: d.action }).first();
      if (exists) continue;
      const grant: GrantSpec = { resourceType: model.resourceType, action: d.action, scope };
      const position = await nextPosition(tx, 'access_role_grants', roleId);
      await tx('access_role_grants').insert({ role_id: roleId, position, ...grantColumns(grant) });
      addedTo(roleId).grants.push(grant);
    }
    for (const d of model.defaults!.fieldRules ?? []) {
      const roleId = roleIds.get(d.role);
      if (!roleId || !model.fields.some(f => f.name === d.field)) {
        logger.warn(`access seed: ignoring default field rule ${model.resourceType}.${d.field} for ${d.role}`);
        continue;
      }
      const exists = await tx('access_role_field_rules').where({ role_id: roleId, resource_type: model.resourceType, field: d.field }).first();
      if (exists) continue;
      const position = await nextPosition(tx, 'access_role_field_rules', roleId);
      await tx('access_role_field_rules').insert({ role_id: roleId, position, resource_type: model.resourceType, field: d.field, mode: d.mode });
      addedTo(roleId).fieldRules.push({ resourceType: model.resourceType, field: d.field, mode: d.mode });
    }
    logger.info(`access seed: applied the defaults of ${model.resourceType}`);
  }

  for (const [roleId, { grants, fieldRules }] of added) {
    // a new version, so that an admin's open edit form can't silently drop the defaults
    await tx('access_roles').where({ id: roleId }).update({ version: tx.raw('version + 1'), updated_by: SYSTEM_ACTOR, updated_at: now });
    const role = await tx('access_roles').where({ id: roleId }).first('name');
    await writeAudit(tx, {
      recordType: 'role',
      recordId: roleId,
      action: 'defaults-applied',
      actor: SYSTEM_ACTOR,
      at: now,
      summary: role?.name ?? null,
      changes: [
        ...(grants.length ? [{ field: 'grants', from: null, to: grants }] : []),
        ...(fieldRules.length ? [{ field: 'fieldRules', from: null, to: fieldRules }] : []),
      ],
    });
  }
}

async function nextPosition(tx: Knex.Transaction, table: string, roleId: string): Promise<number> {
  const row = await tx(table).where({ role_id: roleId }).max({ p: 'position' }).first();
  const max = (row as { p: number | string | null } | undefined)?.p;
  return max === null || max === undefined ? 0 : Number(max) + 1;
}
