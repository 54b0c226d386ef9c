import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { HandoverPreview } from '@cocrm/plugin-access-common';
import { AccessApiError } from '../../api/AccessClient';
import { fakeAccessApi, FakeAccessApi, page, renderSettings } from '../../__testUtils__';

jest.setTimeout(30_000);

const customerType = {
  type: 'crm.customer',
  label: { 'zh-CN': '客户', en: 'Customers' },
  requiredPermission: 'crm.customer.update',
};
const visitType = {
  type: 'crm.visit',
  label: { 'zh-CN': '拜访', en: 'Visits' },
  requiredPermission: 'crm.visit.update',
};

function preview(overrides: Partial<HandoverPreview> = {}): HandoverPreview {
  return {
    itemTypes: [customerType, visitType],
    items: [
      {
        type: 'crm.customer',
        id: 'c1',
        title: '上海浦江精密机械有限公司',
        receiver: 'user:default/zhengwei',
        note: { 'zh-CN': '随客户移交 3 个联系人', en: '3 contacts move along' },
      },
      { type: 'crm.visit', id: 'v1', title: '2026-03-01 上门拜访', receiver: 'user:default/zhengwei' },
    ],
    counts: { 'crm.customer': 1, 'crm.visit': 1 },
    problems: [],
    ...overrides,
  };
}

async function pick(testId: string, text: string, option: RegExp) {
  const input = screen.getByTestId(testId);
  await userEvent.click(input);
  await userEvent.type(input, text);
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

async function fillEmployeeHandover(api: FakeAccessApi) {
  await renderSettings(api, '/system/handover');
  await pick('handover-from', '周', /周浩/);
  await pick('handover-receivers', '郑', /郑伟/);
  await userEvent.type(screen.getByTestId('handover-reason'), '离职');
}

const expectedRequest = {
  kind: 'employee',
  from: 'user:default/zhouhao',
  receivers: ['user:default/zhengwei'],
  reason: '离职',
};

describe('HandoverPage', () => {
  it('validates in Chinese before asking the server', async () => {
    const api = fakeAccessApi();
    await renderSettings(api, '/system/handover');
    fireEvent.click(screen.getByTestId('handover-preview'));
    expect(await screen.findByText('此项必填')).toBeInTheDocument();
    expect(screen.getByText('请至少选择一位接收人')).toBeInTheDocument();
    expect(api.previewHandover).not.toHaveBeenCalled();
  });

  it('shows blocking problems in red and keeps 确认移交 disabled', async () => {
    const api = fakeAccessApi({
      previewHandover: jest.fn(async () =>
        preview({
          problems: [
            {
              receiver: 'user:default/zhengwei',
              type: 'crm.customer',
              message: { 'zh-CN': '接收人 郑伟 没有“crm.customer.update”权限，不能接收客户', en: 'x' },
            },
          ],
        }),
      ),
    });
    await fillEmployeeHandover(api);
    // Enter in the form previews
    await userEvent.type(screen.getByTestId('handover-reason'), '{enter}');
    await waitFor(() => expect(api.previewHandover).toHaveBeenCalledWith(expectedRequest));
    const problems = await screen.findByTestId('handover-problems');
    expect(problems).toHaveTextContent('接收人 郑伟 没有“crm.customer.update”权限，不能接收客户');
    expect(screen.getByTestId('handover-count-crm.customer')).toHaveTextContent('客户：1');
    expect(within(screen.getByTestId('handover-items')).getByText('上海浦江精密机械有限公司')).toBeInTheDocument();
    expect(within(screen.getByTestId('handover-items')).getAllByText('郑伟').length).toBe(2);
    expect(screen.getByTestId('handover-execute')).toBeDisabled();
    expect(screen.getByText('存在无法移交的问题，请先处理')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('handover-execute'));
    expect(api.executeHandover).not.toHaveBeenCalled();
  });

  it('hands over after confirmation when the preview is clean, then refreshes the history', async () => {
    const api = fakeAccessApi({
      previewHandover: jest.fn(async () => preview()),
      executeHandover: jest.fn(async () => ({
        id: 'h1',
        kind: 'employee' as const,
        from: 'user:default/zhouhao',
        receivers: ['user:default/zhengwei'],
        reason: '离职',
        status: 'completed' as const,
        counts: { 'crm.customer': 1, 'crm.visit': 1 },
        error: null,
        createdBy: 'user:default/admin',
        createdAt: '2026-03-02T01:00:00.000Z',
      })),
    });
    await fillEmployeeHandover(api);
    fireEvent.click(screen.getByTestId('handover-preview'));
    const execute = await screen.findByTestId('handover-execute');
    await waitFor(() => expect(execute).toBeEnabled());
    expect(screen.queryByTestId('handover-problems')).toBeNull();

    // a change after the preview needs a new preview
    await userEvent.type(screen.getByTestId('handover-reason'), '。');
    expect(screen.getByTestId('handover-preview-stale')).toBeInTheDocument();
    expect(execute).toBeDisabled();
    await userEvent.type(screen.getByTestId('handover-reason'), '{backspace}');
    await waitFor(() => expect(execute).toBeEnabled());

    await userEvent.click(execute);
    const dialog = await screen.findByTestId('access-confirm-dialog');
    expect(dialog).toHaveTextContent('确定移交 2 条记录吗？');
    expect(api.executeHandover).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByTestId('access-confirm'));
    await waitFor(() => expect(api.executeHandover).toHaveBeenCalledWith(expectedRequest));
    expect(await screen.findByTestId('handover-result')).toHaveTextContent('移交完成');
    expect(screen.getByTestId('handover-result')).toHaveTextContent('周浩 → 郑伟：客户 1、拜访 1');
    expect(api.listHandovers).toHaveBeenCalledTimes(2);
  });

  it('keeps the server message in the dialog when the handover fails', async () => {
    const api = fakeAccessApi({
      previewHandover: jest.fn(async () => preview()),
      executeHandover: jest.fn().mockRejectedValue(
        new AccessApiError(409, {
          error: { name: 'ConflictError', message: '移交失败，已全部回滚：客户已被他人修改' },
        }),
      ),
      listHandovers: jest.fn(async () => page([])),
    });
    await fillEmployeeHandover(api);
    fireEvent.click(screen.getByTestId('handover-preview'));
    const execute = await screen.findByTestId('handover-execute');
    await waitFor(() => expect(execute).toBeEnabled());
    await userEvent.click(execute);
    fireEvent.click(within(await screen.findByTestId('access-confirm-dialog')).getByTestId('access-confirm'));
    expect(await screen.findByText('移交失败，已全部回滚：客户已被他人修改')).toBeInTheDocument();
    expect(screen.queryByTestId('handover-result')).toBeNull();
  });
});
