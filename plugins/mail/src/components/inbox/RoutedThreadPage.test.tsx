import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MailApiError } from '../../api/MailClient';
import type { RoutedFullMessage } from '../../api/types';
import { ACCOUNT_ID, CUSTOMER_ID, fakeMailApi, message, renderMail, routedThread } from '../../__testUtils__';

jest.setTimeout(30_000);

const PATH = `/mail/customers/${CUSTOMER_ID}/threads/t-1`;
const routedUrl = (index: number) => `/api/mail/routed/customers/${CUSTOMER_ID}/messages/m-2/attachments/${index}`;

/** m-2 shared in full, with whatever the test changes. */
function shared(overrides: Partial<RoutedFullMessage> = {}): RoutedFullMessage {
  const base = routedThread().messages[1] as RoutedFullMessage;
  return { ...base, ...overrides };
}

describe('邮件 · a routed thread read through its customer', () => {
  it('says whose customer shares it, shows the shared message read-only and the subject-only one as a row', async () => {
    const api = fakeMailApi();
    await renderMail(api, PATH, { me: 'liuyang' });
    expect(await screen.findByTestId('mail-routed-banner')).toHaveTextContent('通过客户「浦江精机」共享的邮件（只读）');
    expect(api.getRoutedThread).toHaveBeenCalledWith(CUSTOMER_ID, 't-1');
    expect(api.getThread).not.toHaveBeenCalled();
    expect(screen.getByTestId('mail-routed-customer')).toHaveAttribute('href', `/crm/customers/${CUSTOMER_ID}`);

    // the shared message: its sanitized HTML in the sandboxed frame, no answering, flagging or keeping
    const card = screen.getByTestId('mail-message-m-2');
    const frame = within(card).getByTestId('mail-message-frame-m-2');
    expect(frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    expect(frame.getAttribute('srcdoc')).toContain('<p>请查收附件中的<b>报价单</b>。</p>');
    expect(within(card).queryByTestId('mail-reply-m-2')).toBeNull();
    expect(within(card).queryByTestId('mail-forward-m-2')).toBeNull();
    expect(within(card).queryByTestId('mail-message-menu-m-2')).toBeNull();
    expect(within(card).queryByRole('button', { name: '回复' })).toBeNull();
    // nor is it marked read: the mailbox is not the reader's
    expect(api.setFlags).not.toHaveBeenCalled();
    expect(screen.queryByText('在邮箱中打开')).toBeNull();

    // the subject-only one: who, to whom, when, about what
    const row = screen.getByTestId('mail-routed-subject-m-1');
    expect(row).toHaveTextContent('周浩');
    expect(row).toHaveTextContent('收件人：李经理 <li@pujiang.cn>');
    expect(row).toHaveTextContent('浦江精机设备采购报价');
    expect(row).toHaveTextContent('2026-02-28 10:00');
    expect(row).toHaveTextContent('仅共享主题');
    expect(screen.queryByTestId('mail-message-frame-m-1')).toBeNull();
  });

  it('downloads attachments and inline pictures through the customer', async () => {
    const api = fakeMailApi({
      getRoutedThread: jest.fn(async () =>
        routedThread({
          messages: [
            shared({
              html: `<p>logo</p><img src="${routedUrl(1)}" data-attachment-index="1">`,
              remoteImagesBlocked: 0,
              attachments: [
                ...shared().attachments,
                {
                  index: 1,
                  filename: null,
                  contentType: 'image/png',
                  size: 100,
                  inline: true,
                  contentId: 'logo',
                  url: routedUrl(1),
                },
              ],
            }),
          ],
        }),
      ),
      downloadRoutedAttachment: jest.fn(async () => ({ blob: new Blob(['x'], { type: 'image/png' }), filename: 'x' })),
    });
    await renderMail(api, PATH, { me: 'liuyang' });
    await waitFor(() => expect(api.downloadRoutedAttachment).toHaveBeenCalledWith(CUSTOMER_ID, 'm-2', 1, 'inline-1'));
    const attachment = await screen.findByTestId('mail-attachment-m-2-0');
    expect(attachment).toHaveAttribute('href', routedUrl(0));
    await act(async () => {
      fireEvent.click(attachment);
    });
    expect(api.downloadRoutedAttachment).toHaveBeenCalledWith(CUSTOMER_ID, 'm-2', 0, '报价单.pdf');
    expect(api.downloadAttachment).not.toHaveBeenCalled();
  });

  it('shows remote images once, or trusts the sender', async () => {
    const api = fakeMailApi({
      getRoutedThread: jest.fn(async (_c: string, _t: string, options?: { showRemoteImages?: boolean }) =>
        routedThread({
          messages: [
            options
              ? shared({ remoteImagesBlocked: 0, html: '<p>报价单</p><img src="https://img.pujiang.cn/logo.png">' })
              : shared(),
          ],
        }),
      ),
    });
    await renderMail(api, PATH, { me: 'liuyang' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-show-images-m-2'));
    });
    expect(api.getRoutedThread).toHaveBeenCalledWith(CUSTOMER_ID, 't-1', { showRemoteImages: true });
    await waitFor(() => expect(screen.queryByTestId('mail-remote-images-m-2')).toBeNull());
    expect(screen.getByTestId('mail-message-frame-m-2').getAttribute('srcdoc')).toContain(
      'https://img.pujiang.cn/logo.png',
    );
  });

  it('trusts a sender for good', async () => {
    const api = fakeMailApi();
    await renderMail(api, PATH, { me: 'liuyang' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-trust-sender-m-2'));
    });
    expect(api.trustSender).toHaveBeenCalledWith('li@pujiang.cn');
    expect(api.getRoutedThread).toHaveBeenCalledWith(CUSTOMER_ID, 't-1', { showRemoteImages: false });
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('今后将显示 li@pujiang.cn 的图片');
  });

  it('offers the mailbox itself to a reader of it', async () => {
    const api = fakeMailApi({
      getRoutedThread: jest.fn(async () =>
        routedThread({ messages: [{ ...message({ accountIds: [ACCOUNT_ID] }), visibility: 'full' }] }),
      ),
    });
    await renderMail(api, PATH);
    const banner = await screen.findByTestId('mail-routed-banner');
    expect(within(banner).getByRole('link', { name: '在邮箱中打开' })).toHaveAttribute('href', '/mail/threads/t-1');
  });

  it('names a customer routing knew no name for', async () => {
    const api = fakeMailApi({
      getRoutedThread: jest.fn(async () => routedThread({ customer: { id: CUSTOMER_ID, name: '' } })),
    });
    await renderMail(api, PATH, { me: 'liuyang' });
    expect(await screen.findByTestId('mail-routed-banner')).toHaveTextContent(
      '通过客户「未命名客户」共享的邮件（只读）',
    );
  });

  it('shows a thread the customer does not share as not found', async () => {
    const api = fakeMailApi({
      getRoutedThread: jest.fn(async () => {
        throw new MailApiError(404, {
          error: { name: 'NotFoundError', key: 'threadNotFound', message: '邮件会话不存在或无权查看' },
        });
      }),
    });
    await renderMail(api, PATH, { me: 'liuyang' });
    expect(await screen.findByTestId('mail-error-state')).toHaveTextContent('邮件会话不存在或无权查看');
    expect(screen.queryByTestId('mail-routed-banner')).toBeNull();
  });
});
