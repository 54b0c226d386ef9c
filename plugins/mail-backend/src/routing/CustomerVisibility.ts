import type { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { crmCustomerReadPermission } from '@cocrm/plugin-crm-common';

/**
 * Whether the caller may see customers, asked of the permission framework with
 * the customer as resource: the CRM's data scopes (own, department, …) are
 * resolved by the CRM plugin through the permission backend, so mail never
 * needs to know who owns a customer.
 */
export class CustomerVisibility {
  constructor(private readonly permissions?: Pick<PermissionsService, 'authorize'>) {}

  async visible(credentials: BackstageCredentials, customerIds: string[]): Promise<Set<string>> {
    const ids = [...new Set(customerIds)];
    // without a permission service nobody is known to see anything: show nothing rather than everything
    if (!ids.length || !this.permissions) return new Set();
    const decisions = await this.permissions.authorize(
      ids.map(id => ({ permission: crmCustomerReadPermission, resourceRef: id })),
      { credentials },
    );
    return new Set(ids.filter((_, i) => decisions[i]?.result === AuthorizeResult.ALLOW));
  }

  async maySee(credentials: BackstageCredentials, customerId: string): Promise<boolean> {
    return (await this.visible(credentials, [customerId])).has(customerId);
  }
}
