import { Entity } from '@backstage/catalog-model';
import { ResourceModel } from '@cocrm/plugin-access-common';

/**
 * A small org as the catalog holds it (relations included, the way the
 * catalog's processors set them):
 *
 *   总公司 hq ─┬─ 销售部 sales ─┬─ 华东销售组 sales-east ── 上海小组 sales-east-sh
 *              │                 └─ 华北销售组 sales-north
 *              └─ 财务部 finance
 */
const DEPARTMENTS: Array<{ name: string; displayName: string; parent?: string; leader?: string }> = [
  { name: 'hq', displayName: '总公司', leader: 'wangjianguo' },
  { name: 'sales', displayName: '销售部', parent: 'hq', leader: 'zhaoqiang' },
  { name: 'sales-east', displayName: '华东销售组', parent: 'sales' },
  { name: 'sales-east-sh', displayName: '上海小组', parent: 'sales-east' },
  { name: 'sales-north', displayName: '华北销售组', parent: 'sales' },
  { name: 'finance', displayName: '财务部', parent: 'hq' },
];

export const USERS: Array<{ name: string; displayName: string; departments: string[]; roles?: string }> = [
  { name: 'wangjianguo', displayName: '王建国', departments: ['hq'], roles: 'general-manager,admin' },
  { name: 'zhaoqiang', displayName: '赵强', departments: ['sales'], roles: 'sales-manager' },
  { name: 'zhouhao', displayName: '周浩', departments: ['sales-east'], roles: 'sales' },
  { name: 'sunli', displayName: '孙丽', departments: ['sales-east-sh'] },
  { name: 'wufang', displayName: '吴芳', departments: ['sales-north'] },
  { name: 'chenjing', displayName: '陈静', departments: ['finance'], roles: 'finance' },
  { name: 'liuyang', displayName: '刘洋', departments: ['sales-north', 'finance'], roles: 'auditor' },
  { name: 'outsider', displayName: '外部人员', departments: [] },
];

export const user = (name: string) => `user:default/${name}`;
export const group = (name: string) => `group:default/${name}`;

export function orgEntities(): Entity[] {
  const groups: Entity[] = DEPARTMENTS.map(d => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: d.name,
      namespace: 'default',
      ...(d.leader ? { annotations: { 'cocrm.io/leader': user(d.leader) } } : {}),
    },
    spec: { type: 'department', profile: { displayName: d.displayName }, children: [] },
    relations: [
      ...(d.parent ? [{ type: 'childOf', targetRef: group(d.parent) }] : []),
      ...DEPARTMENTS.filter(c => c.parent === d.name).map(c => ({ type: 'parentOf', targetRef: group(c.name) })),
      ...USERS.filter(u => u.departments.includes(d.name)).map(u => ({ type: 'hasMember', targetRef: user(u.name) })),
    ],
  }));
  const users: Entity[] = USERS.map(u => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: u.name, namespace: 'default', ...(u.roles ? { annotations: { 'cocrm.io/roles': u.roles } } : {}) },
    spec: { profile: { displayName: u.displayName }, memberOf: u.departments },
    relations: u.departments.map(d => ({ type: 'memberOf', targetRef: group(d) })),
  }));
  return [...groups, ...users];
}

/** A scoped resource type like the CRM's customer, with defaults for the built-in roles. */
export const CUSTOMER_MODEL: ResourceModel = {
  pluginId: 'crm',
  resourceType: 'crm-customer',
  permissionPrefix: 'crm.customer',
  label: { 'zh-CN': '客户', en: 'Customer' },
  actions: ['read', 'create', 'update', 'delete', 'export'],
  scoped: true,
  fields: [
    { name: 'name', label: { 'zh-CN': '名称', en: 'Name' } },
    { name: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
    { name: 'annualRevenue', label: { 'zh-CN': '年营业额', en: 'Annual revenue' } },
    { name: 'remark', label: { 'zh-CN': '备注', en: 'Remark' } },
  ],
  defaults: {
    grants: [
      { role: 'sales', action: 'read', scope: 'own' },
      { role: 'sales', action: 'update', scope: 'own' },
      { role: 'sales', action: 'create', scope: 'all' },
      { role: 'sales-manager', action: 'read', scope: 'subtree' },
      { role: 'general-manager', action: 'read', scope: 'all' },
    ],
    fieldRules: [{ role: 'sales', field: 'annualRevenue', mode: 'hidden' }],
  },
};

/** A second scoped resource, for the net disk's handover items. */
export const FOLDER_MODEL: ResourceModel = {
  pluginId: 'netdisk',
  resourceType: 'netdisk-folder',
  permissionPrefix: 'netdisk.folder',
  label: { 'zh-CN': '网盘文件夹', en: 'Net disk folder' },
  actions: ['read', 'update'],
  scoped: true,
  fields: [],
};
