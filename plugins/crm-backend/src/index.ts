/**
 * CRM backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { crmPlugin as default } from './plugin';
export { accessModuleCrm } from './accessModule';
/** The HTTP API; exported so that the suite's permission matrix can enumerate every route. */
export { createRouter } from './router';
export type { RouterOptions } from './router';
export { crmTimelineExtensionPoint } from './extensions';
export type { CrmTimelineExtensionPoint, CrmTimelineSource, TimelineCursor, CrmRequestContext } from './extensions';
/** Registers 合同 (`crm.contract`) with the workflow plugin: add it to the backend with both plugins. */
export { workflowModuleCrm, CONTRACT_DOCUMENT_TYPE_SPEC } from './workflowModule';
