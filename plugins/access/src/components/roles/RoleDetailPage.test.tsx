import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AccessApiError } from '../../api/AccessClient';
import { fakeAccessApi, FakeAccessApi, renderSettings, role } from '../../__testUtils__';

jest.setTimeout(30_000);

async function renderEditor(api: FakeAccessApi) {
  await renderSettings(api, '/system/roles/r-service');
  return (await screen.findByTestId('grant-crm-customer-read')) as HTMLSelectElement;
}

const select = (testId: string) => screen.getByTestId(testId) as HTMLSelectElement;

describe('RoleDetailPage', () => {
  it('shows the role as loaded: scopes per cell, yes/no cells, field rules, nothing dirty', async () => {
    const api = fakeAccessApi();
    const cell = await renderEditor(api);
    expect(api.getRole).toHaveBeenCalledWith('r-service');
    expect(cell.value).toBe('own');
    // scoped cells offer every data scope, in the order admins read them
    expect([...cell.options].map(o => o.textContent)).toEqual([
      '不授权',
      '本人',
      '本部门',
      '本部门及下级',
      '指定部门',
      '全部',
    ]);
    // create and non-scoped resources are yes/no
    expect([...select('grant-crm-visit-create').options].map(o => o.textContent)).toEqual(['不授权', '允许']);
    expect(select('grant-crm-visit-create').value).toBe('all');
    expect([...select('grant-access-settings-read').options].map(o => o.textContent)).toEqual(['不授权', '允许']);
    expect(select('field-crm-customer-phone').value).toBe('readOnly');
    expect(select('field-crm-customer-annualRevenue').value).toBe('visible');
    expect(screen.queryByTestId('access-role-dirty')).toBeNull();
    expect(screen.getByTestId('access-role-save')).toBeDisabled();
    // holders through the directory are listed with the members, without a remove button
    const holder = await screen.findByTestId('access-member-catalog-user:default/guoyan');
    expect(within(holder).getByText('郭燕')).toBeInTheDocument();
    expect(within(holder).getByText('来自目录注解')).toBeInTheDocument();
    expect(screen.queryByTestId('access-member-remove-user:default/guoyan')).toBeNull();
  });

  it('saves a changed cell as the whole set with the version', async () => {
    const api = fakeAccessApi();
    const cell = await renderEditor(api);
    fireEvent.change(cell, { target: { value: 'department' } });
    expect(screen.getByTestId('access-role-dirty')).toHaveTextContent('有未保存的更改');
    fireEvent.click(screen.getByTestId('access-role-save'));
    await waitFor(() => expect(api.updateRole).toHaveBeenCalledTimes(1));
    expect(api.updateRole).toHaveBeenCalledWith('r-service', {
      version: 4,
      name: '客服专员',
      description: '处理客户服务请求',
      grants: [
        { resourceType: 'crm-customer', action: 'read', scope: 'department' },
        { resourceType: 'crm-visit', action: 'create', scope: 'all' },
      ],
      fieldRules: [{ resourceType: 'crm-customer', field: 'phone', mode: 'readOnly' }],
    });
    expect(await screen.findByText('已保存')).toBeInTheDocument();
    // the saved role (version 5) is the new baseline
    await waitFor(() => expect(screen.queryByTestId('access-role-dirty')).toBeNull());
  });

  it('sets 指定部门 = 销售一部 and hides a field (the end-to-end flow)', async () => {
    const api = fakeAccessApi();
    const cell = await renderEditor(api);
    fireEvent.change(cell, { target: { value: 'specified' } });
    const dialog = await screen.findByTestId('access-departments-dialog');
    // confirming without a department is refused in Chinese
    fireEvent.click(within(dialog).getByTestId('access-departments-confirm'));
    expect(within(dialog).getByTestId('access-departments-error')).toHaveTextContent('请至少选择一个部门');
    fireEvent.click(within(dialog).getByTestId('dept-option-group:default/sales-1'));
    fireEvent.click(within(dialog).getByTestId('access-departments-confirm'));
    await waitFor(() => expect(screen.queryByTestId('access-departments-dialog')).toBeNull());
    expect(cell.value).toBe('specified');
    expect(screen.getByTestId('grant-crm-customer-read-departments')).toHaveTextContent('销售一部');

    fireEvent.change(select('field-crm-customer-annualRevenue'), { target: { value: 'hidden' } });
    fireEvent.click(screen.getByTestId('access-role-save'));
    await waitFor(() => expect(api.updateRole).toHaveBeenCalledTimes(1));
    const [, body] = api.updateRole.mock.calls[0];
    expect(body.version).toBe(4);
    expect(body.grants).toContainEqual({
      resourceType: 'crm-customer',
      action: 'read',
      scope: 'specified',
      departments: ['group:default/sales-1'],
      includeSubdepartments: false,
    });
    expect(body.fieldRules).toEqual([
      { resourceType: 'crm-customer', field: 'annualRevenue', mode: 'hidden' },
      { resourceType: 'crm-customer', field: 'phone', mode: 'readOnly' },
    ]);
  });

  it('keeps the previous scope when the department dialog is cancelled', async () => {
    const api = fakeAccessApi();
    const cell = await renderEditor(api);
    fireEvent.change(cell, { target: { value: 'specified' } });
    fireEvent.click(await screen.findByTestId('access-departments-cancel'));
    await waitFor(() => expect(screen.queryByTestId('access-departments-dialog')).toBeNull());
    expect(cell.value).toBe('own');
    expect(screen.queryByTestId('access-role-dirty')).toBeNull();
  });

  it('shows the server message on a 409 and reloads the latest version on request', async () => {
    const api = fakeAccessApi({
      updateRole: jest
        .fn()
        .mockRejectedValue(
          new AccessApiError(409, { error: { name: 'ConflictError', message: '该记录已被他人修改，请刷新后重试' } }),
        ),
    });
    api.getRole
      .mockResolvedValueOnce(role())
      .mockResolvedValueOnce(
        role({ version: 7, grants: [{ resourceType: 'crm-customer', action: 'read', scope: 'all' }] }),
      );
    const cell = await renderEditor(api);
    fireEvent.change(cell, { target: { value: 'subtree' } });
    fireEvent.click(screen.getByTestId('access-role-save'));
    const alert = await screen.findByTestId('access-stale-alert');
    expect(alert).toHaveTextContent('该记录已被他人修改，请刷新后重试');
    // the edit is still there until the admin decides to reload
    expect(cell.value).toBe('subtree');
    fireEvent.click(within(alert).getByRole('button', { name: '重新加载' }));
    await waitFor(() => expect(api.getRole).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(select('grant-crm-customer-read').value).toBe('all'));
    expect(screen.queryByTestId('access-stale-alert')).toBeNull();
    expect(screen.queryByTestId('access-role-dirty')).toBeNull();
  });

  it('puts field errors of a 400 under the matrix cell they belong to', async () => {
    const api = fakeAccessApi({
      updateRole: jest.fn().mockRejectedValue(
        new AccessApiError(400, {
          error: {
            name: 'InputError',
            message: '提交的数据有误，请检查标红的字段',
            fields: { 'grants.1.scope': '“拜访”的“新建”不区分数据范围，只能授予“全部”' },
          },
        }),
      ),
    });
    const cell = await renderEditor(api);
    fireEvent.change(cell, { target: { value: 'all' } });
    fireEvent.click(screen.getByTestId('access-role-save'));
    expect(await screen.findByText('“拜访”的“新建”不区分数据范围，只能授予“全部”')).toBeInTheDocument();
    expect(screen.getByTestId('access-error-alert')).toHaveTextContent('提交的数据有误');
    // grants[1] is crm-visit/create in the body's order
    expect(select('grant-crm-visit-create')).toHaveAttribute('aria-invalid', 'true');
    expect(cell).toHaveAttribute('aria-invalid', 'false');
  });
});
