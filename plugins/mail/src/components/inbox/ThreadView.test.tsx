import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MailApiError } from '../../api/MailClient';
import {
  ACCOUNT_ID,
  CUSTOMER_ID,
  currentUrl,
  fakeMailApi,
  message,
  renderMail,
  threadDetail,
} from '../../__testUtils__';
import { frameDocument, inertCopy } from './MessageFrame';
import { withInlineImages } from './inlineImages';

jest.setTimeout(30_000);

describe('邮件 · reading pane', () => {
  it('shows each message in a sandboxed frame that runs no script, with a CSP and the sanitized HTML', async () => {
    await renderMail(fakeMailApi(), '/mail/threads/t-1');
    const frame = await screen.findByTestId('mail-message-frame-m-2');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    expect(frame.getAttribute('sandbox')).not.toMatch(/allow-scripts|allow-same-origin/);
    const doc = frame.getAttribute('srcdoc') ?? '';
    expect(doc).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'');
    expect(doc).toContain("script-src 'none'");
    expect(doc).toContain('<p>请查收附件中的<b>报价单</b>。</p>');
    // remote images were blocked, so the frame may not load any either
    expect(doc).not.toMatch(/img-src[^;]*https:/);
  });

  it('shows the header (from, to, cc, time), attachments as downloads, and the linked customers', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/threads/t-1');
    const card = await screen.findByTestId('mail-message-m-2');
    expect(within(card).getByTestId('mail-message-from-m-2')).toHaveTextContent('李经理');
    const header = within(card).getByTestId('mail-message-header-m-2');
    expect(header).toHaveTextContent('收件人：周浩 <zhouhao@cocrm.cn>');
    expect(header).toHaveTextContent('抄送：王工 <wang@pujiang.cn>');
    // 02:00 UTC is 10:00 in Shanghai
    expect(card).toHaveTextContent('2026-03-01 10:00');
    const attachment = within(card).getByTestId('mail-attachment-m-2-0');
    expect(attachment).toHaveTextContent('报价单.pdf');
    expect(attachment).toHaveAttribute('href', '/api/mail/messages/m-2/attachments/0');
    await act(async () => {
      fireEvent.click(attachment);
    });
    expect(api.downloadAttachment).toHaveBeenCalledWith('m-2', 0, '报价单.pdf');
    expect(screen.getByTestId(`mail-link-${CUSTOMER_ID}`)).toHaveTextContent('浦江精机');
  });

  it('marks unread messages read when opened, and 标为未读 closes the thread', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/threads/t-1');
    await screen.findByTestId('mail-thread-view');
    await waitFor(() => expect(api.setFlags).toHaveBeenCalledWith('m-2', { seen: true }));
    // m-1 was read already
    expect(api.setFlags).not.toHaveBeenCalledWith('m-1', expect.anything());

    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-message-menu-m-2'));
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-mark-unread-m-2'));
    });
    expect(api.setFlags).toHaveBeenCalledWith('m-2', { seen: false });
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已标为未读');
    expect(currentUrl()).toBe('/mail');
  });

  it('says remote images are blocked, shows them once, or trusts the sender', async () => {
    const api = fakeMailApi({
      getMessage: jest.fn(async (_id: string, options?: { showRemoteImages?: boolean }) =>
        message({
          remoteImagesBlocked: 0,
          senderAllowed: !options?.showRemoteImages,
          html: '<p>报价单</p><img src="https://img.pujiang.cn/logo.png">',
        }),
      ),
    });
    await renderMail(api, '/mail/threads/t-1');
    const bar = await screen.findByTestId('mail-remote-images-m-2');
    expect(bar).toHaveTextContent('已阻止远程图片');
    expect(bar).toHaveTextContent('显示图片');
    expect(bar).toHaveTextContent('始终信任此发件人');

    await act(async () => {
      fireEvent.click(within(bar).getByTestId('mail-show-images-m-2'));
    });
    expect(api.getMessage).toHaveBeenCalledWith('m-2', { showRemoteImages: true });
    await waitFor(() => expect(screen.queryByTestId('mail-remote-images-m-2')).toBeNull());
    const doc = screen.getByTestId('mail-message-frame-m-2').getAttribute('srcdoc') ?? '';
    expect(doc).toContain('https://img.pujiang.cn/logo.png');
    expect(doc).toMatch(/img-src[^;]*https:/);
  });

  it('trusts the sender for good', async () => {
    const api = fakeMailApi({
      getMessage: jest.fn(async () => message({ remoteImagesBlocked: 0, senderAllowed: true })),
    });
    await renderMail(api, '/mail/threads/t-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-trust-sender-m-2'));
    });
    expect(api.trustSender).toHaveBeenCalledWith('li@pujiang.cn');
    expect(api.getMessage).toHaveBeenCalledWith('m-2', { showRemoteImages: false });
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('今后将显示 li@pujiang.cn 的图片');
  });

  it('shows why a message could not be parsed', async () => {
    const api = fakeMailApi({
      getThread: jest.fn(async () =>
        threadDetail({
          messages: [message({ parseStatus: 'failed', parseError: 'MIME 结构损坏：缺少边界', html: null, text: null })],
        }),
      ),
    });
    await renderMail(api, '/mail/threads/t-1');
    expect(await screen.findByTestId('mail-parse-failed-m-2')).toHaveTextContent(
      '此邮件无法解析：MIME 结构损坏：缺少边界',
    );
  });

  it('links a customer picked by search and unlinks one with confirmation', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/threads/t-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-link-customer'));
    });
    const picker = screen.getByTestId('mail-customer-picker');
    fireEvent.change(within(picker).getByTestId('mail-customer-picker-input'), { target: { value: '华东' } });
    await waitFor(() => expect(api.searchCustomers).toHaveBeenCalledWith('华东'));
    fireEvent.click(await screen.findByRole('option', { name: /华东重工/ }));
    await act(async () => {
      fireEvent.click(within(picker).getByTestId('mail-customer-picker-confirm'));
    });
    expect(api.linkCustomer).toHaveBeenCalledWith('t-1', 'c-2');
    expect(api.listLinks).toHaveBeenCalledWith('t-1');
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已关联到「华东重工」');

    await act(async () => {
      fireEvent.click(screen.getByTestId(`mail-unlink-${CUSTOMER_ID}`));
    });
    expect(screen.getByTestId('mail-unlink-confirm-dialog')).toHaveTextContent('取消此会话与「浦江精机」的关联？');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-unlink-confirm'));
    });
    expect(api.unlinkCustomer).toHaveBeenCalledWith('t-1', CUSTOMER_ID);
  });

  it('saves a mail as knowledge under a title', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/threads/t-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-message-menu-m-2'));
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-knowledge-m-2'));
    });
    const title = screen.getByTestId('mail-knowledge-title');
    expect(title).toHaveValue('浦江精机设备采购报价');
    fireEvent.change(title, { target: { value: '设备报价模板' } });
    fireEvent.change(screen.getByTestId('mail-knowledge-note'), { target: { value: '常用报价格式' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-knowledge-save'));
    });
    expect(api.saveKnowledge).toHaveBeenCalledWith('m-2', { title: '设备报价模板', note: '常用报价格式' });
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已转为知识');
  });

  it('shows a thread it may not read as not found', async () => {
    const api = fakeMailApi({
      getThread: jest.fn(async () => {
        throw new MailApiError(404, { error: { name: 'NotFoundError', message: '邮件不存在或您无权查看' } });
      }),
    });
    await renderMail(api, '/mail/threads/t-9');
    expect(await screen.findByTestId('mail-error-state')).toHaveTextContent('邮件不存在或您无权查看');
  });

  it('replies from the mailbox being browsed when the message is in it', async () => {
    const api = fakeMailApi();
    await renderMail(api, `/mail/threads/t-1?account=${ACCOUNT_ID}`);
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-forward-m-2'));
    });
    expect(api.createDraft).toHaveBeenCalledWith({ accountId: ACCOUNT_ID, mode: 'forward', sourceMessageId: 'm-2' });
  });
});

describe('message frame document', () => {
  it('has the CSP, opens links in new tabs and keeps the HTML as given', () => {
    const doc = frameDocument('<p>x</p>', { remoteImages: false });
    expect(doc).toMatch(/^<!DOCTYPE html>/);
    expect(doc).toContain('<base target="_blank">');
    expect(doc).toContain('img-src data: blob:;');
    expect(doc).toContain('<body><p>x</p></body>');
  });

  it('measures an inert copy: nothing in it can load, run or submit', () => {
    const fragment = inertCopy(
      '<p onclick="alert(1)" style="background:url(https://t.example/x.png)">a</p><img src="https://t.example/p.gif" srcset="https://t.example/2x.gif 2x"><script>alert(1)</script><form action="https://x"><input></form><style>@import "https://x/y.css"; p{background:url(https://t.example/z)}</style><a href="https://ok.example">ok</a><svg><use href="https://x/s.svg#a"></use></svg>',
    );
    const div = document.createElement('div');
    div.appendChild(fragment);
    const html = div.innerHTML;
    expect(html).not.toMatch(/onclick|<script|<form|<input|src=|srcset=|@import|url\(/i);
    expect(html).toContain('href="https://ok.example"');
    expect(html).not.toContain('s.svg');
  });

  it('puts fetched inline pictures in place of their attachment URLs', () => {
    const out = withInlineImages(
      '<style>p{color:red}</style><p>logo</p><img src="/api/mail/messages/m/attachments/1" data-attachment-index="1"><img src="/api/mail/messages/m/attachments/2" data-attachment-index="2">',
      new Map([[1, 'data:image/png;base64,AAAA']]),
    );
    expect(out).toContain('<style>p{color:red}</style>');
    expect(out).toContain('src="data:image/png;base64,AAAA"');
    expect(out).not.toContain('/attachments/2');
  });
});
