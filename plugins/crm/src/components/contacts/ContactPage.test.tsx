import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Contact, RoutedMailEntry } from '@cocrm/plugin-crm-common';
import { CrmPage } from '../CrmPage';
import { CrmApiError } from '../../api/CrmClient';
import { FakeCrmApi, fakeCrmApi, page, testApis } from '../../__testUtils__';

jest.setTimeout(30_000);

const ID = '33333333-3333-4333-8333-333333333333';

const CONTACT: Contact = {
  id: ID,
  version: 1,
  createdBy: 'user:default/zhouhao',
  createdAt: '2026-01-05T02:00:00.000Z',
  updatedBy: 'user:default/zhouhao',
  updatedAt: '2026-03-01T06:30:00.000Z',
  deletedAt: null,
  deletedBy: null,
  customerId: '11111111-1111-4111-8111-111111111111',
  customerName: '华信控股集团有限公司',
  name: '林国栋',
  title: '信息化委员会主任',
  emails: ['lin.guodong@huaxin-group.com.cn'],
};

const mail = (overrides: Partial<RoutedMailEntry>): RoutedMailEntry => ({
  id: 'm1',
  threadId: 't-1',
  at: '2026-03-02T01:00:00.000Z',
  subject: '关于集团数字化平台的报价',
  snippet: '附件是更新后的报价单，请查收。',
  from: { name: '林国栋', address: 'lin.guodong@huaxin-group.com.cn' },
  to: [],
  visibility: 'full',
  direction: 'in',
  ...overrides,
});

function renderContact(api: FakeCrmApi) {
  return renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [`/crm/contacts/${ID}`] });
}

describe('ContactPage 邮件', () => {
  it("lists the contact's mail: subject linking to the conversation, sender, time, snippet or 仅共享主题", async () => {
    const api = fakeCrmApi({
      getContact: jest.fn(async () => CONTACT),
      listContactMail: jest.fn(async () =>
        page([
          mail({ customerId: CONTACT.customerId }),
          mail({ id: 'm2', threadId: 't-2', at: '2026-03-01T01:00:00.000Z', subject: '项目例会纪要', snippet: null, visibility: 'subject', direction: 'out', from: { address: 'sunli@cocrm.example' } }),
        ]),
      ),
    });
    await renderContact(api);
    const section = await screen.findByTestId('crm-contact-mail-section');
    expect(within(section).getByText('邮件')).toBeInTheDocument();
    const [first, second] = await within(section).findAllByTestId('crm-contact-mail-item');
    // read through the entry's customer, so colleagues who do not read the mailbox see it as far as it is shared
    expect(within(first).getByRole('link', { name: '关于集团数字化平台的报价' })).toHaveAttribute('href', `/mail/customers/${CONTACT.customerId}/threads/t-1`);
    // without a customer (an older mail plugin) the mailbox's own page
    expect(within(second).getByRole('link', { name: '项目例会纪要' })).toHaveAttribute('href', '/mail/threads/t-2');
    expect(within(first).getByText('林国栋 <lin.guodong@huaxin-group.com.cn>')).toBeInTheDocument();
    expect(within(first).getByText('2026-03-02 09:00')).toBeInTheDocument();
    expect(within(first).getByText('附件是更新后的报价单，请查收。')).toBeInTheDocument();
    expect(within(first).getByText('收到')).toBeInTheDocument();
    expect(within(second).getByText('仅共享主题')).toBeInTheDocument();
    expect(within(second).getByText('发出')).toBeInTheDocument();
    expect(within(second).getByText('sunli@cocrm.example')).toBeInTheDocument();
    expect(api.listContactMail).toHaveBeenCalledWith(ID, { page: 0, pageSize: 10 });
  });

  it('says so when there is no mail', async () => {
    const api = fakeCrmApi({ getContact: jest.fn(async () => CONTACT) });
    await renderContact(api);
    expect(await screen.findByTestId('crm-contact-mail-empty')).toHaveTextContent('暂无往来邮件');
  });

  it('pages through the mail', async () => {
    const list = jest.fn(async (_id: string, q: { page?: number }) =>
      q.page === 1 ? { ...page([mail({ id: 'm11', subject: '第二页的邮件' })], 11), page: 1, pageSize: 10 } : { ...page(Array.from({ length: 10 }, (_, i) => mail({ id: `m${i}`, subject: `邮件 ${i}` })), 11), pageSize: 10 },
    );
    const api = fakeCrmApi({ getContact: jest.fn(async () => CONTACT), listContactMail: list });
    await renderContact(api);
    expect(await screen.findAllByTestId('crm-contact-mail-item')).toHaveLength(10);
    fireEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(await screen.findByText('第二页的邮件')).toBeInTheDocument();
    expect(list).toHaveBeenLastCalledWith(ID, { page: 1, pageSize: 10 });
  });

  it('shows the rest of the contact, with a notice and 重试, when the mail plugin is unavailable', async () => {
    const listContactMail = jest
      .fn()
      .mockRejectedValueOnce(new CrmApiError(503, { error: { name: 'ServiceUnavailableError', message: 'unavailable' } }))
      .mockResolvedValueOnce(page([mail({})]));
    const api = fakeCrmApi({ getContact: jest.fn(async () => CONTACT), listContactMail });
    await renderContact(api);
    const notice = await screen.findByTestId('crm-contact-mail-error');
    expect(notice).toHaveTextContent('邮件服务暂不可用');
    expect(screen.getByText('信息化委员会主任')).toBeInTheDocument();
    fireEvent.click(within(notice).getByRole('button', { name: '重试' }));
    await waitFor(() => expect(screen.getAllByTestId('crm-contact-mail-item')).toHaveLength(1));
  });
});

describe('ContactPage 写邮件', () => {
  it('offers 写邮件 per address: a new mail to it for the contact’s customer', async () => {
    const emails = ['lin.guodong@huaxin-group.com.cn', 'Lin+报价@huaxin.cn'];
    const api = fakeCrmApi({ getContact: jest.fn(async () => ({ ...CONTACT, emails })) });
    await renderContact(api);
    const list = await screen.findByTestId('crm-contact-emails');
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    emails.forEach((address, i) => {
      expect(items[i]).toHaveTextContent(address);
      const write = within(items[i]).getByRole('link', { name: `给 ${address} 写邮件` });
      expect(write).toHaveTextContent('写邮件');
      expect(write).toHaveAttribute('href', `/mail/compose/new?to=${encodeURIComponent(address)}&customerId=${CONTACT.customerId}`);
    });
  });

  it('offers no 写邮件 for a contact in the recycle bin', async () => {
    const api = fakeCrmApi({ getContact: jest.fn(async () => ({ ...CONTACT, deletedAt: '2026-03-05T00:00:00.000Z', deletedBy: 'user:default/zhouhao' })) });
    await renderContact(api);
    const list = await screen.findByTestId('crm-contact-emails');
    expect(list).toHaveTextContent('lin.guodong@huaxin-group.com.cn');
    expect(within(list).queryByRole('link')).toBeNull();
  });
});
