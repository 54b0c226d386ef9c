import { AuthService, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import type { CrmTimelineSource, TimelineCursor } from '@cocrm/plugin-crm-node';
import type { RoutedMailEntry, TimelineEntry } from '@cocrm/plugin-crm-common';

export const MAIL_SOURCE_ID = 'mail';
const ID_PREFIX = 'mail:';

/** A timeline that waits for a stuck mail plugin is worse than one without mail. */
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * One routed message as a timeline entry, or undefined when the item lacks
 * what an entry needs (the mail plugin's answer is read defensively: a newer
 * or older mail plugin must not break the customer page).
 */
export function timelineEntryOfMail(item: unknown): TimelineEntry | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const m = item as Partial<Record<keyof RoutedMailEntry, unknown>>;
  if (typeof m.id !== 'string' || !m.id || typeof m.threadId !== 'string' || !m.threadId || typeof m.at !== 'string') return undefined;
  const at = new Date(m.at);
  if (Number.isNaN(at.getTime())) return undefined;
  const snippet = typeof m.snippet === 'string' && m.snippet.trim() !== '' ? m.snippet : undefined;
  return {
    id: `${ID_PREFIX}${m.id}`,
    source: MAIL_SOURCE_ID,
    kind: m.direction === 'out' ? 'mail.out' : 'mail.in',
    // the same ISO form as the CRM's own entries, which the merge compares as strings
    at: at.toISOString(),
    actor: null,
    title: typeof m.subject === 'string' ? m.subject : '',
    ...(snippet !== undefined ? { summary: snippet } : {}),
    link: { type: 'mail-thread', id: m.threadId },
  };
}

/** Strictly older than the cursor, in the order the timeline merges (at, then id). */
function olderThan(entry: TimelineEntry, before: TimelineCursor | undefined): boolean {
  if (!before) return true;
  const at = before.at.toISOString();
  return entry.at < at || (entry.at === at && entry.id < before.id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cursor as the mail plugin reads it: the id of one of its messages
 * (older than that message, in its own received-at-then-id order, which is
 * ours for mail entries), or an instant (strictly before it). A cursor on
 * another source's entry is an instant: every mail entry at the very same
 * instant sorts above it (`mail:` after the CRM's ids) and was shown already.
 * What comes back that is not older in the timeline's order is dropped here.
 */
function beforeParam(before: TimelineCursor): string {
  const id = before.id.startsWith(ID_PREFIX) ? before.id.slice(ID_PREFIX.length) : undefined;
  return id && UUID.test(id) ? id : before.at.toISOString();
}

/**
 * The timeline source `mail`: `GET /api/mail/routed/customers/:id` on behalf
 * of the viewer. Whatever goes wrong there (mail plugin not installed, down,
 * slow, answering an error) leaves the timeline without mail, not broken.
 */
export function mailTimelineSource(deps: { discovery: DiscoveryService; auth: AuthService; logger: LoggerService; fetch?: typeof fetch }): CrmTimelineSource {
  const doFetch = deps.fetch ?? fetch;
  return {
    id: MAIL_SOURCE_ID,
    async list({ customerId, before, limit, ctx }) {
      try {
        const { token } = await deps.auth.getPluginRequestToken({ onBehalfOf: ctx.credentials, targetPluginId: 'mail' });
        const query = new URLSearchParams({ limit: String(limit) });
        if (before) query.set('before', beforeParam(before));
        const base = await deps.discovery.getBaseUrl('mail');
        const res = await doFetch(`${base}/routed/customers/${encodeURIComponent(customerId)}?${query}`, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Accept-Language': ctx.locale },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (!res.ok) {
          deps.logger.warn(`customer timeline without mail: the mail plugin answered ${res.status} for customer ${customerId}`);
          return [];
        }
        const body = (await res.json()) as { items?: unknown };
        const items = Array.isArray(body?.items) ? body.items : [];
        return items
          .map(timelineEntryOfMail)
          .filter((e): e is TimelineEntry => e !== undefined && olderThan(e, before))
          .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
          .slice(0, limit);
      } catch (e) {
        deps.logger.warn(`customer timeline without mail: the mail plugin could not be asked for customer ${customerId}: ${(e as Error).message}`);
        return [];
      }
    },
  };
}
