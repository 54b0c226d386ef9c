import { createRouteRef, useRouteRef } from '@backstage/frontend-plugin-api';

/** The 系统设置 page; every tab lives below it. */
export const rootRouteRef = createRouteRef();

/** Paths inside the settings page, relative to wherever the app mounted it. */
export function useAccessLinks() {
  const root = useRouteRef(rootRouteRef);
  const base = (root?.() ?? '/system').replace(/\/$/, '');
  return {
    base,
    roles: `${base}/roles`,
    role: (id: string) => `${base}/roles/${encodeURIComponent(id)}`,
    grants: `${base}/grants`,
    effective: (userRef?: string) => `${base}/effective${userRef ? `?user=${encodeURIComponent(userRef)}` : ''}`,
    handover: `${base}/handover`,
    audit: `${base}/audit`,
  };
}
