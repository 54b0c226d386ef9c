import {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { AccessFilter } from '../permissions/query';
import { contactResourceRef, customerResourceRef, visitResourceRef } from '../permissions/rules';
import { CrmError } from '../errors';

/**
 * Turns the permission framework's decision into what the stores need: a data
 * scope filter for resource permissions, or a yes/no for basic ones.
 */
export class Access {
  private readonly transformers: Record<string, ReturnType<typeof createConditionTransformer<any>>>;

  constructor(
    private readonly permissions: PermissionsService,
    registry: PermissionsRegistryService,
  ) {
    this.transformers = Object.fromEntries(
      [customerResourceRef, contactResourceRef, visitResourceRef].map(ref => [
        ref.resourceType,
        createConditionTransformer(registry.getPermissionRuleset(ref)),
      ]),
    );
  }

  /** The caller's data scope for a resource permission; 403 when they have none. */
  async filter(permission: ResourcePermission, credentials: BackstageCredentials): Promise<AccessFilter> {
    const [decision] = await this.permissions.authorizeConditional([{ permission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return undefined;
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return this.transformers[permission.resourceType](decision.conditions);
    }
    throw new CrmError(403, 'forbidden');
  }

  async check(permission: BasicPermission, credentials: BackstageCredentials): Promise<void> {
    const [decision] = await this.permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) throw new CrmError(403, 'forbidden');
  }
}
