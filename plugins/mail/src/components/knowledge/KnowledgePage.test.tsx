import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { KnowledgeItem } from '../../api/types';
import { currentUrl, fakeMailApi, page, renderMail, user } from '../../__testUtils__';

jest.setTimeout(30_000);

const ITEM: KnowledgeItem = {
  id: 'k-1',
  title: '设备报价模板',
  note: '常用报价格式',
  messageId: 'm-2',
  subject: '浦江精机设备采购报价',
  from: [{ name: '李经理', address: 'li@pujiang.cn' }],
  to: [],
  cc: [],
  receivedAt: '2026-03-01T02:00:00.000Z',
  attachments: [
    {
      index: 0,
      filename: '报价单.pdf',
      contentType: 'application/pdf',
      size: 120_000,
      url: '/api/mail/knowledge/k-1/attachments/0',
    },
  ],
  createdBy: user('zhouhao'),
  createdAt: '2026-03-02T01:00:00.000Z',
  text: '请查收报价单',
  html: '<p>请查收<b>报价单</b></p>',
  remoteImagesBlocked: 0,
};

describe('知识', () => {
  it('lists saved mail with source, time and attachment downloads', async () => {
    const api = fakeMailApi({
      listKnowledge: jest.fn(async () => page([ITEM])),
      getKnowledge: jest.fn(async () => ITEM),
    });
    await renderMail(api, '/mail/knowledge');
    const row = await screen.findByTestId('mail-knowledge-k-1');
    expect(row).toHaveTextContent('设备报价模板');
    expect(row).toHaveTextContent('李经理 · 2026-03-01 10:00');
    expect(row).toHaveTextContent('2026-03-02 09:00');
    await act(async () => {
      fireEvent.click(within(row).getByTestId('mail-knowledge-attachment-k-1-0'));
    });
    expect(api.downloadKnowledgeAttachment).toHaveBeenCalledWith('k-1', 0, '报价单.pdf');

    await act(async () => {
      fireEvent.click(within(row).getByText('设备报价模板'));
    });
    expect(currentUrl()).toBe('/mail/knowledge/k-1');
    expect(await screen.findByTestId('mail-knowledge-item')).toHaveTextContent('常用报价格式');
  });

  it('searches on the server', async () => {
    const api = fakeMailApi({ listKnowledge: jest.fn(async () => page([ITEM])) });
    await renderMail(api, '/mail/knowledge');
    fireEvent.change(await screen.findByTestId('mail-knowledge-search'), { target: { value: '报价' } });
    await waitFor(() => expect(api.listKnowledge).toHaveBeenLastCalledWith({ page: 0, pageSize: 25, q: '报价' }));
    expect(currentUrl()).toContain(`q=${encodeURIComponent('报价')}`);
  });

  it('shows one item with its note and the mail in a sandboxed frame', async () => {
    const api = fakeMailApi({ getKnowledge: jest.fn(async () => ITEM) });
    await renderMail(api, '/mail/knowledge/k-1');
    const item = await screen.findByTestId('mail-knowledge-item');
    expect(item).toHaveTextContent('设备报价模板');
    expect(item).toHaveTextContent('来源：李经理 <li@pujiang.cn> · 2026-03-01 10:00');
    expect(item).toHaveTextContent('常用报价格式');
    const frame = within(item).getByTestId('mail-knowledge-frame');
    expect(frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    expect(frame.getAttribute('srcdoc')).toContain('<p>请查收<b>报价单</b></p>');
  });

  it('deletes an item after asking, and shows remote images on request', async () => {
    const api = fakeMailApi({ getKnowledge: jest.fn(async () => ({ ...ITEM, remoteImagesBlocked: 2 })) });
    await renderMail(api, '/mail/knowledge/k-1');
    const bar = await screen.findByTestId('mail-knowledge-remote-images');
    expect(bar).toHaveTextContent('已阻止远程图片');
    await act(async () => {
      fireEvent.click(within(bar).getByText('显示图片'));
    });
    expect(api.getKnowledge).toHaveBeenLastCalledWith('k-1', { showRemoteImages: true });

    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-knowledge-delete'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-knowledge-delete-confirm'));
    });
    expect(api.deleteKnowledge).toHaveBeenCalledWith('k-1');
    expect(await screen.findByTestId('mail-notify')).toHaveTextContent('知识已删除');
    expect(currentUrl()).toBe('/mail/knowledge');
  });

  it('says when there is none yet', async () => {
    await renderMail(fakeMailApi(), '/mail/knowledge');
    expect(await screen.findByTestId('mail-knowledge-empty')).toHaveTextContent('还没有知识');
  });
});
