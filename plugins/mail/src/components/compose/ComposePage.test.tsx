import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MailApiError } from '../../api/MailClient';
import type { DraftAttachment } from '../../api/types';
import { ACCOUNT_ID, CUSTOMER_ID, currentUrl, draft, fakeMailApi, renderMail } from '../../__testUtils__';
import { cleanHtml, textToHtml } from './html';

jest.setTimeout(30_000);

async function addRecipient(testId: string, text: string) {
  const input = await screen.findByTestId(testId);
  fireEvent.change(input, { target: { value: text } });
  await act(async () => {
    fireEvent.keyDown(input, { key: 'Enter' });
  });
}

function typeBody(html: string) {
  const body = screen.getByTestId('mail-compose-body');
  body.innerHTML = html;
  fireEvent.input(body);
}

describe('写邮件', () => {
  it('will not send without a recipient or with an address that is not one', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/compose/d-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-compose-send'));
    });
    expect(screen.getByTestId('mail-compose-page')).toHaveTextContent('请至少填写一个收件人');
    expect(api.sendDraft).not.toHaveBeenCalled();

    await addRecipient('mail-compose-to', '李经理 <li@pujiang.cn>; wang@pujiang');
    const chips = screen.getAllByTestId('mail-compose-to-chip');
    expect(chips).toHaveLength(2);
    expect(chips[0]).toHaveTextContent('李经理');
    expect(chips[1]).toHaveAttribute('data-invalid', 'true');
    expect(screen.getByTestId('mail-compose-page')).toHaveTextContent('地址无效：wang@pujiang');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-send'));
    });
    expect(api.sendDraft).not.toHaveBeenCalled();
  });

  it('saves the latest text with its version, sends it to the outbox and says so', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/compose/d-1');
    expect(await screen.findByTestId('mail-compose-page')).toHaveTextContent('新邮件');
    expect(screen.getByTestId('mail-compose-from')).toHaveValue(ACCOUNT_ID);
    await addRecipient('mail-compose-to', 'li@pujiang.cn');
    fireEvent.change(screen.getByTestId('mail-compose-subject'), { target: { value: '报价确认' } });
    typeBody('<p>李经理您好：</p><p>报价已确认。<script>alert(1)</script></p>');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-send'));
    });
    expect(api.updateDraft).toHaveBeenCalledWith('d-1', {
      version: 1,
      accountId: ACCOUNT_ID,
      to: [{ name: '', address: 'li@pujiang.cn' }],
      cc: [],
      bcc: [],
      subject: '报价确认',
      html: '<p>李经理您好：</p><p>报价已确认。</p>',
      customerId: null,
    });
    // the version the save answered
    expect(api.sendDraft).toHaveBeenCalledWith('d-1', 2);
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已加入发件箱');
    expect(currentUrl()).toBe('/mail');
  });

  it('asks before sending without a subject', async () => {
    const api = fakeMailApi({ getDraft: jest.fn(async () => draft({ to: [{ name: '', address: 'li@pujiang.cn' }] })) });
    await renderMail(api, '/mail/compose/d-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-compose-send'));
    });
    expect(screen.getByTestId('mail-compose-no-subject-dialog')).toHaveTextContent('没有主题，仍然发送？');
    expect(api.sendDraft).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-no-subject'));
    });
    // nothing was edited: the loaded version is sent
    expect(api.updateDraft).not.toHaveBeenCalled();
    expect(api.sendDraft).toHaveBeenCalledWith('d-1', 1);
  });

  it('saves by itself after a pause, and stops with a reload offer when the draft changed elsewhere', async () => {
    const api = fakeMailApi({
      updateDraft: jest
        .fn()
        .mockImplementationOnce(async (_id: string, input: { version: number }) => draft({ ...input, version: 2 }))
        .mockImplementationOnce(async () => {
          throw new MailApiError(409, { error: { name: 'ConflictError', key: 'staleDraft', message: '草稿已被修改' } });
        }),
    });
    await renderMail(api, '/mail/compose/d-1');
    fireEvent.change(await screen.findByTestId('mail-compose-subject'), { target: { value: '周报' } });
    expect(screen.getByTestId('mail-compose-status')).toHaveTextContent('有未保存的修改');
    await waitFor(() => expect(api.updateDraft).toHaveBeenCalledTimes(1));
    expect(api.updateDraft).toHaveBeenLastCalledWith('d-1', expect.objectContaining({ version: 1, subject: '周报' }));
    await waitFor(() => expect(screen.getByTestId('mail-compose-status')).toHaveTextContent('已于'));

    fireEvent.change(screen.getByTestId('mail-compose-subject'), { target: { value: '周报（第二版）' } });
    await waitFor(() => expect(api.updateDraft).toHaveBeenCalledTimes(2));
    expect(api.updateDraft).toHaveBeenLastCalledWith('d-1', expect.objectContaining({ version: 2 }));
    const conflict = await screen.findByTestId('mail-compose-conflict');
    expect(conflict).toHaveTextContent('此草稿已在别处被修改');
    expect(screen.getByTestId('mail-compose-send')).toBeDisabled();
    await act(async () => {
      fireEvent.click(within(conflict).getByTestId('mail-compose-reload'));
    });
    expect(api.getDraft).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(screen.queryByTestId('mail-compose-conflict')).toBeNull());
  });

  it('opens a reply prefilled by the server, its quote reduced to plain markup', async () => {
    const api = fakeMailApi({
      getDraft: jest.fn(async () =>
        draft({
          mode: 'reply',
          sourceMessageId: 'm-2',
          to: [{ name: '李经理', address: 'li@pujiang.cn' }],
          subject: 'Re: 浦江精机设备采购报价',
          html: '<p></p><blockquote><p onclick="x()">请查收<img src="https://t.example/p.gif">报价单</p><script>alert(1)</script></blockquote>',
        }),
      ),
    });
    await renderMail(api, '/mail/compose/d-1');
    expect(await screen.findByTestId('mail-compose-page')).toHaveTextContent('回复');
    expect(screen.getByTestId('mail-compose-subject')).toHaveValue('Re: 浦江精机设备采购报价');
    expect(screen.getAllByTestId('mail-compose-to-chip')[0]).toHaveTextContent('李经理');
    const body = screen.getByTestId('mail-compose-body');
    expect(body.innerHTML).toBe('<p></p><blockquote><p>请查收报价单</p></blockquote>');
  });

  it('uploads attachments with progress and removes them', async () => {
    let finish: (a: DraftAttachment) => void = () => undefined;
    const api = fakeMailApi({
      uploadAttachment: jest.fn(
        (_id: string, _file: File, onProgress: (loaded: number, total: number) => void) =>
          new Promise<DraftAttachment>(resolve => {
            onProgress(512, 1024);
            finish = resolve;
          }),
      ),
    });
    await renderMail(api, '/mail/compose/d-1');
    const file = new File([new Uint8Array(1024)], '报价单.pdf', { type: 'application/pdf' });
    await act(async () => {
      fireEvent.change(await screen.findByTestId('mail-compose-file'), { target: { files: [file] } });
    });
    expect(api.uploadAttachment).toHaveBeenCalledWith('d-1', file, expect.any(Function), expect.any(AbortSignal));
    expect(screen.getByTestId('mail-compose-upload-progress')).toHaveTextContent('正在上传 50%');

    // sending waits for uploads
    await addRecipient('mail-compose-to', 'li@pujiang.cn');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-send'));
    });
    expect(screen.getByTestId('mail-compose-page')).toHaveTextContent('请等待附件上传完成');
    expect(api.sendDraft).not.toHaveBeenCalled();

    await act(async () => {
      finish({ id: 'a-1', filename: '报价单.pdf', contentType: 'application/pdf', size: 1024, source: 'upload' });
    });
    const chip = await screen.findByTestId('mail-compose-attachment-a-1');
    expect(chip).toHaveTextContent('报价单.pdf');
    expect(screen.queryByTestId('mail-compose-upload')).toBeNull();
    await act(async () => {
      fireEvent.click(within(chip).getByLabelText('移除「报价单.pdf」'));
    });
    expect(api.removeAttachment).toHaveBeenCalledWith('d-1', 'a-1');
    await waitFor(() => expect(screen.queryByTestId('mail-compose-attachment-a-1')).toBeNull());
  });

  it('refuses files that would take the attachments over 25 MB before uploading them', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/compose/d-1');
    const big = new File(['x'], '视频.mp4');
    Object.defineProperty(big, 'size', { value: 26 * 1024 * 1024 });
    await act(async () => {
      fireEvent.change(await screen.findByTestId('mail-compose-file'), { target: { files: [big] } });
    });
    expect(screen.getByTestId('mail-compose-upload-error')).toHaveTextContent('添加「视频.mp4」后附件合计将超过 25 MB');
    expect(api.uploadAttachment).not.toHaveBeenCalled();
  });

  it('shows the server’s field errors on the fields', async () => {
    const api = fakeMailApi({
      getDraft: jest.fn(async () => draft({ to: [{ name: '', address: 'li@pujiang.cn' }], subject: 'x' })),
      sendDraft: jest.fn(async () => {
        throw new MailApiError(400, {
          error: {
            name: 'InputError',
            message: '提交的数据有误',
            fields: [{ path: 'to.0.address', key: 'invalidEmail', message: '收件人地址被拒绝' }],
          },
        });
      }),
    });
    await renderMail(api, '/mail/compose/d-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-compose-send'));
    });
    expect(screen.getByTestId('mail-compose-page')).toHaveTextContent('收件人地址被拒绝');
    expect(screen.getByTestId('mail-compose-send-error-alert')).toHaveTextContent('提交的数据有误');
  });

  it('discards the draft after asking', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/compose/d-1');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('mail-compose-discard'));
    });
    expect(screen.getByTestId('mail-compose-discard-confirm-dialog')).toHaveTextContent('放弃此草稿？');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-discard-confirm'));
    });
    expect(api.deleteDraft).toHaveBeenCalledWith('d-1', 1);
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('已放弃草稿');
    expect(currentUrl()).toBe('/mail');
  });

  it('asks before leaving through a link while changes are unsaved', async () => {
    const api = fakeMailApi({ updateDraft: jest.fn(() => new Promise(() => undefined)) });
    await renderMail(api, '/mail/compose/d-1');
    fireEvent.change(await screen.findByTestId('mail-compose-subject'), { target: { value: '未保存' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-nav-outbox'));
    });
    expect(screen.getByTestId('mail-compose-leave-dialog')).toHaveTextContent('有未保存的修改，确定离开？');
    expect(currentUrl()).toBe('/mail/compose/d-1');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-leave'));
    });
    expect(currentUrl()).toBe('/mail/outbox');
  });
});

describe('写邮件: 关联客户', () => {
  it('shows the draft’s customer by its CRM name with the hint, and clearing saves null', async () => {
    const api = fakeMailApi({ getDraft: jest.fn(async () => draft({ customerId: CUSTOMER_ID })) });
    await renderMail(api, '/mail/compose/d-1');
    const field = await screen.findByTestId('mail-compose-customer');
    expect(field).toHaveTextContent('关联客户');
    await waitFor(() => expect(within(field).getByTestId('mail-compose-customer-value')).toHaveTextContent('浦江精机'));
    expect(api.getCustomer).toHaveBeenCalledWith(CUSTOMER_ID);
    expect(field).toHaveTextContent('对方回复时，邮件会自动关联到该客户');

    await act(async () => {
      fireEvent.click(within(field).getByTestId('mail-compose-customer-clear'));
    });
    expect(within(field).getByTestId('mail-compose-customer-value')).toHaveTextContent('未关联客户');
    expect(within(field).queryByTestId('mail-compose-customer-clear')).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-save'));
    });
    expect(api.updateDraft).toHaveBeenCalledWith('d-1', expect.objectContaining({ version: 1, customerId: null }));
  });

  it('picks a customer through the CRM search and saves its id with the draft', async () => {
    const api = fakeMailApi();
    await renderMail(api, '/mail/compose/d-1');
    const field = await screen.findByTestId('mail-compose-customer');
    expect(within(field).getByTestId('mail-compose-customer-value')).toHaveTextContent('未关联客户');
    await act(async () => {
      fireEvent.click(within(field).getByTestId('mail-compose-customer-pick'));
    });
    const picker = screen.getByTestId('mail-customer-picker');
    expect(picker).toHaveTextContent('选择关联客户');
    fireEvent.change(within(picker).getByTestId('mail-customer-picker-input'), { target: { value: '华东' } });
    await waitFor(() => expect(api.searchCustomers).toHaveBeenCalledWith('华东'));
    fireEvent.click(await screen.findByRole('option', { name: /华东重工/ }));
    await act(async () => {
      fireEvent.click(within(picker).getByTestId('mail-customer-picker-confirm'));
    });
    expect(within(field).getByTestId('mail-compose-customer-value')).toHaveTextContent('华东重工');
    // the picked name is known: the CRM is not asked again
    expect(api.getCustomer).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-save'));
    });
    expect(api.updateDraft).toHaveBeenCalledWith('d-1', expect.objectContaining({ customerId: 'c-2' }));
  });

  it('says so when the CRM will not show the customer, and shows the server’s refusal on the field', async () => {
    const api = fakeMailApi({
      getDraft: jest.fn(async () => draft({ customerId: CUSTOMER_ID, to: [{ name: '', address: 'li@pujiang.cn' }], subject: 'x' })),
      getCustomer: jest.fn(async () => {
        throw new MailApiError(404, { error: { name: 'NotFoundError', message: '客户不存在' } });
      }),
      sendDraft: jest.fn(async () => {
        throw new MailApiError(400, {
          error: {
            name: 'InputError',
            message: '提交的数据有误',
            fields: [{ path: 'customerId', key: 'customerNotFound', message: '客户不存在或无权查看' }],
          },
        });
      }),
    });
    await renderMail(api, '/mail/compose/d-1');
    const field = await screen.findByTestId('mail-compose-customer');
    await waitFor(() => expect(field).toHaveTextContent('无法读取该客户（可能已删除或无权查看）'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-compose-send'));
    });
    expect(field).toHaveTextContent('客户不存在或无权查看');
  });
});

describe('compose HTML', () => {
  it('keeps paragraphs, emphasis, lists, quotes and web links only', () => {
    expect(
      cleanHtml(
        '<div style="color:red"><b>粗</b><i>斜</i><font face="x">字</font><a href="javascript:alert(1)">坏</a><a href="https://ok.cn">好</a><ul><li>一</li></ul><iframe src="x"></iframe><table><tr><td>甲</td><td>乙</td></tr></table></div>',
      ),
    ).toBe(
      '<div><b>粗</b><i>斜</i>字<a>坏</a><a href="https://ok.cn" target="_blank" rel="noopener noreferrer">好</a><ul><li>一</li></ul><div><div><span>甲 </span><span>乙 </span></div></div></div>',
    );
  });

  it('turns plain text into escaped paragraphs', () => {
    expect(textToHtml('a < b\n第二行\n\n新段落')).toBe('<p>a &lt; b<br>第二行</p><p>新段落</p>');
  });
});
