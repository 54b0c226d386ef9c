import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Visit } from '@cocrm/plugin-crm-common';
import { CrmPage } from '../CrmPage';
import { FakeCrmApi, accessView, fakeCrmApi, page, testApis } from '../../__testUtils__';

jest.setTimeout(30_000);

const CUSTOMER_ID = '11111111-1111-4111-8111-111111111111';

const VISIT: Visit = {
  id: '44444444-4444-4444-8444-444444444444',
  version: 1,
  createdBy: 'user:default/zhouhao',
  createdAt: '2026-03-01T06:30:00.000Z',
  updatedBy: 'user:default/zhouhao',
  updatedAt: '2026-03-01T06:30:00.000Z',
  deletedAt: null,
  deletedBy: null,
  customerId: CUSTOMER_ID,
  customerName: '上海浦江精密机械有限公司',
  visitorRef: 'user:default/zhouhao',
  visitedAt: '2026-03-01T06:30:00.000Z',
  contactIds: [],
  contactNames: ['王建国'],
  nextPlan: '报价',
};

function render(api: FakeCrmApi, url: string) {
  return renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [url] });
}

describe('visits', () => {
  it('list: no column for a hidden field, export with the filters', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { visit: ['content'] } })),
      listVisits: jest.fn(async () => page([VISIT])),
      exportVisits: jest.fn(async () => {
        throw new Error('stop here');
      }),
    });
    await render(api, `/crm/visits?customerId=${CUSTOMER_ID}&customerName=x&sort=visitedAt&order=asc`);
    expect(await screen.findByText('王建国')).toBeInTheDocument();
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toContain('下一步计划');
    expect(headers).not.toContain('内容摘要');
    // 拜访内容 is required for a new visit: without the right to write it there is nothing to create
    expect(screen.queryByRole('button', { name: '新建拜访' })).toBeNull();
    fireEvent.click(screen.getByTestId('crm-export-button'));
    await waitFor(() => expect(api.exportVisits).toHaveBeenCalledTimes(1));
    expect(api.exportVisits.mock.calls[0][0]).toMatchObject({ customerId: CUSTOMER_ID, sort: 'visitedAt', order: 'asc' });
    expect(api.exportVisits.mock.calls[0][0]).not.toHaveProperty('page');
  });

  it("customer tab: hidden 陪同人员 and 拜访对象 have no column", async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { visit: ['companions', 'contactIds'] } })),
      listVisits: jest.fn(async () => page([{ ...VISIT, content: '介绍新产品' }])),
    });
    await render(api, `/crm/customers/${CUSTOMER_ID}?tab=visits`);
    const table = await screen.findByTestId('crm-visits-table');
    expect(within(table).getByText('介绍新产品')).toBeInTheDocument();
    const headers = within(table).getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(['拜访时间', '拜访人', '拜访内容', '下一步计划']);
    // hiding 拜访对象 hides the names derived from it
    expect(within(table).queryByText('王建国')).toBeNull();
  });
});
