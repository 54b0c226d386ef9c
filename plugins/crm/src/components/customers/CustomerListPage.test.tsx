import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrmPage } from '../CrmPage';
import { customer, fakeCrmApi, page, testApis } from '../../__testUtils__';

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
});
