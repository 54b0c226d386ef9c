import { createRouteRef, useRouteRef } from '@backstage/frontend-plugin-api';

/** The CRM page (customers list); everything else lives below it. */
export const rootRouteRef = createRouteRef();

/** Paths inside the CRM page, relative to wherever the app mounted it. */
export function useCrmLinks() {
  const root = useRouteRef(rootRouteRef);
  const base = (root?.() ?? '/crm').replace(/\/$/, '');
  return {
    base,
    customers: base || '/',
    customer: (id: string) => `${base}/customers/${encodeURIComponent(id)}`,
    contacts: `${base}/contacts`,
    contact: (id: string) => `${base}/contacts/${encodeURIComponent(id)}`,
    visits: `${base}/visits`,
    contracts: `${base}/contracts`,
    contract: (id: string) => `${base}/contracts/${encodeURIComponent(id)}`,
  };
}

/** The approval page of the workflow plugin (审批单), at the path the suite mounts it. */
export function approvalLink(instanceId: string): string {
  return `/approvals/instances/${encodeURIComponent(instanceId)}`;
}

/**
 * A new mail in the mail plugin to `address`, written for the customer: the
 * mail plugin creates the draft (its Message-ID will name the customer, so
 * the answer routes back) and opens it.
 */
export function mailComposeLink(address: string, customerId: string): string {
  return `/mail/compose/new?to=${encodeURIComponent(address)}&customerId=${encodeURIComponent(customerId)}`;
}

/**
 * A routed mail conversation in the mail plugin, read through the customer it
 * is linked to: colleagues who may see the customer but do not read the
 * mailbox see it there as far as the mailbox shares it.
 */
export function customerMailThreadLink(customerId: string, threadId: string): string {
  return `/mail/customers/${encodeURIComponent(customerId)}/threads/${encodeURIComponent(threadId)}`;
}
