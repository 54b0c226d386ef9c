import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MailApiError } from '../../api/MailClient';
import { ACCOUNT_ID, SHARED_ID, account, fakeMailApi, renderMail, syncState } from '../../__testUtils__';

jest.setTimeout(30_000);

async function openConnect() {
  await act(async () => {
    fireEvent.click(await screen.findByTestId('mail-account-connect'));
  });
  return screen.getByTestId('mail-account-dialog');
}

function type(dialog: HTMLElement, testId: string, value: string) {
  fireEvent.change(within(dialog).getByTestId(testId), { target: { value } });
}

/** The helper text under the field whose input has this test id. */
function helperOf(dialog: HTMLElement, testId: string): string {
  const input = within(dialog).getByTestId(testId);
  const id = input.getAttribute('aria-describedby');
  return (id && document.getElementById(id)?.textContent) || '';
}

describe('邮箱设置 · connect', () => {
  it('checks the form, fills the usual settings from the address, and tests the login before saving', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/accounts');
    const dialog = await openConnect();
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-save'));
    });
    expect(api.createAccount).not.toHaveBeenCalled();
    expect(helperOf(dialog, 'mail-account-email')).toBe('必填');
    expect(helperOf(dialog, 'mail-account-imap-password')).toBe('必填');

    type(dialog, 'mail-account-email', 'zhouhao@pujiang.cn');
    fireEvent.blur(within(dialog).getByTestId('mail-account-email'));
    expect(within(dialog).getByTestId('mail-account-imap-host')).toHaveValue('imap.pujiang.cn');
    expect(within(dialog).getByTestId('mail-account-smtp-host')).toHaveValue('smtp.pujiang.cn');
    expect(within(dialog).getByTestId('mail-account-imap-user')).toHaveValue('zhouhao@pujiang.cn');
    expect(within(dialog).getByTestId('mail-account-imap-port')).toHaveValue('993');
    type(dialog, 'mail-account-imap-password', 'secret');
    fireEvent.click(within(dialog).getByTestId('mail-account-sharing-subject'));
    fireEvent.click(within(dialog).getByTestId('mail-account-suggest-leads'));

    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-test'));
    });
    const expected = {
      provider: 'imap',
      kind: 'personal',
      displayName: 'zhouhao@pujiang.cn',
      email: 'zhouhao@pujiang.cn',
      imap: { host: 'imap.pujiang.cn', port: 993, secure: true, user: 'zhouhao@pujiang.cn', password: 'secret' },
      // SMTP logs in as the IMAP user; no password means the IMAP one
      smtp: { host: 'smtp.pujiang.cn', port: 465, secure: true, user: 'zhouhao@pujiang.cn' },
      folders: [],
      aliases: [],
      sharing: 'subject',
      readerDepartments: [],
      suggestLeads: true,
    };
    expect(api.testAccount).toHaveBeenCalledWith(expected);
    expect(within(dialog).getByTestId('mail-account-test-ok')).toHaveTextContent('连接成功，找到 3 个文件夹');

    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-save'));
    });
    expect(api.createAccount).toHaveBeenCalledWith(expected);
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('邮箱已连接');
    expect(api.listAccounts).toHaveBeenCalledTimes(2);
  });

  it("shows the server's field errors on the fields and its message as an alert", async () => {
    const api = fakeMailApi({
      testAccount: jest.fn(async () => {
        throw new MailApiError(400, {
          error: { name: 'InputError', key: 'imapLoginFailed', message: 'IMAP 登录失败：认证失败' },
        });
      }),
      createAccount: jest.fn(async () => {
        throw new MailApiError(400, {
          error: {
            name: 'InputError',
            key: 'validationFailed',
            message: '提交的数据有误，请检查标红的字段',
            fields: [
              { path: 'imap.host', key: 'invalidValue', message: '取值无效' },
              { path: 'aliases.0', key: 'invalidEmail', message: '邮箱地址格式不正确' },
            ],
          },
        });
      }),
    });
    await renderMail(api, '/mail/accounts');
    const dialog = await openConnect();
    type(dialog, 'mail-account-email', 'zhouhao@pujiang.cn');
    fireEvent.blur(within(dialog).getByTestId('mail-account-email'));
    type(dialog, 'mail-account-imap-password', 'wrong');
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-test'));
    });
    expect(within(dialog).getByTestId('mail-account-error-alert')).toHaveTextContent('IMAP 登录失败：认证失败');

    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-save'));
    });
    expect(helperOf(dialog, 'mail-account-imap-host')).toBe('取值无效');
    expect(helperOf(dialog, 'mail-account-aliases')).toBe('邮箱地址格式不正确');
    expect(within(dialog).getByTestId('mail-account-error-alert')).toHaveTextContent('提交的数据有误');
    // editing the field takes its error away
    type(dialog, 'mail-account-imap-host', 'mail.pujiang.cn');
    expect(helperOf(dialog, 'mail-account-imap-host')).toBe('');
  });

  it('lets admins connect a shared mailbox read by departments', async () => {
    const api = fakeMailApi({ getOwnAccess: jest.fn(async () => ({ manageAll: true })) });
    await renderMail(api, '/mail/accounts');
    const dialog = await openConnect();
    await act(async () => {
      fireEvent.click(await within(dialog).findByTestId('mail-account-kind-shared'));
    });
    const readers = await within(dialog).findByTestId('mail-account-readers');
    fireEvent.change(readers, { target: { value: '销售' } });
    fireEvent.click(await screen.findByRole('option', { name: '销售部' }));
    type(dialog, 'mail-account-email', 'sales@pujiang.cn');
    fireEvent.blur(within(dialog).getByTestId('mail-account-email'));
    type(dialog, 'mail-account-imap-password', 'secret');
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-save'));
    });
    expect(api.createAccount).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'shared', readerDepartments: ['group:default/sales'] }),
    );
  });

  it('offers Microsoft 365 (the mailbox only) and shows the refusal on the field', async () => {
    const api = fakeMailApi({
      getProviders: jest.fn(async () => ({ graph: true })),
      createAccount: jest.fn(async () => {
        throw new MailApiError(400, {
          error: {
            name: 'InputError',
            message: '提交的数据有误',
            fields: [
              { path: 'provider', key: 'graphNotConfigured', message: '系统未配置 Microsoft 365 连接，请联系管理员' },
            ],
          },
        });
      }),
    });
    await renderMail(api, '/mail/accounts');
    const dialog = await openConnect();
    await act(async () => {
      fireEvent.click(await within(dialog).findByTestId('mail-account-provider-graph'));
    });
    expect(within(dialog).queryByTestId('mail-account-imap-host')).toBeNull();
    expect(within(dialog).queryByTestId('mail-account-test')).toBeNull();
    type(dialog, 'mail-account-email', 'sales@contoso.cn');
    fireEvent.blur(within(dialog).getByTestId('mail-account-email'));
    expect(within(dialog).getByTestId('mail-account-graphMailbox')).toHaveValue('sales@contoso.cn');
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-save'));
    });
    expect(api.createAccount).toHaveBeenCalledWith(
      expect.objectContaining({ provider: 'graph', graphMailbox: 'sales@contoso.cn' }),
    );
    expect(api.createAccount.mock.calls[0][0]).not.toHaveProperty('imap');
    expect(within(dialog).getByTestId('mail-account-provider-error')).toHaveTextContent(
      '系统未配置 Microsoft 365 连接',
    );
  });
});

describe('邮箱设置 · accounts', () => {
  it('edits without re-entering passwords (留空则不修改) and deletes with the version', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/accounts');
    await act(async () => {
      fireEvent.click(await screen.findByTestId(`mail-account-edit-${ACCOUNT_ID}`));
    });
    const dialog = screen.getByTestId('mail-account-dialog');
    expect(helperOf(dialog, 'mail-account-imap-password')).toBe('留空则不修改');
    type(dialog, 'mail-account-displayName', '周浩（工作）');
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('mail-account-save'));
    });
    expect(api.updateAccount).toHaveBeenCalledWith(
      ACCOUNT_ID,
      expect.objectContaining({
        version: 3,
        displayName: '周浩（工作）',
        imap: { host: 'imap.cocrm.cn', port: 993, secure: true, user: 'zhouhao@cocrm.cn' },
      }),
    );
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('邮箱已保存');

    await act(async () => {
      fireEvent.click(screen.getByTestId(`mail-account-delete-${ACCOUNT_ID}`));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-account-delete-confirm'));
    });
    expect(api.deleteAccount).toHaveBeenCalledWith(ACCOUNT_ID, 3);
  });

  it('shows the sync state with every failed message; each can be retried, and sync runs on demand', async () => {
    const api = fakeMailApi({
      listAccounts: jest.fn(async () => ({
        items: [
          account(),
          account({
            id: SHARED_ID,
            kind: 'shared',
            displayName: '销售部公共邮箱',
            email: 'sales@cocrm.cn',
            owner: 'user:default/admin',
          }),
        ],
      })),
      getSyncState: jest.fn(async (id: string) =>
        id === ACCOUNT_ID
          ? syncState({
              lastError: 'IMAP 连接超时',
              failures: [
                {
                  messageId: 'm-bad',
                  messageKey: 'm:<broken@pujiang.cn>',
                  reason: 'MIME 结构损坏：缺少边界',
                  attempts: 3,
                  failedAt: '2026-03-01T01:00:00.000Z',
                },
              ],
            })
          : syncState({
              accountId: SHARED_ID,
              counts: { messages: 30, parsed: 30, failed: 0, pending: 0, deleted: 0 },
            }),
      ),
    });
    await renderMail(api, '/mail/accounts');
    const own = await screen.findByTestId(`mail-sync-state-${ACCOUNT_ID}`);
    expect(within(own).getByTestId(`mail-sync-last-${ACCOUNT_ID}`)).toHaveTextContent('上次同步：2026-03-01 10:59');
    expect(within(own).getByTestId(`mail-sync-count-failed-${ACCOUNT_ID}`)).toHaveTextContent('失败 2');
    expect(within(own).getByTestId(`mail-sync-error-${ACCOUNT_ID}`)).toHaveTextContent('最近错误：IMAP 连接超时');
    const row = within(own).getByTestId('mail-sync-failure-m-bad');
    expect(row).toHaveTextContent('<broken@pujiang.cn>');
    expect(row).toHaveTextContent('MIME 结构损坏：缺少边界');
    expect(row).toHaveTextContent('3');
    expect(row).toHaveTextContent('2026-03-01 09:00');
    await act(async () => {
      fireEvent.click(within(row).getByTestId('mail-sync-retry-m-bad'));
    });
    expect(api.retryMessage).toHaveBeenCalledWith(ACCOUNT_ID, 'm-bad');
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('正在重新处理该邮件');

    const shared = await screen.findByTestId(`mail-sync-state-${SHARED_ID}`);
    expect(within(shared).getByTestId(`mail-sync-no-failures-${SHARED_ID}`)).toHaveTextContent('没有处理失败的邮件');
    expect(screen.getByTestId(`mail-account-${SHARED_ID}`)).toHaveTextContent('共享邮箱');

    const calls = api.getSyncState.mock.calls.length;
    await act(async () => {
      fireEvent.click(screen.getByTestId(`mail-account-sync-${ACCOUNT_ID}`));
    });
    expect(api.syncNow).toHaveBeenCalledWith(ACCOUNT_ID);
    await waitFor(() => expect(api.getSyncState.mock.calls.length).toBeGreaterThan(calls));
  });

  it('offers to connect a first mailbox, only to those allowed to', async () => {
    const api = fakeMailApi({ listAccounts: jest.fn(async () => ({ items: [] })) });
    await renderMail(api, '/mail/accounts');
    const empty = await screen.findByTestId('mail-accounts-empty');
    expect(empty).toHaveTextContent('还没有连接邮箱');
    expect(await within(empty).findByTestId('mail-account-connect')).toBeInTheDocument();
  });

  it('lists the senders whose images show, and blocks one again', async () => {
    const api = fakeMailApi({
      listTrustedSenders: jest.fn(async () => ({
        items: [{ address: 'li@pujiang.cn', createdAt: '2026-03-01T02:00:00.000Z' }],
      })),
    });
    await renderMail(api, '/mail/accounts');
    const chip = await screen.findByTestId('mail-trusted-li@pujiang.cn');
    await act(async () => {
      fireEvent.click(within(chip).getByTestId('CancelIcon'));
    });
    expect(api.untrustSender).toHaveBeenCalledWith('li@pujiang.cn');
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已重新阻止 li@pujiang.cn 的图片');
  });
});
