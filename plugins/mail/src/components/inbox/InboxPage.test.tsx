import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  ACCOUNT_ID,
  CUSTOMER_ID,
  INBOX_ID,
  SALES_INBOX_ID,
  SENT_ID,
  SHARED_ID,
  currentUrl,
  fakeMailApi,
  page,
  renderMail,
  thread,
} from '../../__testUtils__';

jest.setTimeout(30_000);

describe('邮件 · thread list', () => {
  it('shows mailboxes with special folder names and unread counts, and the inbox by default', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail');
    const nav = await screen.findByTestId('mail-nav');
    expect(within(nav).getByTestId(`mail-folder-${INBOX_ID}`)).toHaveTextContent('收件箱');
    expect(within(nav).getByTestId(`mail-folder-unread-${INBOX_ID}`)).toHaveTextContent('3');
    expect(within(nav).getByTestId(`mail-folder-${SENT_ID}`)).toHaveTextContent('已发送');
    expect(within(nav).getByTestId(`mail-mailbox-${SHARED_ID}`)).toHaveTextContent('销售部公共邮箱');
    expect(within(nav).getByTestId(`mail-folder-${SALES_INBOX_ID}`)).toHaveTextContent('收件箱');
    for (const link of ['草稿箱', '发件箱', '知识', '邮箱设置']) expect(nav).toHaveTextContent(link);
    await waitFor(() =>
      expect(api.listThreads).toHaveBeenCalledWith(
        expect.objectContaining({ accountId: ACCOUNT_ID, folderId: INBOX_ID, page: 0, pageSize: 50 }),
      ),
    );
    const row = await screen.findByTestId('mail-thread-t-1');
    expect(row).toHaveAttribute('data-unread', 'true');
    expect(within(row).getByTestId('mail-thread-people-t-1')).toHaveStyle({ fontWeight: 700 });
    expect(row).toHaveTextContent('浦江精机设备采购报价');
    expect(within(row).getByTestId('mail-thread-attachment-t-1')).toBeInTheDocument();
    const chip = within(row).getByTestId(`mail-thread-customer-t-1-${CUSTOMER_ID}`);
    expect(chip).toHaveTextContent('浦江精机');
    expect(chip).toHaveAttribute('href', `/crm/customers/${CUSTOMER_ID}`);
  });

  it('says the inbox is empty, and that nothing matched a search', async () => {
    const api = fakeMailApi({ listThreads: jest.fn(async () => page([])) });
    await renderMail(api, '/mail');
    expect(await screen.findByTestId('mail-threads-empty')).toHaveTextContent('收件箱是空的');

    cleanup();
    await renderMail(api, '/mail?q=不存在');
    expect(await screen.findByTestId('mail-threads-no-matches')).toHaveTextContent('没有找到匹配的邮件');
  });

  it('searches (Chinese included) and filters unread through the URL, back to the first page', async () => {
    const api = fakeMailApi();
    await renderMail(api, `/mail?account=${ACCOUNT_ID}&folder=${INBOX_ID}&page=2`);
    const search = await screen.findByTestId('mail-search');
    fireEvent.change(search, { target: { value: '报价单' } });
    await waitFor(() =>
      expect(api.listThreads).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: '报价单', page: 0, folderId: INBOX_ID }),
      ),
    );
    expect(currentUrl()).toContain(`q=${encodeURIComponent('报价单')}`);
    expect(currentUrl()).not.toContain('page=');

    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-unread-filter'));
    });
    await waitFor(() =>
      expect(api.listThreads).toHaveBeenLastCalledWith(expect.objectContaining({ q: '报价单', unread: true })),
    );
    expect(currentUrl()).toContain('unread=1');
  });

  it('restores folder, search, page and the open thread from the URL (reload)', async () => {
    const api = fakeMailApi({ listThreads: jest.fn(async () => page([thread()], 120, 1)) });
    await renderMail(
      api,
      `/mail/threads/t-1?account=${ACCOUNT_ID}&folder=${SENT_ID}&q=${encodeURIComponent('设备')}&page=1`,
    );
    await waitFor(() =>
      expect(api.listThreads).toHaveBeenCalledWith(
        expect.objectContaining({ accountId: ACCOUNT_ID, folderId: SENT_ID, q: '设备', page: 1 }),
      ),
    );
    expect(screen.getByTestId('mail-search')).toHaveValue('设备');
    expect(await screen.findByTestId('mail-thread-view')).toBeInTheDocument();
    expect(api.getThread).toHaveBeenCalledWith('t-1');
    expect(screen.getByTestId(`mail-folder-${SENT_ID}`)).toHaveClass('Mui-selected');
    expect(screen.getByTestId('mail-thread-t-1')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('mail-threads-range')).toHaveTextContent('第 51–51 封，共 120 封');
  });

  it('opens a thread keeping the list state in the URL, and Esc closes it', async () => {
    const api = fakeMailApi();
    await renderMail(api, `/mail?folder=${INBOX_ID}&q=abc`);
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-thread-t-1'));
    });
    expect(currentUrl()).toBe(`/mail/threads/t-1?folder=${INBOX_ID}&q=abc`);
    expect(await screen.findByTestId('mail-thread-view')).toBeInTheDocument();
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'Escape' });
    });
    expect(currentUrl()).toBe(`/mail?folder=${INBOX_ID}&q=abc`);
    expect(screen.queryByTestId('mail-thread-view')).toBeNull();
  });

  it('moves with j/k, opens with Enter, focuses search with / and composes with c', async () => {
    const api = fakeMailApi({
      listThreads: jest.fn(async () =>
        page([
          thread(),
          thread({ threadId: 't-2', subject: '第二封', unread: 0 }),
          thread({ threadId: 't-3', subject: '第三封' }),
        ]),
      ),
    });
    await renderMail(api, '/mail');
    await screen.findByTestId('mail-thread-t-3');
    expect(screen.getByTestId('mail-thread-t-1')).toHaveAttribute('data-cursor', 'true');
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'j' });
    });
    expect(screen.getByTestId('mail-thread-t-2')).toHaveAttribute('data-cursor', 'true');
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'Enter' });
    });
    expect(currentUrl()).toBe('/mail/threads/t-2');
    // with a thread open, j/k open the next one
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'j' });
    });
    expect(currentUrl()).toBe('/mail/threads/t-3');
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'k' });
    });
    expect(currentUrl()).toBe('/mail/threads/t-2');

    await act(async () => {
      fireEvent.keyDown(document.body, { key: '/' });
    });
    expect(screen.getByTestId('mail-search')).toHaveFocus();
    // typed into the search box, keys are text
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('mail-search'), { key: 'j' });
    });
    expect(currentUrl()).toBe('/mail/threads/t-2');

    await act(async () => {
      (screen.getByTestId('mail-search') as HTMLInputElement).blur();
    });
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'c' });
    });
    expect(api.createDraft).toHaveBeenCalledWith({ accountId: ACCOUNT_ID, mode: 'new' });
    await waitFor(() => expect(currentUrl()).toBe('/mail/compose/d-1'));
  });

  it('replies with r to the latest message of the open thread, from the mailbox it is in', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/threads/t-1');
    await screen.findByTestId('mail-thread-view');
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'r' });
    });
    expect(api.createDraft).toHaveBeenCalledWith({ accountId: ACCOUNT_ID, mode: 'reply', sourceMessageId: 'm-2' });
    await waitFor(() => expect(currentUrl()).toBe('/mail/compose/d-1'));

    cleanup();
    await renderMail(api, '/mail/threads/t-1');
    await screen.findByTestId('mail-thread-view');
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'a' });
    });
    expect(api.createDraft).toHaveBeenCalledWith({ accountId: ACCOUNT_ID, mode: 'replyAll', sourceMessageId: 'm-2' });
  });

  it('pages through the server’s list', async () => {
    const api = fakeMailApi({ listThreads: jest.fn(async () => page([thread()], 120)) });
    await renderMail(api, '/mail');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-threads-next'));
    });
    await waitFor(() => expect(api.listThreads).toHaveBeenLastCalledWith(expect.objectContaining({ page: 1 })));
    expect(currentUrl()).toContain('page=1');
  });
});
