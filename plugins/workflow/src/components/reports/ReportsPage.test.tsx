import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { workflowReportReadPermission } from '@cocrm/plugin-workflow-common';
import type { ReportRow } from '@cocrm/plugin-workflow-common';
import { fakeWorkflowApi, renderApprovals, user } from '../../__testUtils__';

jest.setTimeout(30_000);

const ROW: ReportRow = {
  flowId: '22222222-2222-4222-8222-222222222222',
  flowName: '合同审批',
  documentType: 'crm.contract',
  stepId: null,
  nodeName: null,
  approver: null,
  tasks: 12,
  decided: 10,
  firstViewMs: { p50: 30 * 60_000, p90: 3 * 3_600_000 },
  decideMs: { p50: 26 * 3_600_000, p90: 50 * 3_600_000 },
  slaBreaches: 2,
  open: 2,
  oldestOpenAgeMs: 3 * 86_400_000,
};

describe('审批报表', () => {
  it('shows the report per flow and per approver, and exports under the server name', async () => {
    Object.assign(URL, { createObjectURL: jest.fn(() => 'blob:x'), revokeObjectURL: jest.fn() });
    const saved: string[] = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        saved.push(this.download);
      });
    const api = fakeWorkflowApi({
      getReport: jest.fn(async (q: { groupBy?: string }) => ({
        groupBy: q.groupBy ?? 'flow',
        generatedAt: '2026-03-02T00:00:00.000Z',
        items:
          q.groupBy === 'approver' ? [{ ...ROW, flowId: null, flowName: null, approver: user('zhaoqiang') }] : [ROW],
      })),
      listFlows: jest.fn(async () => [{ id: ROW.flowId, name: '合同审批', documentType: 'crm.contract' }]),
      exportReport: jest.fn(async () => ({ blob: new Blob(['x']), filename: '审批报表-2026-03-02.xlsx' })),
    });
    await renderApprovals(api, '/approvals/reports?from=2026-02-01&to=2026-02-28', {
      allow: [workflowReportReadPermission.name],
    });
    const table = await screen.findByTestId('workflow-report-table');
    expect(within(table).getByText('合同审批')).toBeInTheDocument();
    expect(within(table).getByText('30分钟')).toBeInTheDocument();
    expect(within(table).getByText('1天2小时')).toBeInTheDocument();
    expect(within(table).getByText('3天')).toBeInTheDocument();
    expect(api.getReport).toHaveBeenLastCalledWith({ from: '2026-02-01', to: '2026-02-28', groupBy: 'flow' });

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-report-group-approver'));
    });
    await waitFor(() =>
      expect(within(screen.getByTestId('workflow-report-table')).getByText('赵强')).toBeInTheDocument(),
    );
    expect(api.getReport).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'approver' }));

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-report-export'));
    });
    expect(api.exportReport).toHaveBeenCalledWith({ from: '2026-02-01', to: '2026-02-28', groupBy: 'approver' });
    expect(await screen.findByTestId('workflow-notify')).toHaveTextContent('已保存为 审批报表-2026-03-02.xlsx');
    expect(saved).toEqual(['审批报表-2026-03-02.xlsx']);
    click.mockRestore();
  });

  it('refuses a range that ends before it starts', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, '/approvals/reports?from=2026-03-01&to=2026-02-01', {
      allow: [workflowReportReadPermission.name],
    });
    expect(await screen.findByText('开始日期晚于结束日期')).toBeInTheDocument();
    expect(api.getReport).not.toHaveBeenCalled();
  });
});
