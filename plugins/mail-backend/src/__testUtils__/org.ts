import type { Entity } from '@backstage/catalog-model';

export const user = (name: string) => `user:default/${name}`;
export const group = (name: string) => `group:default/${name}`;

const DEPARTMENTS = [
  { name: 'sales', displayName: '销售部', parent: null },
  { name: 'sales-east', displayName: '华东销售组', parent: 'sales' },
  { name: 'finance', displayName: '财务部', parent: null },
];

/** Colleagues with their profile addresses (mail recognises internal mail by them). */
export const MAIL_USERS = [
  { name: 'wangjianguo', dept: 'sales', email: 'wangjianguo@corp.example' },
  { name: 'zhaoqiang', dept: 'sales', email: 'zhaoqiang@corp.example' },
  { name: 'zhouhao', dept: 'sales-east', email: 'zhouhao@corp.example' },
  { name: 'sunli', dept: 'sales-east', email: 'sunli@corp.example' },
  { name: 'liuyang', dept: 'finance', email: 'liuyang@corp.example' },
];

/** The demo org as catalog entities, for catalogServiceMock. */
export function mailOrgEntities(): Entity[] {
  const groups: Entity[] = DEPARTMENTS.map(d => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: d.name, namespace: 'default' },
    spec: { type: 'department', profile: { displayName: d.displayName }, children: [] },
    relations: d.parent ? [{ type: 'childOf', targetRef: group(d.parent) }] : [],
  }));
  const users: Entity[] = MAIL_USERS.map(u => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: u.name, namespace: 'default' },
    spec: { memberOf: [u.dept], profile: { email: u.email } },
    relations: [{ type: 'memberOf', targetRef: group(u.dept) }],
  }));
  return [...groups, ...users];
}
