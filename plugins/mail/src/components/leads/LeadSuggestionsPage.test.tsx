import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MailApiError } from '../../api/MailClient';
import { SHARED_ID, currentUrl, fakeMailApi, leadSuggestion, page, renderMail } from '../../__testUtils__';

jest.setTimeout(30_000);

describe('线索建议', () => {
  it('lists unknown senders with their mailbox, count and Shanghai times', async () => {
    const api = fakeMailApi({
      listLeadSuggestions: jest.fn(async () =>
        page([
          leadSuggestion(),
          leadSuggestion({
            id: 'ls-2',
            accountId: SHARED_ID,
            address: 'buyer@gmail.com',
            name: null,
            firstMessageId: 'm-20',
            firstAt: '2026-02-28T16:05:00.000Z',
            lastAt: '2026-02-28T16:05:00.000Z',
            messageCount: 1,
          }),
        ]),
      ),
    });
    await renderMail(api, '/mail/leads');
    expect(api.listLeadSuggestions).toHaveBeenCalledWith({ page: 0, pageSize: 25 });
    expect(screen.getByTestId('mail-leads-page')).toHaveTextContent('线索建议');

    const first = await screen.findByTestId('mail-lead-ls-1');
    const cells = within(first).getAllByRole('cell');
    expect(cells[0]).toHaveTextContent('陈总chen@xinhe-tech.cn');
    expect(cells[1]).toHaveTextContent('周浩zhouhao@cocrm.cn');
    expect(cells[2]).toHaveTextContent('2');
    expect(cells[3]).toHaveTextContent('2026-02-27 09:30');
    expect(cells[4]).toHaveTextContent('2026-03-01 14:15');

    // no name: the address alone; midnight in Shanghai is the next day
    const second = screen.getByTestId('mail-lead-ls-2');
    const cells2 = within(second).getAllByRole('cell');
    expect(cells2[0].textContent).toBe('buyer@gmail.com');
    expect(cells2[1]).toHaveTextContent('销售部公共邮箱sales@cocrm.cn');
    expect(cells2[3]).toHaveTextContent('2026-03-01 00:05');

    expect(screen.getByTestId('mail-leads-hint')).toHaveTextContent('暂不支持从邮件预填');
  });

  it('opens the thread of the first message, and sends 新建客户 to the CRM customer list', async () => {
    const api = fakeMailApi({ listLeadSuggestions: jest.fn(async () => page([leadSuggestion()])) });
    await renderMail(api, '/mail/leads');
    const view = await screen.findByTestId('mail-lead-view-ls-1');
    expect(view).toHaveTextContent('查看邮件');
    expect(view).toHaveAttribute('href', '/mail/threads/m-10');
    const create = screen.getByTestId('mail-lead-create-ls-1');
    expect(create).toHaveTextContent('新建客户');
    expect(create).toHaveAttribute('href', '/crm/customers');

    await act(async () => {
      fireEvent.click(view);
    });
    expect(currentUrl()).toBe('/mail/threads/m-10');
    expect(api.getThread).toHaveBeenCalledWith('m-10');
  });

  it('pages on the server, keeping the page in the URL', async () => {
    const api = fakeMailApi({
      listLeadSuggestions: jest.fn(async (q: { page: number; pageSize: number }) =>
        page([leadSuggestion({ id: `ls-p${q.page}` })], 60, q.page, q.pageSize),
      ),
    });
    await renderMail(api, '/mail/leads');
    const pager = await screen.findByTestId('mail-leads-pager');
    expect(pager).toHaveTextContent('第 1–25 条，共 60 条');
    await act(async () => {
      fireEvent.click(within(pager).getByRole('button', { name: /next page|下一页/i }));
    });
    await waitFor(() => expect(api.listLeadSuggestions).toHaveBeenLastCalledWith({ page: 1, pageSize: 25 }));
    expect(await screen.findByTestId('mail-lead-ls-p1')).toBeInTheDocument();
    expect(currentUrl()).toBe('/mail/leads?page=1');
  });

  it('says when there is none and where to switch suggestions on', async () => {
    await renderMail(fakeMailApi(), '/mail/leads');
    const empty = await screen.findByTestId('mail-leads-empty');
    expect(empty).toHaveTextContent('暂无线索建议');
    expect(empty).toHaveTextContent('未知发件人生成线索建议');
    expect(within(empty).getByRole('link', { name: '打开邮箱设置' })).toHaveAttribute('href', '/mail/accounts');
    expect(screen.queryByTestId('mail-leads-table')).not.toBeInTheDocument();
  });

  it('shows the error with a retry that loads again', async () => {
    let fail = true;
    const api = fakeMailApi({
      listLeadSuggestions: jest.fn(async () => {
        if (fail) throw new MailApiError(503, { error: { name: 'ServiceUnavailable', message: '邮件服务暂不可用' } });
        return page([leadSuggestion()]);
      }),
    });
    await renderMail(api, '/mail/leads');
    const error = await screen.findByTestId('mail-error-state');
    expect(error).toHaveTextContent('邮件服务暂不可用');
    fail = false;
    await act(async () => {
      fireEvent.click(within(error).getByRole('button', { name: '重试' }));
    });
    expect(await screen.findByTestId('mail-lead-ls-1')).toBeInTheDocument();
  });

  it('is in the mailbox pane next to 知识', async () => {
    await renderMail(fakeMailApi(), '/mail/drafts');
    const nav = await screen.findByTestId('mail-nav');
    const labels = within(nav)
      .getAllByRole('link')
      .map(a => a.textContent);
    expect(labels.indexOf('线索建议')).toBe(labels.indexOf('知识') + 1);
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-nav-leads'));
    });
    expect(currentUrl()).toBe('/mail/leads');
    expect(await screen.findByTestId('mail-leads-empty')).toBeInTheDocument();
  });
});
