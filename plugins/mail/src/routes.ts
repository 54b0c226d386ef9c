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
    accounts: `${base}/accounts`,
  };
}

/** A customer's page in the CRM plugin, at the path the suite mounts it. */
export function customerLink(customerId: string): string {
  return `/crm/customers/${encodeURIComponent(customerId)}`;
}
