import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { EffectiveAccess } from '@cocrm/plugin-access-common';
import { AccessApiError } from '../../api/AccessClient';
import { fakeAccessApi, renderSettings } from '../../__testUtils__';

jest.setTimeout(30_000);

const ZHOUHAO = 'user:default/zhouhao';

const access: EffectiveAccess = {
  userRef: ZHOUHAO,
  displayName: '周浩',
  departments: [{ ref: 'group:default/sales-1', displayName: '销售一部' }],
  roles: [
    {
      roleId: 'r1',
      key: 'sales',
      name: '销售员',
      reasons: [{ via: 'role', roleId: 'r1', roleName: '销售员', membership: { kind: 'catalog' } }],
    },
    {
      roleId: 'r2',
      key: 'service',
      name: '客服专员',
      reasons: [
        { via: 'role', roleId: 'r2', roleName: '客服专员', membership: { kind: 'user' } },
        {
          via: 'role',
          roleId: 'r2',
          roleName: '客服专员',
          membership: { kind: 'department', departmentRef: 'group:default/sales-1' },
        },
      ],
    },
    {
      roleId: 'r3',
      key: 'viewer',
      name: '只读',
      reasons: [
        {
          via: 'role',
          roleId: 'r3',
          roleName: '只读',
          membership: {
            kind: 'department',
            departmentRef: 'group:default/sales-1',
            inheritedFrom: 'group:default/sales',
          },
        },
      ],
    },
  ],
  permissions: [
    {
      resourceType: 'crm-customer',
      action: 'read',
      permission: 'crm.customer.read',
      scopes: [
        { scope: 'own', reasons: [{ via: 'role', roleId: 'r1', roleName: '销售员', membership: { kind: 'catalog' } }] },
        {
          scope: 'specified',
          departments: ['group:default/sales-2'],
          includeSubdepartments: false,
          reasons: [
            {
              via: 'department-grant',
              grantId: 'g1',
              departmentRef: 'group:default/sales-1',
              inheritedFrom: 'group:default/sales',
            },
          ],
        },
      ],
      departmentNames: ['销售二部'],
      all: false,
    },
    {
      resourceType: 'crm-customer',
      action: 'export',
      permission: 'crm.customer.export',
      scopes: [{ scope: 'all', reasons: [{ via: 'user-grant', grantId: 'g2' }] }],
      departmentNames: [],
      all: true,
    },
    {
      resourceType: 'crm-visit',
      action: 'create',
      permission: 'crm.visit.create',
      scopes: [
        { scope: 'all', reasons: [{ via: 'role', roleId: 'r2', roleName: '客服专员', membership: { kind: 'user' } }] },
      ],
      departmentNames: [],
      all: true,
    },
  ],
  fields: [
    {
      resourceType: 'crm-customer',
      field: 'annualRevenue',
      mode: 'hidden',
      reasons: [{ via: 'role', roleId: 'r2', roleName: '客服专员', membership: { kind: 'user' } }],
    },
  ],
};

describe('EffectiveAccessPage', () => {
  it('asks for a person first', async () => {
    const api = fakeAccessApi();
    await renderSettings(api, '/system/effective');
    expect(await screen.findByTestId('access-effective-empty')).toHaveTextContent('请选择一位员工');
    expect(api.getEffectiveAccess).not.toHaveBeenCalled();
  });

  it('explains roles, every permission with its scopes and reasons, and field rules in plain Chinese', async () => {
    const api = fakeAccessApi({ getEffectiveAccess: jest.fn(async () => access) });
    await renderSettings(api, `/system/effective?user=${encodeURIComponent(ZHOUHAO)}`);
    expect(await screen.findByTestId('access-effective-name')).toHaveTextContent('周浩');
    expect(api.getEffectiveAccess).toHaveBeenCalledWith(ZHOUHAO);
    expect(screen.getByTestId('access-effective-department')).toHaveTextContent('销售一部');

    // roles and why
    expect(screen.getByTestId('effective-role-sales')).toHaveTextContent('销售员来自目录注解 cocrm.io/roles');
    expect(screen.getByTestId('effective-role-service')).toHaveTextContent('客服专员直接分配；所在部门 销售一部');
    // the department names come from /org, never as refs
    await waitFor(() => expect(screen.getByTestId('effective-role-viewer')).toHaveTextContent('继承自上级部门 销售部'));

    // every resource × action, granted or not, with the scope and the reason for each
    const read = screen.getByTestId('effective-perm-crm-customer-read');
    expect(within(read).getByText('本人')).toBeInTheDocument();
    expect(read).toHaveTextContent('角色“销售员”（来自目录注解 cocrm.io/roles）');
    expect(within(read).getByText('指定部门：销售二部')).toBeInTheDocument();
    expect(read).toHaveTextContent('上级部门授权：销售部');
    expect(read).toHaveTextContent('本人负责的记录、销售二部');
    const exportRow = screen.getByTestId('effective-perm-crm-customer-export');
    expect(within(exportRow).getByText('全部')).toBeInTheDocument();
    expect(exportRow).toHaveTextContent('直接授权');
    expect(exportRow).toHaveTextContent('全部记录');
    // yes/no permissions read as 允许
    expect(within(screen.getByTestId('effective-perm-crm-visit-create')).getByText('允许')).toBeInTheDocument();
    expect(screen.getByTestId('effective-perm-crm-customer-delete')).toHaveTextContent('无权限');
    expect(screen.getByTestId('effective-perm-access-settings-update')).toHaveTextContent('无权限');
    expect(document.body.textContent).not.toContain('group:default/');

    // field rules with reasons
    const field = screen.getByTestId('effective-field-crm-customer-annualRevenue');
    expect(field).toHaveTextContent('年营业额');
    expect(field).toHaveTextContent('隐藏');
    expect(field).toHaveTextContent('角色“客服专员”（直接分配）');

    // only granted rows on request
    fireEvent.click(screen.getByTestId('access-effective-only-granted'));
    expect(screen.queryByTestId('effective-perm-crm-customer-delete')).toBeNull();
    expect(screen.getByTestId('effective-perm-crm-customer-read')).toBeInTheDocument();
  });

  it('shows the server error when the lookup fails', async () => {
    const api = fakeAccessApi({
      getEffectiveAccess: jest
        .fn()
        .mockRejectedValue(
          new AccessApiError(404, { error: { name: 'NotFoundError', message: '用户 user:default/nobody 不存在' } }),
        ),
    });
    await renderSettings(api, '/system/effective?user=user%3Adefault%2Fnobody');
    expect(await screen.findByTestId('access-error-state')).toHaveTextContent('用户 user:default/nobody 不存在');
  });
});
