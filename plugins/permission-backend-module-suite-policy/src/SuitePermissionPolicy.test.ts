import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { AccessModelView, CompiledAccess, ResourceModel } from '@cocrm/plugin-access-common';
import { SuitePermissionPolicy } from './SuitePermissionPolicy';

const customerModel: ResourceModel = {
  pluginId: 'crm',
  resourceType: 'crm-customer',
  permissionPrefix: 'crm.customer',
  label: { 'zh-CN': '客户', en: 'Customers' },
  actions: ['read', 'create', 'export'],
  scoped: true,
  fields: [],
};
const read = createPermission({ name: 'crm.customer.read', attributes: { action: 'read' }, resourceType: 'crm-customer' });
const exportP = createPermission({ name: 'crm.customer.export', attributes: {}, resourceType: 'crm-customer' });
const create = createPermission({ name: 'crm.customer.create', attributes: { action: 'create' } });

const compiled: Record<string, CompiledAccess> = {
  'user:default/sunli': {
    userRef: 'user:default/sunli',
    permissions: {
      'crm.customer.read': { all: false, owners: ['user:default/sunli'], departments: ['group:default/sales-1'] },
      'crm.customer.create': { all: true, owners: [], departments: [] },
    },
    fields: {},
  },
  'user:default/wangjianguo': {
    userRef: 'user:default/wangjianguo',
    permissions: { 'crm.customer.read': { all: true, owners: [], departments: [] } },
    fields: {},
  },
};

const user = (ref: string) => ({ info: { userEntityRef: ref, ownershipEntityRefs: [] }, token: '', identity: {} as never, credentials: {} as never }) as never;

function policy(opts: { modelFails?: boolean; compiledFails?: boolean } = {}) {
  const logger = { error: jest.fn() };
  const source = {
    model: async (): Promise<AccessModelView> => {
      if (opts.modelFails) throw new Error('down');
      return { resources: [customerModel] };
    },
    compiled: async (ref: string): Promise<CompiledAccess> => {
      if (opts.compiledFails) throw new Error('down');
      return compiled[ref] ?? { userRef: ref, permissions: {}, fields: {} };
    },
  };
  return { p: new SuitePermissionPolicy(source, logger), logger };
}

describe('SuitePermissionPolicy', () => {
  it('turns own + department scopes into a conditional decision of the owning plugin', async () => {
    const { p } = policy();
    expect(await p.handle({ permission: read }, user('user:default/sunli'))).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'crm',
      resourceType: 'crm-customer',
      conditions: {
        anyOf: [
          { rule: 'IS_OWNER', resourceType: 'crm-customer', params: { userRefs: ['user:default/sunli'] } },
          { rule: 'IN_DEPARTMENT', resourceType: 'crm-customer', params: { departmentRefs: ['group:default/sales-1'] } },
        ],
      },
    });
  });

  it('allows scope "all" and basic permissions that are granted, denies what is not granted', async () => {
    const { p } = policy();
    expect((await p.handle({ permission: read }, user('user:default/wangjianguo'))).result).toBe(AuthorizeResult.ALLOW);
    expect((await p.handle({ permission: create }, user('user:default/sunli'))).result).toBe(AuthorizeResult.ALLOW);
    expect((await p.handle({ permission: create }, user('user:default/wangjianguo'))).result).toBe(AuthorizeResult.DENY);
    expect((await p.handle({ permission: exportP }, user('user:default/sunli'))).result).toBe(AuthorizeResult.DENY);
    expect((await p.handle({ permission: read })).result).toBe(AuthorizeResult.DENY);
  });

  it('leaves the portal\'s own permissions alone but fails closed for the suite when the access plugin is down', async () => {
    const catalogRead = createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' }, resourceType: 'catalog-entity' });
    expect((await policy().p.handle({ permission: catalogRead }, user('user:default/sunli'))).result).toBe(AuthorizeResult.ALLOW);
    const down = policy({ modelFails: true });
    expect((await down.p.handle({ permission: read }, user('user:default/wangjianguo'))).result).toBe(AuthorizeResult.DENY);
    expect((await down.p.handle({ permission: catalogRead }, user('user:default/sunli'))).result).toBe(AuthorizeResult.ALLOW);
    expect(down.logger.error).toHaveBeenCalled();
    expect((await policy({ compiledFails: true }).p.handle({ permission: read }, user('user:default/wangjianguo'))).result).toBe(AuthorizeResult.DENY);
    // an unknown crm.* permission (a plugin newer than the model) is denied, not allowed
    const unknown = createPermission({ name: 'crm.quote.read', attributes: {} });
    expect((await policy().p.handle({ permission: unknown }, user('user:default/wangjianguo'))).result).toBe(AuthorizeResult.DENY);
  });
});
