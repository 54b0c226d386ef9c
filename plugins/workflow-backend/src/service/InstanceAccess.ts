import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, PermissionCondition, PermissionCriteria } from '@backstage/plugin-permission-common';
import { InDepartmentParams, IsOwnerParams, SUITE_RULES } from '@cocrm/plugin-access-common';
import { workflowInstanceReadPermission } from '@cocrm/plugin-workflow-common';

type Criteria = PermissionCriteria<PermissionCondition<string>>;

/** Whether the suite's data-scope conditions hold for one instance (applicant = owner, document department). */
function holds(criteria: Criteria, instance: { applicant: string; department: string | null }): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(c => holds(c, instance));
  if ('anyOf' in criteria) return criteria.anyOf.some(c => holds(c, instance));
  if ('not' in criteria) return !holds(criteria.not, instance);
  if (criteria.rule === SUITE_RULES.isOwner) return (criteria.params as IsOwnerParams).userRefs.includes(instance.applicant);
  if (criteria.rule === SUITE_RULES.inDepartment) {
    return !!instance.department && (criteria.params as InDepartmentParams).departmentRefs.includes(instance.department);
  }
  return false;
}

/**
 * Reading an instance one does not take part in: `workflow.instance.read`
 * with its data scope. A single instance is checked here; lists of others'
 * instances will need the scope as a knex filter (next session, with the
 * permission rules registered through permissionsRegistry).
 */
export class InstanceAccess {
  constructor(private readonly permissions: Pick<PermissionsService, 'authorizeConditional'>) {}

  async canRead(credentials: BackstageCredentials, instance: { applicant: string; department: string | null }): Promise<boolean> {
    const [decision] = await this.permissions.authorizeConditional([{ permission: workflowInstanceReadPermission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result !== AuthorizeResult.CONDITIONAL) return false;
    return holds(decision.conditions, instance);
  }
}
