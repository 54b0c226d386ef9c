import { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import { AccessError } from '../errors';
import { RequestContext } from './RequestContext';

/** The access plugin's permission checks: all of its permissions are basic (no data scope). */
export class Guard {
  constructor(private readonly permissions: PermissionsService) {}

  async allows(permission: BasicPermission, ctx: RequestContext): Promise<boolean> {
    const [decision] = await this.permissions.authorize([{ permission }], { credentials: ctx.credentials });
    return decision.result === AuthorizeResult.ALLOW;
  }

  async require(permission: BasicPermission, ctx: RequestContext): Promise<void> {
    if (!(await this.allows(permission, ctx))) throw new AccessError(403, 'forbidden');
  }
}
