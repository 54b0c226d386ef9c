import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { crmCustomerCreatePermission, crmCustomerReadPermission } from '@cocrm/plugin-crm-common';
import { Access } from './Access';
import { customerRules, customerResourceRef } from '../permissions/rules';

describe('Access', () => {
  const setup = () => {
    let now = 1_000_000;
    const permissions = mockServices.permissions.mock({
      authorizeConditional: jest.fn(async () => [
        { result: AuthorizeResult.CONDITIONAL, pluginId: 'crm', resourceType: 'crm-customer', conditions: { rule: 'IS_OWNER', resourceType: 'crm-customer', params: { userRefs: ['user:default/a'] } } },
      ]) as never,
      authorize: jest.fn(async () => [{ result: AuthorizeResult.DENY }]) as never,
    });
    const registry = mockServices.permissionsRegistry.mock({
      getPermissionRuleset: (() => ({ getRuleByName: () => customerRules[0] })) as never,
    });
    const access = new Access(permissions, registry, () => now);
    return { access, permissions, advance: (ms: number) => (now += ms) };
  };

  it('turns a conditional decision into an owner filter and reuses it briefly per user', async () => {
    const { access, permissions, advance } = setup();
    const alice = mockCredentials.user('user:default/alice');
    const filter = await access.filter(crmCustomerReadPermission, alice);
    expect(filter).toEqual({ kind: 'isOwner', userRefs: ['user:default/a'] });
    await access.filter(crmCustomerReadPermission, alice);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    await access.filter(crmCustomerReadPermission, mockCredentials.user('user:default/bob'));
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(2);
    advance(3_001);
    await access.filter(crmCustomerReadPermission, alice);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(3);
    expect(customerResourceRef.resourceType).toBe('crm-customer');
  });

  it('refuses an action outside its scope with 403 even when the record is readable', async () => {
    const { access } = setup();
    const alice = mockCredentials.user('user:default/alice');
    const read = async () => ({ id: 'c1' });
    await expect(access.forAction(crmCustomerReadPermission, alice, read, async () => undefined)).rejects.toMatchObject({ status: 403 });
    await expect(access.forAction(crmCustomerReadPermission, alice, read, async filter => filter)).resolves.toEqual({ id: 'c1' });
  });

  it('answers a denied basic permission with 403', async () => {
    const { access } = setup();
    await expect(access.check(crmCustomerCreatePermission, mockCredentials.user())).rejects.toMatchObject({ status: 403 });
  });
});
