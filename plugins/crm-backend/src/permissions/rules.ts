import { z } from 'zod';
import {
  PermissionResourceRef,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { SUITE_RULES } from '@cocrm/plugin-access-common';
import {
  CRM_CONTACT_RESOURCE_TYPE,
  CRM_CONTRACT_RESOURCE_TYPE,
  CRM_CUSTOMER_RESOURCE_TYPE,
  CRM_VISIT_RESOURCE_TYPE,
} from '@cocrm/plugin-crm-common';
import { CrmQuery } from './query';

/** What the permission framework sees of a record when it applies a rule in memory. */
export interface CrmPermissionResource {
  id: string;
  /** whose record it is: the account managers of its customer, or a contract's 负责人 */
  owners: string[];
  /** 归属部门 of its customer, or of the contract */
  ownerDepartment: string | null;
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
export const contractResourceRef = createPermissionResourceRef<CrmPermissionResource, CrmQuery>().with({
  pluginId: 'crm',
  resourceType: CRM_CONTRACT_RESOURCE_TYPE,
});


/** 本人: the record is one of the users' (their customer's, or their contract as 负责人). */
function isOwnerRule<T extends string>(resourceRef: PermissionResourceRef<CrmPermissionResource, CrmQuery, T, 'crm'>) {
  return createPermissionRule({
    name: SUITE_RULES.isOwner,
    description: 'Records of one of the given users (account manager of the customer, or 负责人 of the contract)',
    resourceRef,
    paramsSchema: z.object({ userRefs: z.array(z.string()).describe('Catalog user refs') }),
    apply: (resource: CrmPermissionResource, { userRefs }) => resource.owners.some(ref => userRefs.includes(ref)),
    toQuery: ({ userRefs }): CrmQuery => ({ kind: 'isOwner', userRefs }),
  });
}

/** 本部门 / 本部门及下级 / 指定部门: the record (or its customer) belongs to one of the departments. */
function inDepartmentRule<T extends string>(resourceRef: PermissionResourceRef<CrmPermissionResource, CrmQuery, T, 'crm'>) {
  return createPermissionRule({
    name: SUITE_RULES.inDepartment,
    description: "Records whose owner department (the customer's, or the contract's) is one of the given groups",
    resourceRef,
    paramsSchema: z.object({ departmentRefs: z.array(z.string()).describe('Catalog group refs') }),
    apply: (resource: CrmPermissionResource, { departmentRefs }) =>
      resource.ownerDepartment !== null && departmentRefs.includes(resource.ownerDepartment),
    toQuery: ({ departmentRefs }): CrmQuery => ({ kind: 'inDepartment', departmentRefs }),
  });
}

function rulesFor<T extends string>(ref: PermissionResourceRef<CrmPermissionResource, CrmQuery, T, 'crm'>) {
  return [isOwnerRule(ref), inDepartmentRule(ref)];
}

export const customerRules = rulesFor(customerResourceRef);
export const contactRules = rulesFor(contactResourceRef);
export const visitRules = rulesFor(visitResourceRef);
export const contractRules = rulesFor(contractResourceRef);
