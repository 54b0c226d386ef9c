import { z } from 'zod';
import {
  PermissionResourceRef,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  CRM_CONTACT_RESOURCE_TYPE,
  CRM_CUSTOMER_RESOURCE_TYPE,
  CRM_RULES,
  CRM_VISIT_RESOURCE_TYPE,
} from '@cocrm/plugin-crm-common';
import { CrmQuery } from './query';

/** What the permission framework sees of a record when it applies a rule in memory. */
export interface CrmPermissionResource {
  id: string;
  /** account managers of the customer the record belongs to */
  accountManagers: string[];
}

export const customerResourceRef = createPermissionResourceRef<CrmPermissionResource, CrmQuery>().with({
  pluginId: 'crm',
  resourceType: CRM_CUSTOMER_RESOURCE_TYPE,
});
export const contactResourceRef = createPermissionResourceRef<CrmPermissionResource, CrmQuery>().with({
  pluginId: 'crm',
  resourceType: CRM_CONTACT_RESOURCE_TYPE,
});
export const visitResourceRef = createPermissionResourceRef<CrmPermissionResource, CrmQuery>().with({
  pluginId: 'crm',
  resourceType: CRM_VISIT_RESOURCE_TYPE,
});

const paramsSchema = z.object({
  userRefs: z.array(z.string()).describe('Catalog user refs; a record matches when one of them manages its customer'),
});

function hasAccountManagerRule<TType extends string>(
  resourceRef: PermissionResourceRef<CrmPermissionResource, CrmQuery, TType, 'crm'>,
) {
  return createPermissionRule({
    name: CRM_RULES.hasAccountManager,
    description: 'Allow records whose customer has one of the given users as account manager',
    resourceRef,
    paramsSchema,
    apply: (resource: CrmPermissionResource, { userRefs }) =>
      resource.accountManagers.some(ref => userRefs.includes(ref)),
    toQuery: ({ userRefs }): CrmQuery => ({ kind: 'hasAccountManager', userRefs }),
  });
}

export const customerRules = [hasAccountManagerRule(customerResourceRef)];
export const contactRules = [hasAccountManagerRule(contactResourceRef)];
export const visitRules = [hasAccountManagerRule(visitResourceRef)];
