import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AccessApiError } from '../../api/AccessClient';
import { fakeAccessApi, renderSettings, role } from '../../__testUtils__';

jest.setTimeout(30_000);

const custom = role({ id: 'r-temp', key: 'temp', name: '临时角色', builtin: false, memberCount: 3, description: null });

describe('RoleListPage', () => {
  it('lists roles with the built-in badge and member count, linking to the editor', async () => {
    const api = fakeAccessApi({ listRoles: jest.fn(async () => [custom, role()]) });
    await renderSettings(api, '/system/roles');
    const row = await screen.findByTestId('role-row-service');
    expect(within(row).getByTestId('access-builtin')).toHaveTextContent('内置');
    expect(within(row).getByTestId('role-link-service')).toHaveAttribute('href', '/system/roles/r-service');
    // built-in roles cannot be deleted, so they offer no delete button
    expect(within(row).queryByTestId('role-delete-service')).toBeNull();
    expect(within(screen.getByTestId('role-row-temp')).getByText('3')).toBeInTheDocument();
  });

  it('keeps a refused delete (role still has members) in the dialog', async () => {
    const api = fakeAccessApi({
      listRoles: jest.fn(async () => [custom]),
      deleteRole: jest.fn().mockRejectedValue(
        new AccessApiError(409, {
          error: { name: 'ConflictError', message: '角色“临时角色”仍分配给 3 个用户或部门，请先移除这些成员再删除' },
        }),
      ),
    });
    await renderSettings(api, '/system/roles');
    await userEvent.click(await screen.findByTestId('role-delete-temp'));
    const dialog = await screen.findByTestId('access-confirm-dialog');
    await userEvent.click(within(dialog).getByTestId('access-confirm'));
    await waitFor(() => expect(api.deleteRole).toHaveBeenCalledWith('r-temp', 4));
    expect(
      await within(dialog).findByText('角色“临时角色”仍分配给 3 个用户或部门，请先移除这些成员再删除'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByTestId('access-stale-alert')).toBeNull();
  });

  it('validates a new role in Chinese before creating it', async () => {
    const api = fakeAccessApi();
    await renderSettings(api, '/system/roles');
    await userEvent.click(await screen.findByTestId('access-role-new'));
    await userEvent.type(screen.getByTestId('access-role-create-name'), '区域经理');
    await userEvent.type(screen.getByTestId('access-role-create-key'), 'Regional Manager{enter}');
    expect(await screen.findByText('取值无效')).toBeInTheDocument();
    expect(api.createRole).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByTestId('access-role-create-key'));
    await userEvent.type(screen.getByTestId('access-role-create-key'), 'regional-manager{enter}');
    await waitFor(() =>
      expect(api.createRole).toHaveBeenCalledWith({ key: 'regional-manager', name: '区域经理', description: null }),
    );
  });
});
