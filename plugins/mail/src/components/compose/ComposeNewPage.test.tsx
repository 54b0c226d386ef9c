import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MailApiError } from '../../api/MailClient';
import { ACCOUNT_ID, CUSTOMER_ID, MAILBOXES, currentUrl, draft, fakeMailApi, renderMail } from '../../__testUtils__';

jest.setTimeout(30_000);

const NEW = `/mail/compose/new?to=${encodeURIComponent('li@pujiang.cn')}&customerId=${CUSTOMER_ID}`;

describe('写邮件 from another plugin (/mail/compose/new)', () => {
  it('creates the draft from the first own mailbox with the address and customer, then opens it in this URL’s place', async () => {
    // the shared mailbox listed first must not be taken while an own one exists
    const api = fakeMailApi({
      listMailboxes: jest.fn(async () => ({ items: [...MAILBOXES].reverse() })),
      createDraft: jest.fn(async () => draft({ id: 'd-7', to: [{ name: '', address: 'li@pujiang.cn' }], customerId: CUSTOMER_ID })),
      getDraft: jest.fn(async () => draft({ id: 'd-7', to: [{ name: '', address: 'li@pujiang.cn' }], customerId: CUSTOMER_ID })),
    });
    await renderMail(api, NEW);
    await waitFor(() => expect(currentUrl()).toBe('/mail/compose/d-7'));
    expect(api.createDraft).toHaveBeenCalledTimes(1);
    expect(api.createDraft).toHaveBeenCalledWith({
      accountId: ACCOUNT_ID,
      mode: 'new',
      to: [{ name: '', address: 'li@pujiang.cn' }],
      customerId: CUSTOMER_ID,
    });
    expect(within(await screen.findByTestId('mail-compose-customer')).getByTestId('mail-compose-customer-value')).toHaveTextContent('浦江精机');
    expect(screen.getAllByTestId('mail-compose-to-chip')[0]).toHaveTextContent('li@pujiang.cn');
  });

  it('takes a shared mailbox when the caller has no own one', async () => {
    const api = fakeMailApi({ listMailboxes: jest.fn(async () => ({ items: [MAILBOXES[1]] })) });
    await renderMail(api, '/mail/compose/new?to=li@pujiang.cn');
    await waitFor(() => expect(currentUrl()).toBe('/mail/compose/d-1'));
    expect(api.createDraft).toHaveBeenCalledWith({ accountId: MAILBOXES[1].accountId, mode: 'new', to: [{ name: '', address: 'li@pujiang.cn' }] });
  });

  it('asks to connect a mailbox first when there is none, and creates nothing', async () => {
    const api = fakeMailApi({ listMailboxes: jest.fn(async () => ({ items: [] })) });
    await renderMail(api, NEW);
    const notice = await screen.findByTestId('mail-compose-new-no-mailbox');
    expect(notice).toHaveTextContent('请先连接邮箱');
    expect(within(notice).getByRole('link', { name: '连接邮箱' })).toHaveAttribute('href', '/mail/accounts');
    expect(api.createDraft).not.toHaveBeenCalled();
  });

  it('shows why the draft could not be created and tries again on 重试', async () => {
    const api = fakeMailApi({
      createDraft: jest
        .fn()
        .mockRejectedValueOnce(
          new MailApiError(400, {
            error: {
              name: 'InputError',
              message: '提交的数据有误',
              fields: [{ path: 'customerId', key: 'customerNotFound', message: '客户不存在或无权查看' }],
            },
          }),
        )
        .mockResolvedValueOnce(draft({ id: 'd-8' })),
    });
    await renderMail(api, NEW);
    const alert = await screen.findByTestId('mail-compose-new-error-alert');
    expect(alert).toHaveTextContent('客户不存在或无权查看');
    expect(currentUrl()).toBe(NEW);
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-new-retry'));
    });
    await waitFor(() => expect(currentUrl()).toBe('/mail/compose/d-8'));
    expect(api.createDraft).toHaveBeenCalledTimes(2);
  });
});
