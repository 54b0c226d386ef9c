import {
  AuthorizeResult,
  BasicPermission,
  ConditionalPolicyDecision,
  PermissionCondition,
  createPermission,
} from '@backstage/plugin-permission-common';
import { ACCESS_MODELS, AccessAction, ResourceModel, isBasicAction, permissionName } from './model';
import { CompiledPermission } from './types';

/**
 * The rules every scoped resource type registers, so that one policy can
 * express every data scope for every plugin: 本人 → IS_OWNER, 本部门 / 下级 /
 * 指定部门 → IN_DEPARTMENT (the access plugin expands subtrees to lists).
 */
export const SUITE_RULES = {
  isOwner: 'IS_OWNER',
  inDepartment: 'IN_DEPARTMENT',
} as const;

export type IsOwnerParams = { userRefs: string[] };
export type InDepartmentParams = { departmentRefs: string[] };

/** The permissions a resource model defines, in the one naming pattern of the suite. */
export function permissionsOf(model: ResourceModel) {
  return model.actions.map(action =>
    isBasicAction(action) || !model.scoped
      ? createPermission({ name: permissionName(model, action), attributes: { action: frameworkAction(action) } })
      : createPermission({
          name: permissionName(model, action),
          attributes: { action: frameworkAction(action) },
          resourceType: model.resourceType,
        }),
  );
}

function frameworkAction(action: AccessAction): 'create' | 'read' | 'update' | 'delete' | undefined {
  if (action === 'create' || action === 'read' || action === 'update' || action === 'delete') return action;
  return undefined;
}

/** The access plugin's own permissions (basic: they have no data scope). */
export const accessPermissions = ACCESS_MODELS.flatMap(permissionsOf);

export const accessSettingsReadPermission = accessPermissions.find(p => p.name === 'access.settings.read')! as BasicPermission;
export const accessSettingsUpdatePermission = accessPermissions.find(p => p.name === 'access.settings.update')! as BasicPermission;
export const suiteAuditReadPermission = accessPermissions.find(p => p.name === 'suite.audit.read')! as BasicPermission;
export const suiteAuditExportPermission = accessPermissions.find(p => p.name === 'suite.audit.export')! as BasicPermission;
export const handoverReadPermission = accessPermissions.find(p => p.name === 'access.handover.read')! as BasicPermission;
export const handoverCreatePermission = accessPermissions.find(p => p.name === 'access.handover.create')! as BasicPermission;

/**
 * Turns a compiled permission into the framework's decision for a resource
 * permission: ALLOW for "all", otherwise CONDITIONAL on owners ∪ departments,
 * which each plugin's rules make a SQL `where`.
 */
export function scopeDecision(
  pluginId: string,
  resourceType: string,
  compiled: CompiledPermission,
): { result: AuthorizeResult.ALLOW } | { result: AuthorizeResult.DENY } | ConditionalPolicyDecision {
  if (compiled.all) return { result: AuthorizeResult.ALLOW };
  const conditions: PermissionCondition<string>[] = [];
  if (compiled.owners.length) {
    conditions.push({ rule: SUITE_RULES.isOwner, resourceType, params: { userRefs: compiled.owners } satisfies IsOwnerParams });
  }
  if (compiled.departments.length) {
    conditions.push({
      rule: SUITE_RULES.inDepartment,
      resourceType,
      params: { departmentRefs: compiled.departments } satisfies InDepartmentParams,
    });
  }
  if (conditions.length === 0) return { result: AuthorizeResult.DENY };
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId,
    resourceType,
    conditions: conditions.length === 1 ? conditions[0] : { anyOf: conditions as [PermissionCondition<string>, ...PermissionCondition<string>[]] },
  };
}
