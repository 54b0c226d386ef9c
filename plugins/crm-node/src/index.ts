/**
 * How other backend plugins extend the CRM: sources for the customer 360° timeline.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CrmLocale, TimelineEntry } from '@cocrm/plugin-crm-common';

/** Who is asking, as the CRM's services and timeline sources see it. */
export interface CrmRequestContext {
  credentials: BackstageCredentials;
  /** user entity ref, or `service:<subject>` for plugin-to-plugin calls */
  actor: string;
  locale: CrmLocale;
}

/** Where the timeline continues: entries strictly older than (at, id). */
export interface TimelineCursor {
  at: Date;
  id: string;
}

/**
 * A feed that contributes entries to the customer 360° timeline. A source
 * returns at most `limit` entries older than the cursor, newest first, and
 * only what the caller may see; the CRM has checked that the caller may see
 * the customer before it asks.
 */
export interface CrmTimelineSource {
  id: string;
  list(options: { customerId: string; before?: TimelineCursor; limit: number; ctx: CrmRequestContext }): Promise<TimelineEntry[]>;
}

/** Lets other backend modules add feeds (mail, approvals …) to the customer timeline. */
export interface CrmTimelineExtensionPoint {
  addSource(source: CrmTimelineSource): void;
}

export const crmTimelineExtensionPoint = createExtensionPoint<CrmTimelineExtensionPoint>({
  id: 'crm.timeline',
});
