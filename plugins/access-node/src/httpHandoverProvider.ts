import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import type { HandoverItem, HandoverItemType, Label } from '@cocrm/plugin-access-common';
import { HandoverPlan, HandoverProvider } from './extensions';

/**
 * A handover provider that is another plugin's HTTP API, so that a plugin's
 * handover logic runs next to its own database. The plugin answers, for
 * calls from the access plugin only:
 *   GET  /handover/items?kind=&from=  → Array<Omit<HandoverItem, 'receiver'>>
 *   POST /handover/execute  (HandoverPlan) → { counts }
 *   POST /handover/revert   ({ handoverId, actor }) → 204
 */
export function createHttpHandoverProvider(options: {
  pluginId: string;
  label: Label;
  itemTypes: HandoverItemType[];
  discovery: DiscoveryService;
  auth: AuthService;
  fetch?: typeof fetch;
}): HandoverProvider {
  const { pluginId, discovery, auth } = options;
  const call = async <T>(path: string, init?: { method: string; body: unknown }): Promise<T> => {
    const base = await discovery.getBaseUrl(pluginId);
    const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: pluginId });
    const res = await (options.fetch ?? fetch)(`${base}${path}`, {
      method: init?.method ?? 'GET',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept-Language': 'zh-CN' },
      ...(init ? { body: JSON.stringify(init.body) } : {}),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      throw new Error(body?.error?.message ?? `${pluginId} answered ${res.status}`);
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return {
    id: pluginId,
    label: options.label,
    itemTypes: options.itemTypes,
    listItems: ({ kind, from }) =>
      call<Array<Omit<HandoverItem, 'receiver'>>>(`/handover/items?kind=${encodeURIComponent(kind)}&from=${encodeURIComponent(from)}`),
    execute: (plan: HandoverPlan) => call<{ counts: Record<string, number> }>('/handover/execute', { method: 'POST', body: plan }),
    revert: (handoverId, actor) => call<void>('/handover/revert', { method: 'POST', body: { handoverId, actor } }),
  };
}
