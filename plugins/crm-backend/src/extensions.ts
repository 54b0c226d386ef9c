/** The CRM's extension points live in @cocrm/plugin-crm-node; re-exported for modules written before it existed. */
export { crmTimelineExtensionPoint } from '@cocrm/plugin-crm-node';
export type { CrmTimelineExtensionPoint, CrmTimelineSource, TimelineCursor, CrmRequestContext } from '@cocrm/plugin-crm-node';
