import { createRouteRef, useRouteRef } from '@backstage/frontend-plugin-api';

/** The 审批 page (待办); every other view of the plugin lives below it. */
export const rootRouteRef = createRouteRef();

/** Paths inside the approvals page, relative to wherever the app mounted it. */
export function useWorkflowLinks() {
  const root = useRouteRef(rootRouteRef);
  const base = (root?.() ?? '/approvals').replace(/\/$/, '');
  return {
    base,
    todo: base || '/',
    done: `${base}/done`,
    mine: `${base}/mine`,
    cc: `${base}/cc`,
    all: `${base}/all`,
    instance: (id: string) => `${base}/instances/${encodeURIComponent(id)}`,
    delegations: `${base}/delegations`,
    flows: `${base}/flows`,
    flow: (id: string) => `${base}/flows/${encodeURIComponent(id)}`,
    reports: `${base}/reports`,
  };
}
