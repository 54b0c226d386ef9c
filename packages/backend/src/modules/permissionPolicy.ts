import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, PolicyDecision, isResourcePermission } from '@backstage/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { crmAccountManagerDecision } from '@cocrm/plugin-crm-common';
import { OrgDirectory, usersVisibleTo } from './OrgDirectory';

/** Roles that see and change every CRM record. */
const ALL_SCOPE_ROLES = new Set(['general-manager', 'admin']);

/**
 * The suite's first, fixed policy: a salesperson works on the customers they
 * manage, a department leader on those of the department subtree they lead,
 * 总经理 and 系统管理员 on all. Everything outside the CRM stays allowed as in
 * a default portal. The configurable role/grant model replaces this later with
 * the same decisions (conditional on account managers), so stores don't change.
 */
export class SuitePermissionPolicy implements PermissionPolicy {
  constructor(private readonly org: OrgDirectory) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (!permission.name.startsWith('crm.')) return { result: AuthorizeResult.ALLOW };
    const userRef = user?.info.userEntityRef;
    if (!userRef) return { result: AuthorizeResult.DENY };
    const org = await this.org.snapshot();
    const me = org.users.get(userRef);
    if (!me) return { result: AuthorizeResult.DENY };
    if (me.roles.some(r => ALL_SCOPE_ROLES.has(r))) return { result: AuthorizeResult.ALLOW };
    if (!isResourcePermission(permission)) return { result: AuthorizeResult.ALLOW };
    return crmAccountManagerDecision(permission, usersVisibleTo(org, userRef));
  }
}

export const suitePermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'suite-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ policy, catalog, auth, logger }) {
        policy.setPolicy(new SuitePermissionPolicy(new OrgDirectory(catalog, auth, logger)));
      },
    });
  },
});
