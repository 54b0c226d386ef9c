import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';

/**
 * Resource types of the CRM family. Contacts, visits and relations inherit the
 * visibility of the customer they belong to, but are separate resource types so
 * that the configurable permission model can give them their own grants.
 */
export const CRM_CUSTOMER_RESOURCE_TYPE = 'crm-customer';
export const CRM_CONTACT_RESOURCE_TYPE = 'crm-contact';
export const CRM_VISIT_RESOURCE_TYPE = 'crm-visit';

export const crmCustomerReadPermission = createPermission({
  name: 'crm.customer.read',
  attributes: { action: 'read' },
  resourceType: CRM_CUSTOMER_RESOURCE_TYPE,
});
export const crmCustomerCreatePermission = createPermission({
  name: 'crm.customer.create',
  attributes: { action: 'create' },
});
export const crmCustomerUpdatePermission = createPermission({
  name: 'crm.customer.update',
  attributes: { action: 'update' },
  resourceType: CRM_CUSTOMER_RESOURCE_TYPE,
});
export const crmCustomerDeletePermission = createPermission({
  name: 'crm.customer.delete',
  attributes: { action: 'delete' },
  resourceType: CRM_CUSTOMER_RESOURCE_TYPE,
});

export const crmContactReadPermission = createPermission({
  name: 'crm.contact.read',
  attributes: { action: 'read' },
  resourceType: CRM_CONTACT_RESOURCE_TYPE,
});
export const crmContactCreatePermission = createPermission({
  name: 'crm.contact.create',
  attributes: { action: 'create' },
});
export const crmContactUpdatePermission = createPermission({
  name: 'crm.contact.update',
  attributes: { action: 'update' },
  resourceType: CRM_CONTACT_RESOURCE_TYPE,
});
export const crmContactDeletePermission = createPermission({
  name: 'crm.contact.delete',
  attributes: { action: 'delete' },
  resourceType: CRM_CONTACT_RESOURCE_TYPE,
});

export const crmVisitReadPermission = createPermission({
  name: 'crm.visit.read',
  attributes: { action: 'read' },
  resourceType: CRM_VISIT_RESOURCE_TYPE,
});
export const crmVisitCreatePermission = createPermission({
  name: 'crm.visit.create',
  attributes: { action: 'create' },
});
export const crmVisitUpdatePermission = createPermission({
  name: 'crm.visit.update',
  attributes: { action: 'update' },
  resourceType: CRM_VISIT_RESOURCE_TYPE,
});
export const crmVisitDeletePermission = createPermission({
  name: 'crm.visit.delete',
  attributes: { action: 'delete' },
  resourceType: CRM_VISIT_RESOURCE_TYPE,
});

export const crmPermissions = [
  crmCustomerReadPermission,
  crmCustomerCreatePermission,
  crmCustomerUpdatePermission,
  crmCustomerDeletePermission,
  crmContactReadPermission,
  crmContactCreatePermission,
  crmContactUpdatePermission,
  crmContactDeletePermission,
  crmVisitReadPermission,
  crmVisitCreatePermission,
  crmVisitUpdatePermission,
  crmVisitDeletePermission,
];

/** Names of the permission rules every CRM resource type registers. */
export const CRM_RULES = {
  /** The record's customer has one of `userRefs` among its account managers. */
  hasAccountManager: 'HAS_ACCOUNT_MANAGER',
} as const;

/** Parameters of {@link CRM_RULES.hasAccountManager}. */
export type HasAccountManagerParams = { userRefs: string[] };

/**
 * Builds the conditional decision "records whose customer is managed by one of
 * `userRefs`" for a CRM resource permission, without the policy having to
 * depend on the backend plugin.
 */
export function crmAccountManagerDecision(
  permission: { resourceType: string },
  userRefs: string[],
) {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'crm',
    resourceType: permission.resourceType,
    conditions: {
      rule: CRM_RULES.hasAccountManager,
      resourceType: permission.resourceType,
      params: { userRefs } satisfies HasAccountManagerParams,
    },
  } as const;
}
