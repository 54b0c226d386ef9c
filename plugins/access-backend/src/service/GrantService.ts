import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  accessSettingsReadPermission,
  accessSettingsUpdatePermission,
  directGrantCreateSchema,
  permissionName,
} from '@cocrm/plugin-access-common';
import { OrgDirectory } from '@cocrm/plugin-access-node';
import { AccessError, isUniqueViolation } from '../errors';
import { writeAudit } from '../database/AuditStore';
import { DirectGrantView, GrantStore, grantSpecOf } from '../database/GrantStore';
import { newMeta } from '../database/rows';
import { AccessDataCache } from './AccessDataCache';
import { Guard } from './Guard';
import { ModelRegistry } from './ModelRegistry';
import { RequestContext } from './RequestContext';
import { grantProblems, normalizeGrant } from './grantRules';

/**
 * access-common's create schema cannot say "the specified departments'
 * sub-departments too" for a direct grant: its `includeSubdepartments` is the
 * subject's. The scope's flag travels as `scopeIncludeSubdepartments`.
 */
export const directGrantInputSchema = directGrantCreateSchema.extend({
  scopeIncludeSubdepartments: z.boolean('invalidValue').default(false),
});
export type DirectGrantInput = z.output<typeof directGrantInputSchema>;

export const grantListQuerySchema = z.object({
  subjectKind: z.enum(['user', 'department'], 'invalidValue').optional(),
  subjectRef: z.string().max(200, 'tooLong').optional(),
});

/** 直接授权: permissions given to one user or department outside any role. */
export class GrantService {
  constructor(
    private readonly knex: Knex,
    private readonly store: GrantStore,
    private readonly models: ModelRegistry,
    private readonly org: OrgDirectory,
    private readonly guard: Guard,
    private readonly cache: AccessDataCache,
  ) {}

  async list(filter: z.output<typeof grantListQuerySchema>, ctx: RequestContext): Promise<DirectGrantView[]> {
    await this.guard.require(accessSettingsReadPermission, ctx);
    return this.store.list(filter);
  }

  async create(input: DirectGrantInput, ctx: RequestContext): Promise<DirectGrantView> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    const org = await this.org.snapshot();
    const spec = normalizeGrant({
      resourceType: input.resourceType,
      action: input.action,
      scope: input.scope,
      departments: input.departments,
      includeSubdepartments: input.scopeIncludeSubdepartments,
    });
    const problems = grantProblems([spec], this.models, org, '');
    if (input.subjectKind === 'user' && !org.users.has(input.subjectRef)) {
      problems.push({ path: 'subjectRef', key: 'userNotFound', vars: { ref: input.subjectRef } });
    }
    if (input.subjectKind === 'department' && !org.departments.has(input.subjectRef)) {
      problems.push({ path: 'subjectRef', key: 'departmentNotFound', vars: { ref: input.subjectRef } });
    }
    if (problems.length) throw AccessError.fields(problems);

    const id = randomUUID();
    const now = new Date();
    const includeSubdepartments = input.subjectKind === 'department' && input.includeSubdepartments;
    try {
      await this.knex.transaction(async tx => {
        // one live grant per subject and permission; change one by deleting and granting again
        if (await this.store.findLive(tx, input.subjectKind, input.subjectRef, spec)) throw new AccessError(409, 'duplicateGrant');
        await this.store.insert(tx, { id, subjectKind: input.subjectKind, subjectRef: input.subjectRef, includeSubdepartments, spec }, newMeta(ctx.actor, now));
        await writeAudit(tx, {
          recordType: 'grant',
          recordId: id,
          action: 'created',
          actor: ctx.actor,
          at: now,
          summary: this.summary(input.subjectRef, spec.resourceType, spec.action),
          changes: [{ field: 'grant', from: null, to: { subjectKind: input.subjectKind, subjectRef: input.subjectRef, includeSubdepartments, ...spec } }],
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AccessError(409, 'duplicateGrant');
      throw error;
    }
    this.cache.invalidate();
    return (await this.store.get(id))!;
  }

  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    await this.guard.require(accessSettingsUpdatePermission, ctx);
    const now = new Date();
    await this.knex.transaction(async tx => {
      const grant = await this.store.get(id, tx);
      if (!grant) throw new AccessError(404, 'grantNotFound');
      if (grant.version !== version || (await this.store.softDelete(tx, id, version, ctx.actor, now)) !== 1) {
        throw new AccessError(409, 'staleVersion');
      }
      await writeAudit(tx, {
        recordType: 'grant',
        recordId: id,
        action: 'deleted',
        actor: ctx.actor,
        at: now,
        summary: this.summary(grant.subjectRef, grant.resourceType, grant.action),
        changes: [{ field: 'grant', from: { subjectKind: grant.subjectKind, subjectRef: grant.subjectRef, includeSubdepartments: grant.includeSubdepartments, ...grantSpecOf(grant) }, to: null }],
      });
    });
    this.cache.invalidate();
  }

  private summary(subjectRef: string, resourceType: string, action: Parameters<typeof permissionName>[1]): string {
    const model = this.models.get(resourceType);
    return `${subjectRef} · ${model ? permissionName(model, action) : `${resourceType}.${action}`}`;
  }
}
