import { ACCESS_SETTINGS_MODEL, GrantSpec } from '@cocrm/plugin-access-common';
import { buildOrgSnapshot } from '@cocrm/plugin-access-node';
import { CUSTOMER_MODEL, group, orgEntities, user } from '../__testUtils__/org';
import { AccessData, AccessRoleData, compileAccess, explainAccess } from './compileAccess';

const org = buildOrgSnapshot(orgEntities());
const models = [CUSTOMER_MODEL, ACCESS_SETTINGS_MODEL];

const role = (id: string, grants: GrantSpec[], fieldRules: AccessRoleData['fieldRules'] = [], key = id): AccessRoleData => ({
  id,
  key,
  name: `角色${id}`,
  grants,
  fieldRules,
});
const read = (scope: GrantSpec['scope'], extra: Partial<GrantSpec> = {}): GrantSpec => ({ resourceType: 'crm-customer', action: 'read', scope, ...extra });
const member = (roleId: string, kind: 'user' | 'department', ref: string, includeSubdepartments = false) => ({
  id: `${roleId}-${ref}`,
  roleId,
  kind,
  ref,
  includeSubdepartments,
});
const data = (partial: Partial<AccessData>): AccessData => ({ roles: [], members: [], directGrants: [], ...partial });
const compile = (who: string, d: AccessData) => compileAccess({ org, userRef: user(who), data: d, models });
const readOf = (who: string, d: AccessData) => compile(who, d)?.permissions['crm.customer.read'];

describe('compileAccess', () => {
  it('turns each data scope into owners or departments', () => {
    const only = (scope: GrantSpec['scope'], extra: Partial<GrantSpec> = {}) =>
      data({ roles: [role('r', [read(scope, extra)])], members: [member('r', 'user', user('zhouhao'))] });
    expect(readOf('zhouhao', only('own'))).toEqual({ all: false, owners: [user('zhouhao')], departments: [] });
    // every scope wider than 本人 includes the user's own records
    expect(readOf('zhouhao', only('department'))).toEqual({ all: false, owners: [user('zhouhao')], departments: [group('sales-east')] });
    expect(readOf('zhouhao', only('subtree'))).toEqual({
      all: false,
      owners: [user('zhouhao')],
      departments: [group('sales-east'), group('sales-east-sh')],
    });
    expect(readOf('zhouhao', only('specified', { departments: [group('sales')] }))).toEqual({ all: false, owners: [user('zhouhao')], departments: [group('sales')] });
    expect(readOf('zhouhao', only('specified', { departments: [group('sales')], includeSubdepartments: true }))).toEqual({
      all: false,
      owners: [user('zhouhao')],
      departments: [group('sales'), group('sales-east'), group('sales-east-sh'), group('sales-north')],
    });
    expect(readOf('zhouhao', only('all'))).toEqual({ all: true, owners: [], departments: [] });
  });

  it('unites every applicable grant, sorted and without duplicates', () => {
    const d = data({
      roles: [role('a', [read('own')]), role('b', [read('specified', { departments: [group('finance'), group('sales-east')] })]), role('c', [read('subtree')])],
      members: [member('a', 'user', user('zhouhao')), member('b', 'user', user('zhouhao')), member('c', 'user', user('zhouhao'))],
    });
    expect(readOf('zhouhao', d)).toEqual({
      all: false,
      owners: [user('zhouhao')],
      departments: [group('finance'), group('sales-east'), group('sales-east-sh')],
    });
  });

  it('takes every department of a user who belongs to several', () => {
    const d = data({ roles: [role('a', [read('department')])], members: [member('a', 'user', user('liuyang'))] });
    expect(readOf('liuyang', d)?.departments).toEqual([group('finance'), group('sales-north')]);
  });

  it('gives a department role to its members, and to sub-departments only when asked', () => {
    const direct = data({ roles: [role('a', [read('own')])], members: [member('a', 'department', group('sales'))] });
    expect(readOf('zhaoqiang', direct)).toBeDefined();
    expect(readOf('zhouhao', direct)).toBeUndefined();

    const inherited = data({ roles: [role('a', [read('own')])], members: [member('a', 'department', group('sales'), true)] });
    expect(readOf('zhouhao', inherited)).toEqual({ all: false, owners: [user('zhouhao')], departments: [] });
    expect(readOf('sunli', inherited)).toBeDefined();
    expect(readOf('chenjing', inherited)).toBeUndefined();
    const explained = explainAccess({ org, userRef: user('sunli'), data: inherited, models })!;
    expect(explained.roles).toEqual([
      {
        roleId: 'a',
        key: 'a',
        name: '角色a',
        reasons: [{ via: 'role', roleId: 'a', roleName: '角色a', membership: { kind: 'department', departmentRef: group('sales-east-sh'), inheritedFrom: group('sales') } }],
      },
    ]);
  });

  it('gives roles named by the catalog annotation cocrm.io/roles', () => {
    const d = data({ roles: [role('r1', [read('own')], [], 'sales'), role('r2', [read('all')], [], 'general-manager')] });
    expect(readOf('zhouhao', d)).toEqual({ all: false, owners: [user('zhouhao')], departments: [] });
    expect(readOf('wangjianguo', d)?.all).toBe(true);
    expect(readOf('wufang', d)).toBeUndefined();
    expect(explainAccess({ org, userRef: user('zhouhao'), data: d, models })!.roles[0].reasons).toEqual([
      { via: 'role', roleId: 'r1', roleName: '角色r1', membership: { kind: 'catalog' } },
    ]);
  });

  it('applies direct grants to users and departments (with sub-departments when asked)', () => {
    const d = data({
      directGrants: [
        { id: 'g1', subjectKind: 'user', subjectRef: user('wufang'), includeSubdepartments: false, grant: read('own') },
        { id: 'g2', subjectKind: 'department', subjectRef: group('sales'), includeSubdepartments: true, grant: read('department') },
        { id: 'g3', subjectKind: 'department', subjectRef: group('hq'), includeSubdepartments: false, grant: read('all') },
      ],
    });
    expect(readOf('wufang', d)).toEqual({ all: false, owners: [user('wufang')], departments: [group('sales-north')] });
    expect(readOf('zhaoqiang', d)).toEqual({ all: false, owners: [user('zhaoqiang')], departments: [group('sales')] });
    expect(readOf('chenjing', d)).toBeUndefined();
    expect(readOf('wangjianguo', d)?.all).toBe(true);
    const explained = explainAccess({ org, userRef: user('wufang'), data: d, models })!;
    expect(explained.permissions[0].scopes).toEqual([
      { scope: 'own', reasons: [{ via: 'user-grant', grantId: 'g1' }] },
      { scope: 'department', reasons: [{ via: 'department-grant', grantId: 'g2', departmentRef: group('sales-north'), inheritedFrom: group('sales') }] },
    ]);
    expect(explained.permissions[0].departmentNames).toEqual(['华北销售组']);
  });

  it('makes any grant of a basic action or a non-scoped resource "all"', () => {
    const d = data({
      roles: [
        role('r', [
          { resourceType: 'crm-customer', action: 'create', scope: 'own' },
          { resourceType: 'access-settings', action: 'read', scope: 'department' },
        ]),
      ],
      members: [member('r', 'user', user('zhouhao'))],
    });
    const compiled = compile('zhouhao', d)!;
    expect(compiled.permissions['crm.customer.create'].all).toBe(true);
    expect(compiled.permissions['access.settings.read'].all).toBe(true);
  });

  it('ignores grants of unknown resource types and actions', () => {
    const d = data({
      roles: [
        role('r', [
          { resourceType: 'gone', action: 'read', scope: 'all' },
          { resourceType: 'access-settings', action: 'export', scope: 'all' },
        ]),
      ],
      members: [member('r', 'user', user('zhouhao'))],
    });
    expect(compile('zhouhao', d)).toEqual({ userRef: user('zhouhao'), permissions: {}, fields: {} });
  });

  it('resolves field rules across roles to the least restrictive', () => {
    const d = data({
      roles: [
        role('a', [read('own')], [
          { resourceType: 'crm-customer', field: 'phone', mode: 'hidden' },
          { resourceType: 'crm-customer', field: 'annualRevenue', mode: 'hidden' },
          { resourceType: 'crm-customer', field: 'remark', mode: 'readOnly' },
          { resourceType: 'crm-customer', field: 'name', mode: 'readOnly' },
        ]),
        role('b', [read('department')], [
          { resourceType: 'crm-customer', field: 'phone', mode: 'readOnly' },
          { resourceType: 'crm-customer', field: 'annualRevenue', mode: 'hidden' },
          { resourceType: 'crm-customer', field: 'name', mode: 'readOnly' },
        ]),
        // no read grant: its rules don't count
        role('c', [{ resourceType: 'crm-customer', action: 'update', scope: 'own' }], [{ resourceType: 'crm-customer', field: 'remark', mode: 'hidden' }]),
      ],
      members: [member('a', 'user', user('zhouhao')), member('b', 'user', user('zhouhao')), member('c', 'user', user('zhouhao'))],
    });
    expect(compile('zhouhao', d)!.fields).toEqual({ 'crm-customer': { hidden: ['annualRevenue'], readOnly: ['name', 'phone'] } });
    const fields = explainAccess({ org, userRef: user('zhouhao'), data: d, models })!.fields;
    expect(fields.find(f => f.field === 'phone')).toMatchObject({ mode: 'readOnly', reasons: [expect.objectContaining({ roleId: 'b' })] });
    expect(fields.find(f => f.field === 'annualRevenue')!.reasons.map(r => (r.via === 'role' ? r.roleId : r.via))).toEqual(['a', 'b']);

    // a direct read grant carries no rules: everything becomes visible
    const withDirect: AccessData = {
      ...d,
      directGrants: [{ id: 'g', subjectKind: 'user', subjectRef: user('zhouhao'), includeSubdepartments: false, grant: read('own') }],
    };
    expect(compile('zhouhao', withDirect)!.fields).toEqual({ 'crm-customer': { hidden: [], readOnly: [] } });
    // no read source at all: no entry
    expect(compile('wufang', d)!.fields).toEqual({});
  });

  it('answers undefined for a user the org does not know', () => {
    expect(compileAccess({ org, userRef: user('nobody'), data: data({}), models })).toBeUndefined();
    expect(explainAccess({ org, userRef: user('nobody'), data: data({}), models })).toBeUndefined();
  });
});
