/** Who is calling, as the services need it (the same shape timeline sources of other plugins receive). */
export type { CrmRequestContext as RequestContext } from '@cocrm/plugin-crm-node';
