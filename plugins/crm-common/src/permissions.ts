import type { BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';
import {
  AccessAction,
  BuiltinRoleKey,
  DataScope,
  FieldModel,
  ResourceModel,
  permissionsOf,
} from '@cocrm/plugin-access-common';

/**
 * Resource types of the CRM family. Contacts and visits inherit the data
 * scope of the customer they belong to (its account managers and 归属部门),
 * but are separate resource types so that roles can grant them separately.
 */
export const CRM_CUSTOMER_RESOURCE_TYPE = 'crm-customer';
export const CRM_CONTACT_RESOURCE_TYPE = 'crm-contact';
export const CRM_VISIT_RESOURCE_TYPE = 'crm-visit';
/** Contracts have a scope of their own: 本人 is the 负责人, 本部门 the contract's 归属部门. */
export const CRM_CONTRACT_RESOURCE_TYPE = 'crm-contract';

const f = (name: string, zh: string, en: string): FieldModel => ({ name, label: { 'zh-CN': zh, en } });

/** Fields a role may hide or make read-only; identity fields (编号, 名称, 状态, 客户经理) are always visible. */
export const CUSTOMER_FIELDS: FieldModel[] = [
  f('shortName', '简称', 'Short name'),
  f('unifiedSocialCreditCode', '统一社会信用代码', 'Unified social credit code'),
  f('type', '客户类型', 'Type'),
  f('level', '客户等级', 'Level'),
  f('industryCode', '所属行业', 'Industry'),
  f('industryPosition', '行业地位', 'Industry position'),
  f('regionCode', '所在区域', 'Region'),
  f('address', '地址', 'Address'),
  f('postcode', '邮编', 'Postcode'),
  f('phone', '电话', 'Phone'),
  f('website', '网址', 'Website'),
  f('mailDomains', '邮箱域名', 'Mail domains'),
  f('annualRevenue', '年营业额', 'Annual revenue'),
  f('foundedOn', '成立日期', 'Founded on'),
  f('employeeCount', '员工人数', 'Employees'),
  f('mainCustomers', '主要客户', 'Main customers'),
  f('managementStyle', '管理风格', 'Management style'),
  f('expectedPurchase', '预计采购金额', 'Expected purchase'),
  f('parentId', '上级单位', 'Parent company'),
  f('groupId', '隶属集团', 'Group'),
  f('channel', '代理/经销', 'Channel'),
  f('source', '客户来源', 'Source'),
  f('remark', '备注', 'Remark'),
];

export const CONTACT_FIELDS: FieldModel[] = [
  f('gender', '性别', 'Gender'),
  f('department', '部门', 'Department'),
  f('title', '职务', 'Title'),
  f('position', '岗位', 'Position'),
  f('mobile', '手机', 'Mobile'),
  f('phone', '电话', 'Phone'),
  f('emails', '邮箱', 'E-mails'),
  f('wechat', '微信', 'WeChat'),
  f('birthday', '生日', 'Birthday'),
  f('hobbies', '爱好', 'Hobbies'),
  f('personalNeeds', '个人需求点', 'Personal needs'),
  f('photo', '照片', 'Photo'),
  f('keyDecisionMaker', '关键决策人', 'Key decision maker'),
  f('remark', '备注', 'Remark'),
];

export const VISIT_FIELDS: FieldModel[] = [
  f('contactIds', '拜访对象', 'Contacts met'),
  f('content', '拜访内容', 'Content'),
  f('companions', '陪同人员', 'Companions'),
  f('nextPlan', '下一步计划', 'Next plan'),
];

/** Fields a role may hide or make read-only; 编号, 名称, 客户, 负责人, 归属部门 and 审批状态 are always visible. */
export const CONTRACT_FIELDS: FieldModel[] = [
  f('format', '合同格式', 'Format'),
  f('contractType', '合同类型', 'Contract type'),
  f('amount', '合同金额', 'Amount'),
  f('signedAt', '签订日期', 'Signed on'),
  f('startDate', '开始日期', 'Start date'),
  f('endDate', '结束日期', 'End date'),
  f('paymentTerms', '付款约定', 'Payment terms'),
  f('standard', '合同遵循标准', 'Applicable standard'),
  f('keyTerms', '合同中重要事项', 'Key terms'),
  f('remark', '备注', 'Remark'),
  f('attachments', '附件', 'Attachments'),
];

/** Fields that other fields are derived from: hiding the key hides them too. */
export const DERIVED_FIELDS: Record<string, string[]> = {
  parentId: ['parentName'],
  groupId: ['groupName'],
  birthday: ['age'],
  contactIds: ['contactNames'],
};

type Defaults = NonNullable<ResourceModel['defaults']>;
const grant = (role: BuiltinRoleKey, scope: DataScope, actions: AccessAction[]): Defaults['grants'] =>
  actions.map(action => ({ role, action, scope }));

const ALL: AccessAction[] = ['read', 'create', 'update', 'delete', 'export', 'assign'];
const CHILD: AccessAction[] = ['read', 'create', 'update', 'delete', 'export'];

/**
 * The built-in roles' starting grants: a salesperson works on their own
 * customers, a sales manager on their department and below, 总经理 and
 * 系统管理员 on all; 客服专员 sees the customers they serve without the money
 * fields, 财务 reads everything.
 */
function defaultsFor(actions: AccessAction[], moneyFields: string[]): Defaults {
  const read: AccessAction[] = ['read'];
  return {
    grants: [
      ...grant('sales', 'own', actions.filter(a => a !== 'assign')),
      ...grant('sales-manager', 'subtree', actions),
      ...grant('marketing', 'own', actions.filter(a => a === 'read' || a === 'create' || a === 'update')),
      ...grant('service', 'own', read),
      ...grant('finance', 'all', actions.filter(a => a === 'read' || a === 'export')),
      ...grant('general-manager', 'all', actions),
      ...grant('admin', 'all', actions),
    ],
    fieldRules: moneyFields.map(field => ({ role: 'service' as const, field, mode: 'hidden' as const })),
  };
}

export const CRM_CUSTOMER_MODEL: ResourceModel = {
  pluginId: 'crm',
  resourceType: CRM_CUSTOMER_RESOURCE_TYPE,
  permissionPrefix: 'crm.customer',
  label: { 'zh-CN': '客户', en: 'Customers' },
  actions: ALL,
  scoped: true,
  fields: CUSTOMER_FIELDS,
  defaults: defaultsFor(ALL, ['annualRevenue', 'expectedPurchase']),
};

export const CRM_CONTACT_MODEL: ResourceModel = {
  pluginId: 'crm',
  resourceType: CRM_CONTACT_RESOURCE_TYPE,
  permissionPrefix: 'crm.contact',
  label: { 'zh-CN': '联系人', en: 'Contacts' },
  actions: CHILD,
  scoped: true,
  fields: CONTACT_FIELDS,
  defaults: defaultsFor(CHILD, []),
};

export const CRM_VISIT_MODEL: ResourceModel = {
  pluginId: 'crm',
  resourceType: CRM_VISIT_RESOURCE_TYPE,
  permissionPrefix: 'crm.visit',
  label: { 'zh-CN': '拜访', en: 'Visits' },
  actions: CHILD,
  scoped: true,
  fields: VISIT_FIELDS,
  defaults: defaultsFor(CHILD, []),
};

export const CRM_CONTRACT_MODEL: ResourceModel = {
  pluginId: 'crm',
  resourceType: CRM_CONTRACT_RESOURCE_TYPE,
  permissionPrefix: 'crm.contract',
  label: { 'zh-CN': '合同', en: 'Contracts' },
  actions: ALL,
  scoped: true,
  fields: CONTRACT_FIELDS,
  defaults: defaultsFor(ALL, ['amount']),
};

/** Customer, contact, visit, contract: the order of CrmResourceKind. */
export const CRM_MODELS = [CRM_CUSTOMER_MODEL, CRM_CONTACT_MODEL, CRM_VISIT_MODEL, CRM_CONTRACT_MODEL];

export const crmPermissions = CRM_MODELS.flatMap(permissionsOf);

const byName = (name: string) => crmPermissions.find(p => p.name === name)!;

export const crmCustomerReadPermission = byName('crm.customer.read') as ResourcePermissionOf<'crm-customer'>;
export const crmCustomerCreatePermission = byName('crm.customer.create') as BasicPermission;
export const crmCustomerUpdatePermission = byName('crm.customer.update') as ResourcePermissionOf<'crm-customer'>;
export const crmCustomerDeletePermission = byName('crm.customer.delete') as ResourcePermissionOf<'crm-customer'>;
export const crmCustomerExportPermission = byName('crm.customer.export') as ResourcePermissionOf<'crm-customer'>;
export const crmCustomerAssignPermission = byName('crm.customer.assign') as ResourcePermissionOf<'crm-customer'>;

export const crmContactReadPermission = byName('crm.contact.read') as ResourcePermissionOf<'crm-contact'>;
export const crmContactCreatePermission = byName('crm.contact.create') as BasicPermission;
export const crmContactUpdatePermission = byName('crm.contact.update') as ResourcePermissionOf<'crm-contact'>;
export const crmContactDeletePermission = byName('crm.contact.delete') as ResourcePermissionOf<'crm-contact'>;
export const crmContactExportPermission = byName('crm.contact.export') as ResourcePermissionOf<'crm-contact'>;

export const crmVisitReadPermission = byName('crm.visit.read') as ResourcePermissionOf<'crm-visit'>;
export const crmVisitCreatePermission = byName('crm.visit.create') as BasicPermission;
export const crmVisitUpdatePermission = byName('crm.visit.update') as ResourcePermissionOf<'crm-visit'>;
export const crmVisitDeletePermission = byName('crm.visit.delete') as ResourcePermissionOf<'crm-visit'>;
export const crmVisitExportPermission = byName('crm.visit.export') as ResourcePermissionOf<'crm-visit'>;

export const crmContractReadPermission = byName('crm.contract.read') as ResourcePermissionOf<'crm-contract'>;
export const crmContractCreatePermission = byName('crm.contract.create') as BasicPermission;
export const crmContractUpdatePermission = byName('crm.contract.update') as ResourcePermissionOf<'crm-contract'>;
export const crmContractDeletePermission = byName('crm.contract.delete') as ResourcePermissionOf<'crm-contract'>;
export const crmContractExportPermission = byName('crm.contract.export') as ResourcePermissionOf<'crm-contract'>;
export const crmContractAssignPermission = byName('crm.contract.assign') as ResourcePermissionOf<'crm-contract'>;

type ResourcePermissionOf<T extends string> = ResourcePermission<T>;

/** The CRM resource types in the order of the API: customer, contact, visit, contract. */
export type CrmResourceKind = 'customer' | 'contact' | 'visit' | 'contract';

/** What the signed-in user may do and see in the CRM (`GET /api/crm/access`), for the UI. */
export interface CrmAccessView {
  can: Record<CrmResourceKind, Partial<Record<AccessAction, boolean>>>;
  fields: Record<CrmResourceKind, { hidden: string[]; readOnly: string[] }>;
}
