import { Knex } from 'knex';
import { z } from 'zod';
import { BackstageCredentials, PermissionsRegistryService, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, PermissionCriteria, isResourcePermission } from '@backstage/plugin-permission-common';
import type { PermissionRuleset } from '@backstage/plugin-permission-node';
import { createConditionTransformer, createPermissionResourceRef, createPermissionRule } from '@backstage/plugin-permission-node';
import { ScopeQuery, whereInScope } from '@cocrm/plugin-access-node';
import { SUITE_RULES } from '@cocrm/plugin-access-common';
import { WORKFLOW_INSTANCE_MODEL, workflowInstanceReadPermission, workflowPermissions } from '@cocrm/plugin-workflow-common';

/** What the suite's rules become before they become SQL: applicant = owner, the document's department = department. */
export type InstanceQuery = ScopeQuery;

/** What the permission framework sees of an instance when it applies a rule in memory. */
export interface InstanceResource {
  id: string;
  applicant: string;
  department: string | null;
}

export const instanceResourceRef = createPermissionResourceRef<InstanceResource, InstanceQuery>().with({
  pluginId: 'workflow',
  resourceType: WORKFLOW_INSTANCE_MODEL.resourceType as 'workflow-instance',
});

export const instanceRules = [
  createPermissionRule({
    name: SUITE_RULES.isOwner,
    description: 'Approvals submitted by one of the given users',
    resourceRef: instanceResourceRef,
    paramsSchema: z.object({ userRefs: z.array(z.string()).describe('Catalog user refs') }),
    apply: (r: InstanceResource, { userRefs }) => userRefs.includes(r.applicant),
    toQuery: ({ userRefs }): InstanceQuery => ({ kind: 'isOwner', userRefs }),
  }),
  createPermissionRule({
    name: SUITE_RULES.inDepartment,
    description: 'Approvals whose document belongs to one of the given departments',
    resourceRef: instanceResourceRef,
    paramsSchema: z.object({ departmentRefs: z.array(z.string()).describe('Catalog group refs') }),
    apply: (r: InstanceResource, { departmentRefs }) => r.department !== null && departmentRefs.includes(r.department),
    toQuery: ({ departmentRefs }): InstanceQuery => ({ kind: 'inDepartment', departmentRefs }),
  }),
];

const instanceRuleset: PermissionRuleset<InstanceResource, InstanceQuery, 'workflow-instance'> = {
  getRuleByName(name) {
    const rule = instanceRules.find(r => r.name === name);
    if (!rule) throw new Error(`unknown workflow-instance permission rule ${name}`);
    return rule;
  },
};

/** Registers the instance resource type with its rules, and the workflow's basic permissions. */
export function registerWorkflowPermissions(registry: PermissionsRegistryService, knex: Knex) {
  registry.addResourceType({
    resourceRef: instanceResourceRef,
    permissions: workflowPermissions.filter(p => isResourcePermission(p, instanceResourceRef.resourceType)),
    rules: instanceRules,
    getResources: async ids => {
      const rows: InstanceResource[] = ids.length
        ? await knex('workflow_instances').whereIn('id', ids).select('id', 'applicant', 'department')
        : [];
      const byId = new Map(rows.map(r => [r.id, r]));
      return ids.map(id => byId.get(id));
    },
  });
  registry.addPermissions(workflowPermissions.filter(p => !isResourcePermission(p)));
}

/** Which instances beyond their own a caller may read. */
export type InstanceScope = { kind: 'all' } | { kind: 'none' } | { kind: 'filter'; criteria: PermissionCriteria<InstanceQuery> };

/** The data-scope filter on instances aliased `alias`: applicant = owner, the document's department = department. */
export function whereInstanceInScope(qb: Knex.QueryBuilder, criteria: PermissionCriteria<InstanceQuery>, alias: string): void {
  whereInScope(qb, criteria, { owner: `${alias}.applicant`, department: `${alias}.department` });
}

/** Whether one instance is within a scope (ListStore answers it with the same SQL filter the list uses). */
export interface ScopedInstances {
  inScope(instanceId: string, scope: InstanceScope): Promise<boolean>;
}

/**
 * Reading instances one does not take part in: `workflow.instance.read` with
 * its data scope, turned into SQL by the rules registered above.
 */
export class InstanceAccess {
  private readonly transform = createConditionTransformer(instanceRuleset);

  constructor(
    private readonly permissions: Pick<PermissionsService, 'authorizeConditional'>,
    private readonly instances: ScopedInstances,
  ) {}

  async scope(credentials: BackstageCredentials): Promise<InstanceScope> {
    const [decision] = await this.permissions.authorizeConditional([{ permission: workflowInstanceReadPermission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return { kind: 'all' };
    if (decision.result !== AuthorizeResult.CONDITIONAL) return { kind: 'none' };
    return { kind: 'filter', criteria: this.transform(decision.conditions) };
  }

  async canRead(credentials: BackstageCredentials, instanceId: string): Promise<boolean> {
    const scope = await this.scope(credentials);
    return scope.kind !== 'none' && this.instances.inScope(instanceId, scope);
  }
}
