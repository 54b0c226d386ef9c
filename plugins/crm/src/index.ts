/**
 * CRM frontend plugin (new frontend system): customers, the customer 360° page,
 * contacts with their relationship graph, and visits.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { crmApi, crmPage } from './plugin';
export { crmTranslationRef, crmTranslationResource } from './translation';
export { CrmClient, CrmApiError, crmApiRef } from './api/CrmClient';
export type { CrmApi, CrmClientOptions, CrmExport, ExportQuery, Patch } from './api/CrmClient';
export { rootRouteRef as crmRootRouteRef } from './routes';
