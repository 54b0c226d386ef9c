import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditEntry } from '@cocrm/plugin-access-common';
import { fakeAccessApi, page, renderSettings } from '../../__testUtils__';

jest.setTimeout(30_000);

const entry: AuditEntry = {
  id: 'a1',
  source: 'access',
  recordType: 'role',
  recordId: 'r-service',
  summary: '客服专员',
  action: 'updated',
  actor: 'user:default/sunli',
  at: '2026-03-01T16:30:05.000Z',
  changes: [
    { field: 'name', from: '客服', to: '客服专员' },
    {
      field: 'grants',
      from: [{ resourceType: 'crm-customer', action: 'read', scope: 'own' }],
      to: [
        { resourceType: 'crm-customer', action: 'read', scope: 'specified', departments: ['group:default/sales-1'] },
      ],
    },
    {
      field: 'members',
      from: null,
      to: { kind: 'department', ref: 'group:default/sales', includeSubdepartments: true },
    },
    { field: 'owner', from: null, to: 'user:default/zhouhao' },
  ],
};

describe('AuditPage', () => {
  it('queries the chosen source with the URL filters and shows readable rows', async () => {
    const api = fakeAccessApi({ listAudit: jest.fn(async () => page([entry], 1)) });
    await renderSettings(api, '/system/audit?source=access&actor=user%3Adefault%2Fsunli&from=2026-03-01&to=2026-03-02');
    expect(await screen.findByText('客服专员')).toBeInTheDocument();
    expect(api.listAudit).toHaveBeenCalledWith('access', {
      actor: 'user:default/sunli',
      from: '2026-03-01',
      to: '2026-03-02',
      order: 'desc',
      page: 0,
      pageSize: 50,
    });
    const grid = screen.getByTestId('access-audit-grid');
    // 16:30 UTC is past midnight in Shanghai
    expect(within(grid).getByText('2026-03-02 00:30:05')).toBeInTheDocument();
    expect(within(grid).getByText('孙丽')).toBeInTheDocument();
    expect(within(grid).getByText('系统设置')).toBeInTheDocument();
    expect(within(grid).getByText('角色')).toBeInTheDocument();
    expect(within(grid).getByText('修改')).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('audit-changes-a1'));
    const changes = screen.getByTestId('audit-change-list-a1');
    expect(changes).toHaveTextContent('角色名称：客服 → 客服专员');
    // role changes carry whole grant sets: they read as words, not JSON
    expect(changes).toHaveTextContent('权限：客户 · 查看：本人 → 客户 · 查看：指定部门 销售一部');
    expect(changes).toHaveTextContent('成员：（空） → 部门 销售部（含下级）');
    expect(changes).toHaveTextContent('owner：（空） → 周浩');
    expect(changes).not.toHaveTextContent('{');
  });

  it('exports the current filters through the API and saves the file', async () => {
    const createObjectURL = jest.fn(() => 'blob:audit');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const blob = new Blob(['xlsx']);
    const api = fakeAccessApi({ exportAudit: jest.fn(async () => ({ blob, filename: '审计日志.xlsx' })) });
    await renderSettings(api, '/system/audit?recordType=customer&q=%E6%B5%A6%E6%B1%9F');
    expect(await screen.findByTestId('access-audit-empty')).toHaveTextContent('没有审计记录');
    await userEvent.click(screen.getByTestId('access-audit-export'));
    await waitFor(() =>
      expect(api.exportAudit).toHaveBeenCalledWith(
        'crm',
        expect.objectContaining({ recordType: 'customer', q: '浦江' }),
      ),
    );
    expect(createObjectURL).toHaveBeenCalledWith(blob);
    expect(click).toHaveBeenCalled();
    expect(await screen.findByText('已导出 审计日志.xlsx')).toBeInTheDocument();
    click.mockRestore();
  });

  it('orders by time only, oldest first on request, back on the first page', async () => {
    const api = fakeAccessApi({ listAudit: jest.fn(async () => page([entry], 120)) });
    // a link naming a column the log cannot sort by keeps the newest-first order
    await renderSettings(api, '/system/audit?page=1&sort=actor&order=asc');
    expect(await screen.findByText('客服专员')).toBeInTheDocument();
    expect(api.listAudit).toHaveBeenLastCalledWith(
      'crm',
      expect.objectContaining({ order: 'desc', page: 1, pageSize: 50 }),
    );

    const grid = screen.getByTestId('access-audit-grid');
    await userEvent.click(within(grid).getByRole('columnheader', { name: /时间/ }));
    await waitFor(() =>
      expect(api.listAudit).toHaveBeenLastCalledWith('crm', expect.objectContaining({ order: 'asc', page: 0 })),
    );
  });
});
