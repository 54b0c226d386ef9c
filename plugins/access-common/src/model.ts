/**
 * The suite's access model, shared by every plugin family: what a grant can
 * say (resource type × action × data scope) and what each plugin declares
 * about its resources so that the admin UI can offer them.
 */

/** zh-CN first; every label the admin UI shows comes in both languages. */
export interface Label {
  'zh-CN': string;
  en: string;
}

export type AccessLocale = keyof Label;

/** What a grant allows on a resource type. Not every resource supports every action. */
export const ACCESS_ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'assign'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/**
 * 数据范围: 本人 (records the user owns), 本部门 (records of the user's own
 * departments), 本部门及下级 (those departments and every department below),
 * 指定部门 (named departments, optionally with their sub-departments), 全部.
 */
export const DATA_SCOPES = ['own', 'department', 'subtree', 'specified', 'all'] as const;
export type DataScope = (typeof DATA_SCOPES)[number];

/** How wide a scope is, for "the widest wins" displays; specified sits beside department. */
export const SCOPE_RANK: Record<DataScope, number> = { own: 0, department: 1, specified: 1, subtree: 2, all: 3 };

/** A field the admin may hide or make read-only per role. */
export interface FieldModel {
  name: string;
  label: Label;
}

/**
 * A resource type as a plugin declares it to the access model. Permission
 * names follow one pattern across the suite: `${permissionPrefix}.${action}`
 * (e.g. `crm.customer.export`). Actions that have no record yet (create) are
 * basic permissions; the others are resource permissions of `resourceType`.
 */
export interface ResourceModel {
  pluginId: string;
  resourceType: string;
  permissionPrefix: string;
  label: Label;
  actions: AccessAction[];
  /** whether data scopes apply (records have owners and departments); false → only "all" or nothing */
  scoped: boolean;
  fields: FieldModel[];
  /**
   * What the built-in roles get the first time the access plugin sees this
   * resource type (later edits by admins are never overwritten).
   */
  defaults?: {
    grants: Array<{ role: BuiltinRoleKey; action: AccessAction; scope: DataScope }>;
    fieldRules?: Array<{ role: BuiltinRoleKey; field: string; mode: 'hidden' | 'readOnly' }>;
  };
}

/** The roles every installation starts with; admins may add more and edit these. */
export const BUILTIN_ROLES = [
  { key: 'sales', name: { 'zh-CN': '销售员', en: 'Salesperson' } },
  { key: 'sales-manager', name: { 'zh-CN': '销售经理', en: 'Sales manager' } },
  { key: 'marketing', name: { 'zh-CN': '市场专员', en: 'Marketing specialist' } },
  { key: 'service', name: { 'zh-CN': '客服专员', en: 'Service specialist' } },
  { key: 'finance', name: { 'zh-CN': '财务', en: 'Finance' } },
  { key: 'general-manager', name: { 'zh-CN': '总经理', en: 'General manager' } },
  { key: 'admin', name: { 'zh-CN': '系统管理员', en: 'System administrator' } },
] as const;

export type BuiltinRoleKey = (typeof BUILTIN_ROLES)[number]['key'];

export const ACTION_LABELS: Record<AccessAction, Label> = {
  read: { 'zh-CN': '查看', en: 'Read' },
  create: { 'zh-CN': '新建', en: 'Create' },
  update: { 'zh-CN': '编辑', en: 'Update' },
  delete: { 'zh-CN': '删除', en: 'Delete' },
  export: { 'zh-CN': '导出', en: 'Export' },
  assign: { 'zh-CN': '分配', en: 'Assign' },
};

export const SCOPE_LABELS: Record<DataScope, Label> = {
  own: { 'zh-CN': '本人', en: 'Own' },
  department: { 'zh-CN': '本部门', en: 'Own department' },
  subtree: { 'zh-CN': '本部门及下级', en: 'Department and below' },
  specified: { 'zh-CN': '指定部门', en: 'Specified departments' },
  all: { 'zh-CN': '全部', en: 'All' },
};

export function permissionName(model: Pick<ResourceModel, 'permissionPrefix'>, action: AccessAction): string {
  return `${model.permissionPrefix}.${action}`;
}

/** Actions that exist before any record does: basic permissions without a data scope. */
export function isBasicAction(action: AccessAction): boolean {
  return action === 'create';
}

/** The access plugin's own resources: 系统设置 itself and the suite's audit log. */
export const ACCESS_SETTINGS_MODEL: ResourceModel = {
  pluginId: 'access',
  resourceType: 'access-settings',
  permissionPrefix: 'access.settings',
  label: { 'zh-CN': '系统设置（角色与授权）', en: 'Settings (roles and grants)' },
  actions: ['read', 'update'],
  scoped: false,
  fields: [],
  defaults: {
    grants: [
      ...(['read', 'update'] as const).map(action => ({ role: 'admin' as const, action, scope: 'all' as const })),
      { role: 'general-manager', action: 'read', scope: 'all' },
    ],
  },
};

export const AUDIT_MODEL: ResourceModel = {
  pluginId: 'access',
  resourceType: 'suite-audit',
  permissionPrefix: 'suite.audit',
  label: { 'zh-CN': '审计日志', en: 'Audit log' },
  actions: ['read', 'export'],
  scoped: false,
  fields: [],
  defaults: {
    grants: [
      { role: 'admin', action: 'read', scope: 'all' },
      { role: 'admin', action: 'export', scope: 'all' },
      { role: 'general-manager', action: 'read', scope: 'all' },
    ],
  },
};

export const HANDOVER_MODEL: ResourceModel = {
  pluginId: 'access',
  resourceType: 'handover',
  permissionPrefix: 'access.handover',
  label: { 'zh-CN': '工作移交', en: 'Work handover' },
  actions: ['read', 'create'],
  scoped: false,
  fields: [],
  defaults: {
    grants: [
      { role: 'admin', action: 'read', scope: 'all' },
      { role: 'admin', action: 'create', scope: 'all' },
    ],
  },
};

export const ACCESS_MODELS: ResourceModel[] = [ACCESS_SETTINGS_MODEL, AUDIT_MODEL, HANDOVER_MODEL];
