import { Entity } from '@backstage/catalog-model';
import { ancestorsOf, buildOrgSnapshot, subtreeOf, supervisorChain } from './OrgDirectory';

const group = (name: string, parent?: string, leader?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', ...(leader ? { annotations: { 'cocrm.io/leader': leader } } : {}) },
  spec: { type: 'department', profile: { displayName: name.toUpperCase() }, children: [] },
  relations: parent ? [{ type: 'childOf', targetRef: `group:default/${parent}` }] : [],
});
const user = (name: string, dept: string, supervisor?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', ...(supervisor ? { annotations: { 'cocrm.io/supervisor': supervisor } } : {}) },
  spec: { memberOf: [dept] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${dept}` }],
});

describe('buildOrgSnapshot', () => {
  it('cuts a department parent cycle from ingestion and reports it in both languages', () => {
    const org = buildOrgSnapshot([group('root'), group('a', 'c'), group('b', 'a'), group('c', 'b'), group('d', 'a'), user('x', 'a')]);
    expect(org.problems).toHaveLength(1);
    expect(org.problems[0]).toMatchObject({ kind: 'parentCycle' });
    expect(org.problems[0].message['zh-CN']).toContain('循环');
    expect(org.problems[0].refs.sort()).toEqual(['group:default/a', 'group:default/b', 'group:default/c']);
    // the loop's members become roots: subtrees end, and what hangs below the loop stays
    expect([...subtreeOf(org, 'group:default/a')].sort()).toEqual(['group:default/a', 'group:default/d']);
    expect(org.departments.get('group:default/b')!.parent).toBeNull();
    expect(ancestorsOf(org, 'group:default/d')).toEqual(['group:default/d', 'group:default/a']);
  });

  it('drops unknown leaders and supervisors and cuts supervisor cycles', () => {
    const org = buildOrgSnapshot([
      group('a', undefined, 'user:default/ghost'),
      user('p', 'a', 'user:default/q'),
      user('q', 'a', 'user:default/p'),
      user('r', 'a', 'user:default/nobody'),
    ]);
    expect(org.departments.get('group:default/a')!.leader).toBeNull();
    expect(org.users.get('user:default/r')!.supervisor).toBeNull();
    expect(org.problems.map(p => p.kind).sort()).toEqual(['supervisorCycle', 'unknownLeader', 'unknownSupervisor']);
    expect(supervisorChain(org, 'user:default/p').length).toBeLessThanOrEqual(1);
  });
});
