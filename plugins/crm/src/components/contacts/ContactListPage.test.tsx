import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Contact } from '@cocrm/plugin-crm-common';
import { CrmPage } from '../CrmPage';
import { FakeCrmApi, accessView, fakeCrmApi, page, testApis } from '../../__testUtils__';

jest.setTimeout(30_000);

const CONTACT: Contact = {
  id: '33333333-3333-4333-8333-333333333333',
  version: 1,
  createdBy: 'user:default/zhouhao',
  createdAt: '2026-01-05T02:00:00.000Z',
  updatedBy: 'user:default/zhouhao',
  updatedAt: '2026-03-01T06:30:00.000Z',
  deletedAt: null,
  deletedBy: null,
  customerId: '11111111-1111-4111-8111-111111111111',
  customerName: '上海浦江精密机械有限公司',
  name: '王建国',
  title: '总经理',
  emails: ['wang@example.cn'],
};

function renderContacts(api: FakeCrmApi, url = '/crm/contacts') {
  return renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [url] });
}

const headers = () => screen.getAllByRole('columnheader').map(h => h.textContent ?? '');

describe('ContactListPage', () => {
  it('has no column or filter for hidden fields and does not filter by them', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { contact: ['mobile', 'keyDecisionMaker'] } })),
      listContacts: jest.fn(async () => page([CONTACT])),
    });
    await renderContacts(api, '/crm/contacts?keyDecisionMaker=true&q=王');
    expect(await screen.findByText('王建国')).toBeInTheDocument();
    expect(headers()).toEqual(expect.arrayContaining(['职务', '邮箱']));
    expect(headers()).not.toContain('手机');
    expect(headers()).not.toContain('关键决策人');
    expect(screen.queryByText('仅关键决策人')).toBeNull();
    for (const [query] of api.listContacts.mock.calls) {
      expect(query.keyDecisionMaker).toBeUndefined();
      expect(query.q).toBe('王');
    }
  });

  it('exports with the current filters', async () => {
    const api = fakeCrmApi({
      listContacts: jest.fn(async () => page([CONTACT])),
      exportContacts: jest.fn(async () => {
        throw new Error('stop here');
      }),
    });
    await renderContacts(api, `/crm/contacts?customerId=${CONTACT.customerId}&customerName=x&keyDecisionMaker=true`);
    fireEvent.click(await screen.findByTestId('crm-export-button'));
    await waitFor(() => expect(api.exportContacts).toHaveBeenCalledTimes(1));
    expect(api.exportContacts.mock.calls[0][0]).toMatchObject({ customerId: CONTACT.customerId, keyDecisionMaker: true });
    expect(screen.getByRole('button', { name: '新建联系人' })).toBeInTheDocument();
  });

  it('offers neither export nor 新建 without the permissions', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ can: { contact: { export: false, create: false } } })),
      listContacts: jest.fn(async () => page([CONTACT])),
    });
    await renderContacts(api);
    expect(await screen.findByText('王建国')).toBeInTheDocument();
    expect(screen.queryByTestId('crm-export-button')).toBeNull();
    expect(screen.queryByRole('button', { name: '新建联系人' })).toBeNull();
  });
});
