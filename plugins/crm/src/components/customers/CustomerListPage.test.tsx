import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrmApiError } from '../../api/CrmClient';
import { CrmPage } from '../CrmPage';
import { FakeCrmApi, accessView, customer, fakeCrmApi, page, testApis } from '../../__testUtils__';

function renderList(api: FakeCrmApi, url = '/crm') {
  return renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [url] });
}

/** Column header texts of the customer grid. */
function headers(): string[] {
  return screen.getAllByRole('columnheader').map(h => h.textContent ?? '');
}

jest.setTimeout(30_000);

describe('CustomerListPage', () => {
  it('requests the API with page, sort and filters from the URL and renders rows', async () => {
    const api = fakeCrmApi({
      listCustomers: jest.fn(async () =>
        page([customer(), customer({ id: '22222222-2222-4222-8222-222222222222', number: 'KH000002', name: '<script>alert(1)</script>', level: 'B', status: 'deal' })], 57),
      ),
    });
    await renderInTestApp(<CrmPage />, {
      apis: testApis(api),
      mountPath: '/crm/*',
      initialRouteEntries: ['/crm?page=2&pageSize=10&sort=name&order=asc&level=A,B&status=deal&industry=C&region=310000&q=浦江&createdFrom=2026-01-01'],
    });

    expect(await screen.findByText('上海浦江精密机械有限公司')).toBeInTheDocument();
    expect(api.listCustomers).toHaveBeenCalledWith(
      expect.objectContaining({
        page: 2,
        pageSize: 10,
        sort: 'name',
        order: 'asc',
        level: ['A', 'B'],
        status: ['deal'],
        industry: 'C',
        region: '310000',
        q: '浦江',
        createdFrom: '2026-01-01',
      }),
    );
    // columns: labels instead of codes, time in Asia/Shanghai
    expect(screen.getByText('客户编号')).toBeInTheDocument();
    expect(screen.getByText('KH000001')).toBeInTheDocument();
    expect(screen.getByText('A（重点）')).toBeInTheDocument();
    expect(screen.getAllByText('成交').length).toBeGreaterThan(0);
    expect(screen.getAllByText('制造业 / 通用设备制造业')).toHaveLength(2);
    expect(screen.getAllByText('上海市 / 浦东新区')).toHaveLength(2);
    expect(screen.getAllByText('2026-03-01 14:30').length).toBeGreaterThan(0);
    // user text is text, never markup
    expect(screen.getByText('<script>alert(1)</script>')).toBeInTheDocument();
    expect(document.querySelector('script')).toBeNull();
    // the name links to the 360° page
    expect(screen.getByRole('link', { name: '上海浦江精密机械有限公司' })).toHaveAttribute(
      'href',
      '/crm/customers/11111111-1111-4111-8111-111111111111',
    );
  });

  it('shows the designed empty state with a create button', async () => {
    const api = fakeCrmApi();
    await renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: ['/crm'] });
    expect(await screen.findByText('暂无客户')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: '新建客户' }).length).toBe(2);
    expect(api.listCustomers).toHaveBeenCalledWith(
      expect.objectContaining({ page: 0, pageSize: 25, sort: 'updatedAt', order: 'desc' }),
    );
  });

  it('shows an error state with retry', async () => {
    const api = fakeCrmApi({ listCustomers: jest.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(page([customer()])) });
    await renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: ['/crm'] });
    expect(await screen.findByText('数据加载失败')).toBeInTheDocument();
    screen.getByRole('button', { name: '重试' }).click();
    expect(await screen.findByText('上海浦江精密机械有限公司')).toBeInTheDocument();
    await waitFor(() => expect(api.listCustomers).toHaveBeenCalledTimes(2));
  });

  it('shows 年营业额 as a sortable column for users who may see it', async () => {
    const api = fakeCrmApi({ listCustomers: jest.fn(async () => page([customer()])) });
    await renderList(api);
    expect(await screen.findByText('¥1,234,567.89')).toBeInTheDocument();
    const revenue = screen.getAllByRole('columnheader').find(h => h.textContent === '年营业额（元）');
    expect(revenue).toHaveClass('MuiDataGrid-columnHeader--sortable');
    expect(screen.getByTestId('crm-filter-level')).toBeInTheDocument();
  });

  it('has no column, sort or filter for fields hidden from the user', async () => {
    const { annualRevenue: _hidden, level: _alsoHidden, ...redacted } = customer();
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { customer: ['annualRevenue', 'level'] } })),
      listCustomers: jest.fn(async () => page([redacted])),
    });
    // a shared link may still carry a sort and a filter on hidden fields
    await renderList(api, '/crm?sort=annualRevenue&order=asc&level=A&status=deal');
    expect(await screen.findByText('上海浦江精密机械有限公司')).toBeInTheDocument();
    expect(headers()).not.toContain('年营业额（元）');
    expect(headers()).not.toContain('客户等级');
    expect(headers()).toContain('客户编号');
    expect(screen.queryByTestId('crm-filter-level')).toBeNull();
    expect(screen.queryByText('客户等级')).toBeNull();
    // the backend refuses sorting and filtering by a hidden field (403): neither is asked for
    for (const [query] of api.listCustomers.mock.calls) {
      expect(query).toMatchObject({ sort: 'updatedAt', order: 'desc', level: [], status: ['deal'] });
    }
  });

  it('offers 新建 only with the create permission', async () => {
    const api = fakeCrmApi({ getAccess: jest.fn(async () => accessView({ can: { customer: { create: false } } })) });
    await renderList(api);
    expect(await screen.findByText('暂无客户')).toBeInTheDocument();
    expect(screen.queryByTestId('crm-new-customer')).toBeNull();
    expect(screen.queryByRole('button', { name: '新建客户' })).toBeNull();
  });

  it('has no export button without the export permission', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ can: { customer: { export: false } } })),
      listCustomers: jest.fn(async () => page([customer()])),
    });
    await renderList(api);
    expect(await screen.findByText('上海浦江精密机械有限公司')).toBeInTheDocument();
    expect(screen.queryByTestId('crm-export-button')).toBeNull();
  });

  describe('导出 Excel', () => {
    const clicked: Array<{ href: string; download: string }> = [];
    const original = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };

    beforeEach(() => {
      clicked.length = 0;
      URL.createObjectURL = jest.fn(() => 'blob:crm-export');
      URL.revokeObjectURL = jest.fn();
      // jsdom cannot navigate; record what the browser would have saved
      jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function record(this: HTMLAnchorElement) {
        clicked.push({ href: this.href, download: this.download });
      });
    });
    afterEach(() => {
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
      jest.restoreAllMocks();
    });

    it('exports with the current filters, shows progress and saves under the server file name', async () => {
      let finish: (value: { blob: Blob; filename: string }) => void = () => undefined;
      const api = fakeCrmApi({
        listCustomers: jest.fn(async () => page([customer()])),
        exportCustomers: jest.fn(() => new Promise(resolve => (finish = resolve))),
      });
      await renderList(api, '/crm?page=2&pageSize=10&sort=name&order=asc&level=A,B&status=deal&q=浦江&region=310000');
      const button = await screen.findByTestId('crm-export-button');
      expect(button).toHaveTextContent('导出 Excel');
      fireEvent.click(button);

      await waitFor(() => expect(api.exportCustomers).toHaveBeenCalledTimes(1));
      const query = api.exportCustomers.mock.calls[0][0];
      expect(query).toMatchObject({
        sort: 'name',
        order: 'asc',
        level: ['A', 'B'],
        status: ['deal'],
        q: '浦江',
        region: '310000',
      });
      expect(query).not.toHaveProperty('page');
      expect(query).not.toHaveProperty('pageSize');
      // busy while the file is coming: no second export
      expect(screen.getByTestId('crm-export-button')).toBeDisabled();
      expect(screen.getByTestId('crm-export-button')).toHaveTextContent('正在导出…');
      fireEvent.click(screen.getByTestId('crm-export-button'));
      expect(api.exportCustomers).toHaveBeenCalledTimes(1);

      finish({ blob: new Blob(['x']), filename: '客户-20261124.xlsx' });
      await waitFor(() => expect(screen.getByTestId('crm-export-button')).toBeEnabled());
      expect(clicked).toEqual([{ href: 'blob:crm-export', download: '客户-20261124.xlsx' }]);
    });

    it("shows the server's message when the export is refused", async () => {
      const api = fakeCrmApi({
        listCustomers: jest.fn(async () => page([customer()])),
        exportCustomers: jest.fn(async () => {
          throw new CrmApiError(400, { error: { name: 'InputError', message: '一次最多导出 50000 条记录，请缩小筛选范围' } });
        }),
      });
      await renderList(api);
      fireEvent.click(await screen.findByTestId('crm-export-button'));
      const alert = await screen.findByRole('alert');
      expect(within(alert).getByText('一次最多导出 50000 条记录，请缩小筛选范围')).toBeInTheDocument();
      expect(screen.getByTestId('crm-export-button')).toBeEnabled();
      expect(clicked).toEqual([]);
    });
  });
});
