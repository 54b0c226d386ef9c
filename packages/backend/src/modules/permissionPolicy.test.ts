import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  crmContactCreatePermission,
  crmCustomerReadPermission,
  crmVisitUpdatePermission,
} from '@cocrm/plugin-crm-common';
import { OrgDirectory, OrgSnapshot, subtreeOf, usersVisibleTo } from './OrgDirectory';
import { SuitePermissionPolicy } from './permissionPolicy';

type Doc = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { parent?: string; memberOf?: string[]; profile?: { displayName?: string } };
};

/** The demo org of examples/org.yaml, as the catalog would relate it. */
function demoOrgEntities() {
  const docs = yaml
    .parseAllDocuments(fs.readFileSync(path.resolve(__dirname, '../../../../examples/org.yaml'), 'utf8'))
    .map(d => d.toJS() as Doc);
  return docs.map(d => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: d.kind,
    metadata: { ...d.metadata, namespace: 'default' },
    spec: d.spec,
    relations: [
      ...(d.spec.memberOf ?? []).map(g => ({ type: 'memberOf', targetRef: `group:default/${g}` })),
      ...(d.spec.parent ? [{ type: 'childOf', targetRef: `group:default/${d.spec.parent}` }] : []),
    ],
  }));
}

async function demoOrg(): Promise<OrgSnapshot> {
  const entities = demoOrgEntities();
  const catalog = { getEntities: async () => ({ items: entities }) };
  const auth = { getOwnServiceCredentials: async () => ({}) };
  const logger = { debug: () => {} };
  return new OrgDirectory(catalog as never, auth as never, logger as never).snapshot();
}

const u = (name: string) => `user:default/${name}`;

describe('the demo organisation', () => {
  it('has leaders for every department and a supervisor chain up to the general manager', async () => {
    const org = await demoOrg();
    expect(org.users.size).toBeGreaterThanOrEqual(15);
    for (const d of org.departments.values()) expect(org.users.has(d.leader ?? '')).toBe(true);
    for (const user of org.users.values()) {
      const seen = new Set<string>();
      let cur: string | null = user.ref;
      while (cur && cur !== u('wangjianguo')) {
        expect(seen.has(cur)).toBe(false);
        seen.add(cur);
        cur = org.users.get(cur)?.supervisor ?? null;
      }
      expect(cur).toBe(u('wangjianguo'));
    }
    expect([...subtreeOf(org, 'group:default/sales')].sort()).toEqual(['group:default/sales', 'group:default/sales-1', 'group:default/sales-2']);
  });

  it('gives salespeople themselves, leaders their department subtree', async () => {
    const org = await demoOrg();
    expect(usersVisibleTo(org, u('zhouhao'))).toEqual([u('zhouhao')]);
    expect(usersVisibleTo(org, u('sunli'))).toEqual([u('sunli'), u('wufang'), u('zhouhao')]);
    const salesHead = usersVisibleTo(org, u('zhaoqiang'));
    expect(salesHead).toEqual(expect.arrayContaining([u('zhouhao'), u('chenjing'), u('linfeng'), u('zhengwei')]));
    expect(salesHead).not.toContain(u('mali'));
  });
});

describe('SuitePermissionPolicy', () => {
  const policy = async () => {
    const org = await demoOrg();
    return new SuitePermissionPolicy({ snapshot: async () => org } as unknown as OrgDirectory);
  };
  const user = (name: string) => ({ info: { userEntityRef: u(name), ownershipEntityRefs: [] }, token: '', identity: {} as never, credentials: {} as never }) as never;

  it('makes CRM resource permissions conditional on the account managers in scope', async () => {
    const p = await policy();
    const d = await p.handle({ permission: crmCustomerReadPermission }, user('sunli'));
    expect(d).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'crm',
      resourceType: 'crm-customer',
      conditions: { rule: 'HAS_ACCOUNT_MANAGER', resourceType: 'crm-customer', params: { userRefs: [u('sunli'), u('wufang'), u('zhouhao')] } },
    });
    const visit = await p.handle({ permission: crmVisitUpdatePermission }, user('zhouhao'));
    expect(visit).toMatchObject({ result: AuthorizeResult.CONDITIONAL, resourceType: 'crm-visit', conditions: { params: { userRefs: [u('zhouhao')] } } });
  });

  it('lets the general manager and the administrator see everything', async () => {
    const p = await policy();
    expect((await p.handle({ permission: crmCustomerReadPermission }, user('wangjianguo'))).result).toBe(AuthorizeResult.ALLOW);
    expect((await p.handle({ permission: crmCustomerReadPermission }, user('lijun'))).result).toBe(AuthorizeResult.ALLOW);
  });

  it('allows creating, denies unknown users, leaves other plugins alone', async () => {
    const p = await policy();
    expect((await p.handle({ permission: crmContactCreatePermission }, user('mali'))).result).toBe(AuthorizeResult.ALLOW);
    expect((await p.handle({ permission: crmCustomerReadPermission }, user('stranger'))).result).toBe(AuthorizeResult.DENY);
    expect((await p.handle({ permission: crmCustomerReadPermission })).result).toBe(AuthorizeResult.DENY);
    expect((await p.handle({ permission: { type: 'basic', name: 'catalog.entity.create', attributes: {} } }, user('mali'))).result).toBe(AuthorizeResult.ALLOW);
  });
});
