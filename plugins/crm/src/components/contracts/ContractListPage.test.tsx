import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrmPage } from '../CrmPage';
import { accessView, contract, customer, fakeCrmApi, page, testApis } from '../../__testUtils__';

jest.setTimeout(30_000);

const CUSTOMER_ID = '11111111-1111-4111-8111-111111111111';

function render(api: ReturnType<typeof fakeCrmApi>, url: string) {
  return renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [url] });
}

describe('contract list', () => {
  it('asks the server for a page with the URL filters, shows status chips and money, and exports with the same filters', async () => {
    const api = fakeCrmApi({
      listContracts: jest.fn(async () =>
        page([contract(), contract({ id: '66666666-6666-4666-8666-666666666666', number: 'HT000002', name: '维保服务合同', status: 'in_approval', contractType: 'service' })], 42),
      ),
      exportContracts: jest.fn(async () => {
        throw new Error('stop here');
      }),
    });
    await render(api, `/crm/contracts?status=in_approval,approved&contractType=service&owner=${encodeURIComponent('user:default/zhouhao')}&sort=amount&order=asc&page=1`);
    expect(await screen.findByText('维保服务合同', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(api.listContracts).toHaveBeenCalledWith(
      expect.objectContaining({ page: 1, pageSize: 25, sort: 'amount', order: 'asc', owner: 'user:default/zhouhao', status: ['in_approval', 'approved'], contractType: ['service'] }),
    );
    const grid = screen.getByRole('grid');
    expect(within(grid).getAllByTestId('crm-contract-status').map(c => c.textContent)).toEqual(['草稿', '审批中']);
    expect(within(grid).getAllByText('¥1,500,000.00')).toHaveLength(2);
    expect(within(grid).getByText('服务合同')).toBeInTheDocument();
    // the tab of the CRM navigation is 合同
    expect(screen.getByTestId('crm-nav-contracts')).toHaveAttribute('aria-selected', 'true');

    fireEvent.click(screen.getByTestId('crm-export-button'));
    await waitFor(() => expect(api.exportContracts).toHaveBeenCalledTimes(1));
    expect(api.exportContracts.mock.calls[0][0]).toMatchObject({ status: ['in_approval', 'approved'], contractType: ['service'], owner: 'user:default/zhouhao', sort: 'amount' });
    expect(api.exportContracts.mock.calls[0][0]).not.toHaveProperty('page');
  });

  it('leaves out the amount column, its sort and the type filter when those fields are hidden, and offers no 新建 without 合同金额', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { contract: ['amount', 'contractType'] } })),
      listContracts: jest.fn(async () => page([contract({ amount: undefined, contractType: undefined })])),
    });
    await render(api, '/crm/contracts?contractType=sales&sort=amount');
    expect(await screen.findByText('年度设备采购合同', undefined, { timeout: 5000 })).toBeInTheDocument();
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).not.toContain('合同金额（元）');
    expect(headers).not.toContain('合同类型');
    expect(headers).toContain('审批状态');
    // a shared link's sort and filter on hidden fields would only be refused by the server
    const query = api.listContracts.mock.calls[0][0];
    expect(query.sort).toBe('updatedAt');
    expect(query.contractType).toEqual([]);
    expect(screen.queryByTestId('crm-new-contract')).toBeNull();
    expect(screen.queryByTestId('crm-filter-contract-type')).toBeNull();
  });

  it('shows the customer 合同 tab with the customer’s contracts', async () => {
    const api = fakeCrmApi({
      getCustomer: jest.fn(async () => customer()),
      listContracts: jest.fn(async () => page([contract({ status: 'approved' })])),
    });
    await render(api, `/crm/customers/${CUSTOMER_ID}?tab=contracts`);
    const table = await screen.findByTestId('crm-contracts-table');
    expect(within(table).getByText('HT000001')).toBeInTheDocument();
    expect(within(table).getByText('已通过')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: '年度设备采购合同' })).toHaveAttribute('href', '/crm/contracts/55555555-5555-4555-8555-555555555555');
    expect(api.listContracts).toHaveBeenCalledWith(expect.objectContaining({ customerId: CUSTOMER_ID }));
  });

  it('shows approval outcomes with their amount on the customer timeline and links to the contract', async () => {
    const api = fakeCrmApi({
      getCustomer: jest.fn(async () => customer()),
      getTimeline: jest.fn(async () => ({
        items: [
          {
            id: 'a1',
            source: 'crm',
            kind: 'contract.approved',
            at: '2026-03-05T02:00:00.000Z',
            actor: null,
            title: 'HT000001 年度设备采购合同',
            amount: { amount: 150_000_000, currency: 'CNY' },
            changes: [{ field: 'approvalStatus', from: 'in_approval', to: 'approved' }],
            link: { type: 'contract', id: '55555555-5555-4555-8555-555555555555' },
          },
        ],
        nextBefore: null,
      })),
    });
    await render(api, `/crm/customers/${CUSTOMER_ID}?tab=timeline`);
    const entry = await screen.findByTestId('crm-timeline-entry');
    expect(within(entry).getByText('合同审批已通过')).toBeInTheDocument();
    expect(within(entry).getByText('系统')).toBeInTheDocument();
    expect(within(entry).getByTestId('crm-timeline-amount')).toHaveTextContent('¥1,500,000.00');
    expect(within(entry).getByTestId('crm-timeline-change')).toHaveTextContent('审批状态: 审批中 → 已通过');
    expect(within(entry).getByRole('link', { name: 'HT000001 年度设备采购合同' })).toHaveAttribute('href', '/crm/contracts/55555555-5555-4555-8555-555555555555');
  });
});
