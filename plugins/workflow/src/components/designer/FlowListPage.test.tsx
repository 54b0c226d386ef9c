import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { FlowDefinition } from '@cocrm/plugin-workflow-common';
import { WorkflowApiError } from '../../api/WorkflowClient';
import { fakeApi, flowWithCurrent, renderDesigner } from './__testUtils__';

jest.setTimeout(30_000);

describe('FlowListPage', () => {
  it('lists the flows with their document type, version and last change', async () => {
    const api = fakeApi();
    await renderDesigner(api, '/approvals/flows');
    const row = await screen.findByTestId('designer-flow-f1');
    expect(row).toHaveTextContent('合同');
    expect(row).toHaveTextContent('合同审批');
    expect(row).toHaveTextContent('v3');
    await waitFor(() => expect(row).toHaveTextContent('李军'));
    // Asia/Shanghai
    expect(row).toHaveTextContent('2026-03-01 14:30');
    expect(within(row).getByRole('link', { name: '合同审批' })).toHaveAttribute('href', '/approvals/flows/f1');
  });

  it('creates a flow for a document type without one, from the leader template, and opens it', async () => {
    const api = fakeApi();
    await renderDesigner(api, '/approvals/flows');
    await screen.findByTestId('designer-flow-f1');
    fireEvent.click(await screen.findByTestId('designer-new'));
    const dialog = await screen.findByTestId('designer-new-dialog');
    const type = within(dialog).getByTestId('designer-new-type') as HTMLSelectElement;
    // 合同 already has a flow
    expect([...type.options].map(o => o.textContent)).toEqual(['报价单']);
    expect(within(dialog).getByTestId('designer-new-name')).toHaveValue('报价单审批');

    api.getFlow.mockImplementation(async () => {
      const created = api.createFlow.mock.calls[0][0] as FlowDefinition;
      return flowWithCurrent(created, { ...(await api.createFlow.mock.results[0].value), currentVersion: 1 });
    });
    fireEvent.click(within(dialog).getByTestId('designer-new-submit'));
    await waitFor(() => expect(api.createFlow).toHaveBeenCalledTimes(1));
    expect(api.createFlow.mock.calls[0][0]).toEqual({
      documentType: 'quote',
      name: '报价单审批',
      policies: { emptyApprover: { kind: 'admin' }, duplicateApprover: 'autoPass', resubmit: 'restart' },
      steps: [{ kind: 'approval', id: expect.stringMatching(/^approval-/), name: '部门负责人审批', mode: 'sequential', approvers: [{ kind: 'departmentLeader' }] }],
    });
    expect(await screen.findByTestId('designer-page')).toBeInTheDocument();
    expect(api.getFlow).toHaveBeenCalledWith('f2');
  });

  it('requires a name', async () => {
    const api = fakeApi();
    await renderDesigner(api, '/approvals/flows');
    fireEvent.click(await screen.findByTestId('designer-new'));
    const dialog = await screen.findByTestId('designer-new-dialog');
    fireEvent.change(within(dialog).getByTestId('designer-new-name'), { target: { value: '  ' } });
    fireEvent.click(within(dialog).getByTestId('designer-new-submit'));
    expect(await within(dialog).findByText('请填写流程名称')).toBeInTheDocument();
    expect(api.createFlow).not.toHaveBeenCalled();
  });

  it('deletes a flow after confirming, with the version it was listed at', async () => {
    const api = fakeApi();
    await renderDesigner(api, '/approvals/flows');
    fireEvent.click(await screen.findByTestId('designer-flow-delete-f1'));
    const dialog = await screen.findByTestId('designer-delete-confirm-dialog');
    expect(dialog).toHaveTextContent('删除流程“合同审批”？');
    api.listFlows.mockResolvedValueOnce([]);
    fireEvent.click(within(dialog).getByTestId('designer-delete-confirm'));
    await waitFor(() => expect(api.deleteFlow).toHaveBeenCalledWith('f1', 5));
    expect(await screen.findByText('已删除流程“合同审批”')).toBeInTheDocument();
    expect(await screen.findByTestId('designer-flows-empty')).toHaveTextContent('还没有审批流程');
  });

  it('shows the 409 message when the flow changed since it was listed', async () => {
    const api = fakeApi({
      deleteFlow: jest.fn(async () => {
        throw new WorkflowApiError(409, { error: { name: 'ConflictError', message: '该流程已被他人修改，请刷新后重试' } });
      }),
    });
    await renderDesigner(api, '/approvals/flows');
    fireEvent.click(await screen.findByTestId('designer-flow-delete-f1'));
    const dialog = await screen.findByTestId('designer-delete-confirm-dialog');
    fireEvent.click(within(dialog).getByTestId('designer-delete-confirm'));
    const alert = await within(dialog).findByTestId('designer-delete-stale-alert');
    expect(alert).toHaveTextContent('该流程已被他人修改，请刷新后重试');
    fireEvent.click(within(alert).getByTestId('designer-delete-reload'));
    await waitFor(() => expect(api.listFlows).toHaveBeenCalledTimes(2));
  });
});
