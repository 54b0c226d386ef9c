/**
 * CRM backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { crmPlugin as default } from './plugin';
export { crmTimelineExtensionPoint } from './extensions';
export type { CrmTimelineExtensionPoint, CrmTimelineSource, TimelineCursor, CrmRequestContext } from './extensions';
