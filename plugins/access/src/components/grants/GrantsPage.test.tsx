import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DirectGrant } from '@cocrm/plugin-access-common';
import { fakeAccessApi, ORG, renderSettings } from '../../__testUtils__';

jest.setTimeout(30_000);

const grant: DirectGrant = {
  id: 'g1',
  version: 2,
  createdBy: 'user:default/sunli',
  createdAt: '2026-03-01T02:00:00.000Z',
  updatedBy: 'user:default/sunli',
  updatedAt: '2026-03-01T02:00:00.000Z',
  subjectKind: 'user',
  subjectRef: 'user:default/zhouhao',
  resourceType: 'crm-customer',
  action: 'read',
  scope: 'specified',
  departments: ['group:default/sales'],
  includeSubdepartments: false,
  scopeIncludeSubdepartments: true,
};

describe('GrantsPage', () => {
  it('shows grants by display names and the org problems banner', async () => {
    const api = fakeAccessApi({
      listGrants: jest.fn(async () => [grant]),
      getOrg: jest.fn(async () => ({
        ...ORG,
        problems: [
          {
            kind: 'parentCycle' as const,
            refs: ['group:default/a', 'group:default/b'],
            message: {
              'zh-CN': '部门上级关系形成循环（甲 → 乙 → 甲），已将它们视为顶级部门，请在目录源中修正',
              en: 'cycle',
            },
          },
        ],
      })),
    });
    await renderSettings(api, '/system/grants');
    const row = await screen.findByTestId('grant-item-g1');
    expect(row).toHaveTextContent('周浩');
    expect(row).toHaveTextContent('客户');
    expect(row).toHaveTextContent('查看');
    expect(row).toHaveTextContent('指定部门：销售部（含下级）');
    expect(row).toHaveTextContent('孙丽');
    expect(row).not.toHaveTextContent('user:default');
    expect(screen.getByTestId('access-org-problems')).toHaveTextContent('部门上级关系形成循环（甲 → 乙 → 甲）');
  });

  it('deletes a grant with its version after confirmation', async () => {
    const api = fakeAccessApi({ listGrants: jest.fn(async () => [grant]) });
    await renderSettings(api, '/system/grants');
    await userEvent.click(await screen.findByTestId('grant-delete-g1'));
    const dialog = await screen.findByTestId('access-confirm-dialog');
    expect(dialog).toHaveTextContent('周浩 将立即失去此授权带来的“客户 · 查看”权限。');
    await userEvent.click(within(dialog).getByTestId('access-confirm'));
    await waitFor(() => expect(api.deleteGrant).toHaveBeenCalledWith('g1', 2));
    await waitFor(() => expect(api.listGrants).toHaveBeenCalledTimes(2));
  });

  it('refuses an incomplete grant with Chinese field messages', async () => {
    const api = fakeAccessApi();
    await renderSettings(api, '/system/grants');
    expect(await screen.findByTestId('access-grants-empty')).toHaveTextContent('暂无直接授权');
    await userEvent.click(screen.getByTestId('access-grant-new'));
    await userEvent.click(await screen.findByTestId('access-grant-submit'));
    expect((await screen.findAllByText('此项必填')).length).toBe(4);
    expect(api.createGrant).not.toHaveBeenCalled();
  });

  it('creates a department grant with the subject and the scope flags kept apart', async () => {
    const api = fakeAccessApi({ createGrant: jest.fn(async () => grant) });
    await renderSettings(api, '/system/grants');
    await userEvent.click(await screen.findByTestId('access-grant-new'));
    const form = await screen.findByTestId('access-grant-form');
    await userEvent.click(within(form).getByTestId('access-grant-kind-department'));
    await userEvent.type(within(form).getByTestId('access-grant-subject'), '销售部');
    await userEvent.click(await screen.findByRole('option', { name: /销售部/ }));
    await userEvent.click(within(form).getByTestId('access-grant-include-sub'));
    const choose = async (name: string, option: string) => {
      fireEvent.mouseDown(within(form).getByRole('combobox', { name: new RegExp(name) }));
      await userEvent.click(await screen.findByRole('option', { name: option }));
    };
    await choose('资源', '客户');
    await choose('操作', '查看');
    await choose('数据范围', '指定部门');
    await userEvent.click(within(form).getByTestId('dept-option-group:default/sales-2'));
    await userEvent.click(within(form).getByTestId('access-grant-scope-include-sub'));
    await userEvent.click(within(form).getByTestId('access-grant-submit'));
    await waitFor(() =>
      expect(api.createGrant).toHaveBeenCalledWith({
        subjectKind: 'department',
        subjectRef: 'group:default/sales',
        includeSubdepartments: true,
        resourceType: 'crm-customer',
        action: 'read',
        scope: 'specified',
        departments: ['group:default/sales-2'],
        scopeIncludeSubdepartments: true,
      }),
    );
    expect(await screen.findByText('已添加授权')).toBeInTheDocument();
  });
});
