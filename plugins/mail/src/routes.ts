import { createRouteRef, useRouteRef } from '@backstage/frontend-plugin-api';

/** The 邮件 page (three panes); every other view of the plugin lives below it. */
export const rootRouteRef = createRouteRef();

/** Paths inside the mail page, relative to wherever the app mounted it. */
export function useMailLinks() {
  const root = useRouteRef(rootRouteRef);
  const base = (root?.() ?? '/mail').replace(/\/$/, '');
  return {
    base,
    inbox: base || '/',
    thread: (threadId: string) => `${base}/threads/${encodeURIComponent(threadId)}`,
    compose: (draftId: string) => `${base}/compose/${encodeURIComponent(draftId)}`,
    drafts: `${base}/drafts`,
    outbox: `${base}/outbox`,
    knowledge: `${base}/knowledge`,
    knowledgeItem: (id: string) => `${base}/knowledge/${encodeURIComponent(id)}`,
    leads: `${base}/leads`,
    accounts: `${base}/accounts`,
  };
}

/**
 * The CRM plugin's customer list, where 新建客户 lives: its form cannot be
 * opened or prefilled through the URL, so lead suggestions send users there.
 */
export function customersLink(): string {
  return '/crm/customers';
}

/** A customer's page in the CRM plugin, at the path the suite mounts it. */
export function customerLink(customerId: string): string {
  return `/crm/customers/${encodeURIComponent(customerId)}`;
}
