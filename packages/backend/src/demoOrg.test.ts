import { buildOrgSnapshot, subtreeOf, supervisorChain } from '@cocrm/plugin-access-node';
import { demoOrgEntities } from './__testUtils__/demoOrg';

const u = (name: string) => `user:default/${name}`;

describe('the demo organisation', () => {
  it('has leaders for every department and a supervisor chain up to the general manager', () => {
    const org = buildOrgSnapshot(demoOrgEntities());
    expect(org.problems).toEqual([]);
    expect(org.users.size).toBeGreaterThanOrEqual(15);
    for (const d of org.departments.values()) expect(org.users.has(d.leader ?? '')).toBe(true);
    for (const user of org.users.values()) {
      if (user.ref === u('wangjianguo')) continue;
      expect(supervisorChain(org, user.ref).at(-1)).toBe(u('wangjianguo'));
    }
    expect(supervisorChain(org, u('zhouhao'))).toEqual([u('sunli'), u('zhaoqiang'), u('wangjianguo')]);
    expect([...subtreeOf(org, 'group:default/sales')].sort()).toEqual(['group:default/sales', 'group:default/sales-1', 'group:default/sales-2']);
  });
});
