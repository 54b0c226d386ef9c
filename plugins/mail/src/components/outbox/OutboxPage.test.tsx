import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { currentUrl, draft, fakeMailApi, outboxItem, page, renderMail } from '../../__testUtils__';

jest.setTimeout(30_000);

const ITEMS = [
  outboxItem({ id: 'o-queued', status: 'queued', sentAt: null }),
  outboxItem({ id: 'o-sending', status: 'sending', sentAt: null }),
  outboxItem({ id: 'o-sent', status: 'sent' }),
  outboxItem({
    id: 'o-failed',
    status: 'failed',
    sentAt: null,
    attempts: 2,
    error: { key: 'smtpRejected', message: 'SMTP 服务器拒绝了邮件', detail: '550 5.7.1 Relaying denied' },
  }),
  outboxItem({
    id: 'o-uncertain',
    status: 'uncertain',
    sentAt: null,
    error: { key: 'sendUncertain', message: '发送中断，无法确定是否已发出', detail: null },
  }),
];

describe('发件箱', () => {
  it('shows every state with its reason; failed mail is retried', async () => {
    const api = fakeMailApi({ listOutbox: jest.fn(async () => page(ITEMS)) });
    await renderMail(api, '/mail/outbox');
    const table = await screen.findByTestId('mail-outbox-table');
    const status = (id: string) =>
      within(within(table).getByTestId(`mail-outbox-${id}`)).getByTestId('mail-outbox-status');
    expect(status('o-queued')).toHaveTextContent('排队中');
    expect(status('o-sending')).toHaveTextContent('发送中');
    expect(status('o-sent')).toHaveTextContent('已发送');
    expect(status('o-failed')).toHaveTextContent('发送失败');
    expect(status('o-uncertain')).toHaveTextContent('状态未知');
    expect(screen.getByTestId('mail-outbox-error-o-failed')).toHaveTextContent(
      'SMTP 服务器拒绝了邮件550 5.7.1 Relaying denied',
    );
    // only failed mail offers 重试, only uncertain mail 确认重新发送
    expect(screen.queryByTestId('mail-outbox-retry-o-sent')).toBeNull();
    expect(screen.queryByTestId('mail-outbox-retry-o-uncertain')).toBeNull();
    expect(screen.queryByTestId('mail-outbox-resend-o-failed')).toBeNull();

    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-outbox-retry-o-failed'));
    });
    expect(api.retryOutbox).toHaveBeenCalledWith('o-failed');
    expect(api.resendOutbox).not.toHaveBeenCalled();
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已重新加入发送队列');
    await waitFor(() => expect(api.listOutbox).toHaveBeenCalledTimes(2));
  });

  it('resends mail of unknown state only after a warning that it may have gone out already', async () => {
    const api = fakeMailApi({ listOutbox: jest.fn(async () => page(ITEMS)) });
    await renderMail(api, '/mail/outbox');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-outbox-resend-o-uncertain'));
    });
    expect(screen.getByTestId('mail-outbox-resend-warning')).toHaveTextContent('邮件可能已经发送成功');
    expect(api.resendOutbox).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-outbox-resend-confirm'));
    });
    expect(api.resendOutbox).toHaveBeenCalledWith('o-uncertain');
  });

  it('says when it is empty, and pages on the server', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/outbox');
    expect(await screen.findByTestId('mail-outbox-empty')).toHaveTextContent('发件箱是空的');
    expect(api.listOutbox).toHaveBeenCalledWith({ page: 0, pageSize: 25 });
  });
});

describe('草稿箱', () => {
  it('lists drafts and opens one to go on writing', async () => {
    const api = fakeMailApi({
      listDrafts: jest.fn(async () =>
        page([draft({ subject: '合同条款确认', to: [{ name: '李经理', address: 'li@pujiang.cn' }] })]),
      ),
    });
    await renderMail(api, '/mail/drafts');
    const row = await screen.findByTestId('mail-draft-d-1');
    expect(row).toHaveTextContent('合同条款确认');
    expect(row).toHaveTextContent('李经理 <li@pujiang.cn>');
    await act(async () => {
      fireEvent.click(within(row).getByText('合同条款确认'));
    });
    expect(currentUrl()).toBe('/mail/compose/d-1');
  });

  it('deletes a draft with its version after asking', async () => {
    const api = fakeMailApi({ listDrafts: jest.fn(async () => page([draft({ version: 4 })])) });
    await renderMail(api, '/mail/drafts');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-draft-delete-d-1'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-draft-delete-confirm'));
    });
    expect(api.deleteDraft).toHaveBeenCalledWith('d-1', 4);
  });
});
