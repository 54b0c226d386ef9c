import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, PolicyDecision, isResourcePermission } from '@backstage/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { AccessModelView, CompiledAccess, ResourceModel, scopeDecision } from '@cocrm/plugin-access-common';

/** Where the policy gets the model and a user's compiled access (AccessClient in the backend). */
export interface AccessSource {
  model(): Promise<AccessModelView>;
  compiled(userRef: string): Promise<CompiledAccess>;
}

/**
 * Permission-name prefixes that belong to the suite even before the access
 * plugin has answered once: if it can't be reached, these fail closed
 * instead of falling through to "allow" like the portal's own permissions.
 */
const SUITE_PREFIXES = ['crm.', 'access.', 'suite.', 'workflow.', 'mail.', 'netdisk.'];

/**
 * The suite's permission policy. Permissions of the suite's resource models
 * are decided from the caller's roles and grants (compiled by the access
 * plugin): basic permissions allow or deny, resource permissions become
 * ALLOW (scope 全部) or CONDITIONAL on IS_OWNER / IN_DEPARTMENT, which each
 * plugin turns into SQL. The portal's own permissions (catalog, search …)
 * stay allowed as in a default portal.
 */
export class SuitePermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly access: AccessSource,
    private readonly logger: Pick<LoggerService, 'error'>,
  ) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    const suite = SUITE_PREFIXES.some(p => permission.name.startsWith(p));
    let model: ResourceModel | undefined;
    try {
      model = this.modelOf(await this.access.model(), permission.name);
    } catch (e) {
      this.logger.error(`access model unavailable, denying suite permissions: ${(e as Error).message}`);
      return { result: suite ? AuthorizeResult.DENY : AuthorizeResult.ALLOW };
    }
    if (!model) return { result: suite ? AuthorizeResult.DENY : AuthorizeResult.ALLOW };

    const userRef = user?.info.userEntityRef;
    if (!userRef) return { result: AuthorizeResult.DENY };
    let compiled: CompiledAccess;
    try {
      compiled = await this.access.compiled(userRef);
    } catch (e) {
      this.logger.error(`access of ${userRef} unavailable, denying: ${(e as Error).message}`);
      return { result: AuthorizeResult.DENY };
    }
    const granted = compiled.permissions[permission.name];
    if (!granted) return { result: AuthorizeResult.DENY };
    if (!isResourcePermission(permission)) return { result: AuthorizeResult.ALLOW };
    return scopeDecision(model.pluginId, permission.resourceType, granted);
  }

  private modelOf(view: AccessModelView, name: string): ResourceModel | undefined {
    return view.resources.find(m => name.startsWith(`${m.permissionPrefix}.`) && m.actions.some(a => `${m.permissionPrefix}.${a}` === name));
  }
}
