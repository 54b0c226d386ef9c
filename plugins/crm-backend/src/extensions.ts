import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { CrmTimelineSource } from './service/TimelineService';

export type { CrmTimelineSource, TimelineCursor } from './service/TimelineService';
export type { RequestContext as CrmRequestContext } from './service/RequestContext';

/** Lets other backend modules add feeds (mail, contracts, approvals …) to the customer timeline. */
export interface CrmTimelineExtensionPoint {
  addSource(source: CrmTimelineSource): void;
}

export const crmTimelineExtensionPoint = createExtensionPoint<CrmTimelineExtensionPoint>({
  id: 'crm.timeline',
});
