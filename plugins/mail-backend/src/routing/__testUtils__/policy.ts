import { mockServices } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

type Decision = { result: AuthorizeResult.ALLOW | AuthorizeResult.DENY };

/**
 * The permission decisions routing depends on, per user: which customers the
 * CRM lets them see (crm.customer.read with the customer as resource), and who
 * reads every mailbox (mail.message.read / mail.account.update unconditionally).
 */
export function routingPolicy(policy: { customers: Record<string, string[] | 'all'>; admins?: string[] }): PermissionsService & ReturnType<typeof mockServices.permissions.mock> {
  const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef ?? '';
  const allow = (ok: boolean): Decision => ({ result: ok ? AuthorizeResult.ALLOW : AuthorizeResult.DENY });
  const decide = (ref: string, permission: string, resourceRef?: string): Decision => {
    if (permission === 'crm.customer.read') {
      const seen = policy.customers[ref];
      return allow(seen === 'all' || (!!resourceRef && !!seen?.includes(resourceRef)));
    }
    return allow(!!policy.admins?.includes(ref));
  };
  return mockServices.permissions.mock({
    authorize: async (reqs, { credentials }) =>
      reqs.map(r => decide(refOf(credentials), r.permission.name, 'resourceRef' in r ? (r.resourceRef as string | undefined) : undefined)) as never,
    authorizeConditional: async (reqs, { credentials }) => reqs.map(r => decide(refOf(credentials), r.permission.name)) as never,
  });
}
