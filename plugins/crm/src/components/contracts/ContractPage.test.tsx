import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { InstanceDetail } from '@cocrm/plugin-workflow-common';
import { CrmApiError } from '../../api/CrmClient';
import { CrmPage } from '../CrmPage';
import { accessView, contract, fakeCrmApi, testApis } from '../../__testUtils__';

jest.setTimeout(30_000);

const ID = '55555555-5555-4555-8555-555555555555';
const INSTANCE = '77777777-7777-4777-8777-777777777777';

function render(api: ReturnType<typeof fakeCrmApi>) {
  return renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [`/crm/contracts/${ID}`] });
}

function approval(overrides: Partial<InstanceDetail['instance']> = {}): InstanceDetail {
  const base = { instanceId: INSTANCE, createdAt: '2026-03-03T02:00:00.000Z' };
  return {
    instance: {
      id: INSTANCE,
      flowId: 'f1',
      flowVersionId: 'f1v2',
      flowVersion: 2,
      documentType: 'crm.contract',
      documentId: ID,
      title: '年度设备采购合同',
      amount: 150_000_000,
      currency: 'CNY',
      applicant: 'user:default/zhouhao',
      department: null,
      fields: {},
      status: 'running',
      outcome: null,
      round: 1,
      currentPosition: 1,
      version: 3,
      createdAt: base.createdAt,
      updatedAt: base.createdAt,
      finishedAt: null,
      ...overrides,
    },
    nodes: [
      { id: 'n1', instanceId: INSTANCE, round: 1, position: 0, stepId: 's1', name: '部门负责人审批', kind: 'approval', mode: 'any', ratio: null, status: 'approved', activatedAt: base.createdAt, finishedAt: '2026-03-03T03:00:00.000Z' },
      { id: 'n2', instanceId: INSTANCE, round: 1, position: 1, stepId: 's2', name: '总经理审批', kind: 'approval', mode: 'any', ratio: null, status: 'active', activatedAt: '2026-03-03T03:00:00.000Z', finishedAt: null },
    ],
    tasks: [
      { id: 't1', instanceId: INSTANCE, nodeId: 'n1', assignee: 'user:default/sunli', onBehalfOf: null, status: 'approved', origin: 'rule', parentTaskId: null, seq: 0, version: 2, comment: '同意，注意回款节点', decidedBy: 'user:default/sunli', decidedAt: '2026-03-03T03:00:00.000Z', createdAt: base.createdAt },
      { id: 't2', instanceId: INSTANCE, nodeId: 'n2', assignee: 'user:default/wangjianguo', onBehalfOf: null, status: 'pending', origin: 'rule', parentTaskId: null, seq: 0, version: 1, comment: null, decidedBy: null, decidedAt: null, createdAt: '2026-03-03T03:00:00.000Z' },
    ],
    timeline: [
      { seq: 1, instanceId: INSTANCE, action: 'submit', actor: 'service:plugin:crm', onBehalfOf: 'user:default/zhouhao', taskId: null, nodeId: null, comment: null, detail: {}, createdAt: base.createdAt },
      { seq: 2, instanceId: INSTANCE, action: 'approve', actor: 'user:default/sunli', onBehalfOf: null, taskId: 't1', nodeId: 'n1', comment: '同意，注意回款节点', detail: {}, createdAt: '2026-03-03T03:00:00.000Z' },
    ],
    cc: [],
  };
}

describe('ContractPage', () => {
  it('submits a draft after confirmation, then shows it locked with its approval history', async () => {
    const draft = contract();
    const api = fakeCrmApi({
      getContract: jest.fn(async () => draft),
      submitContract: jest.fn(async () => contract({ status: 'in_approval', version: 3, workflowInstanceId: INSTANCE, workflowVersion: 1 })),
      getApproval: jest.fn(async () => approval()),
    });
    await render(api);
    expect(await screen.findByTestId('crm-contract-name')).toHaveTextContent('年度设备采购合同');
    expect(screen.getByTestId('crm-contract-status')).toHaveTextContent('草稿');
    expect(screen.getByTestId('crm-contract-value-amount')).toHaveTextContent('¥1,500,000.00');
    expect(screen.getByTestId('crm-contract-value-contractType')).toHaveTextContent('销售合同');
    expect(screen.getByText('尚未提交审批')).toBeInTheDocument();
    expect(screen.getByTestId('crm-edit-contract')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('crm-contract-submit-approval'));
    const dialog = await screen.findByTestId('crm-confirm-dialog');
    expect(within(dialog).getByText('提交合同“年度设备采购合同”审批？')).toBeInTheDocument();
    expect(api.submitContract).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByTestId('crm-confirm'));
    await waitFor(() => expect(api.submitContract).toHaveBeenCalledWith(ID, draft.version));

    expect(await screen.findByTestId('crm-contract-locked')).toHaveTextContent('合同正在审批中，审批结束前不能修改或删除。');
    expect(screen.getByTestId('crm-contract-status')).toHaveTextContent('审批中');
    expect(screen.queryByTestId('crm-edit-contract')).toBeNull();
    expect(screen.queryByTestId('crm-delete-contract')).toBeNull();
    expect(screen.queryByTestId('crm-contract-submit-approval')).toBeNull();
    expect(screen.queryByTestId('crm-attachment-upload')).toBeNull();

    const history = await screen.findByTestId('crm-approval-history');
    await waitFor(() => expect(api.getApproval).toHaveBeenCalledWith(INSTANCE));
    const nodes = await within(history).findAllByTestId('crm-approval-node');
    expect(nodes).toHaveLength(2);
    expect(within(nodes[0]).getByText('部门负责人审批')).toBeInTheDocument();
    expect(within(nodes[1]).getByText('总经理审批')).toBeInTheDocument();
    expect(within(nodes[0]).getByText('已同意')).toBeInTheDocument();
    expect(within(nodes[0]).getByText('2026-03-03 11:00')).toBeInTheDocument();
    expect(within(nodes[1]).getByText('待审批')).toBeInTheDocument();
    expect(within(history).getAllByText('同意，注意回款节点').length).toBeGreaterThan(0);
    const actions = within(history).getAllByTestId('crm-approval-action');
    // newest first; the CRM submitted on the applicant's behalf
    expect(actions[1]).toHaveTextContent('提交审批');
    expect(within(history).getByTestId('crm-approval-link')).toHaveAttribute('href', `/approvals/instances/${INSTANCE}`);
  });

  it('shows the workflow plugin refusal in the dialog and leaves the contract as it was', async () => {
    const api = fakeCrmApi({
      submitContract: jest.fn(async () => {
        throw new CrmApiError(404, { error: { name: 'NotFoundError', message: '单据类型“crm.contract”没有已发布的审批流程' } });
      }),
    });
    await render(api);
    fireEvent.click(await screen.findByTestId('crm-contract-submit-approval'));
    fireEvent.click(within(await screen.findByTestId('crm-confirm-dialog')).getByTestId('crm-confirm'));
    expect(await screen.findByText('单据类型“crm.contract”没有已发布的审批流程')).toBeInTheDocument();
    expect(screen.getByTestId('crm-contract-status')).toHaveTextContent('草稿');
  });

  it('resubmits a returned contract, and says so when the approval is not visible to the user', async () => {
    const returned = contract({ status: 'returned', workflowInstanceId: INSTANCE, workflowVersion: 2, version: 5 });
    const api = fakeCrmApi({
      getContract: jest.fn(async () => returned),
      resubmitContract: jest.fn(async () => ({ ...returned, status: 'in_approval', version: 6, workflowVersion: 3 })),
      getApproval: jest.fn(async () => {
        throw new CrmApiError(404, { error: { name: 'NotFoundError', message: '审批单不存在或无权查看' } });
      }),
    });
    await render(api);
    expect(await screen.findByText('合同已被退回：请按审批意见修改后重新提交。')).toBeInTheDocument();
    expect(screen.getByTestId('crm-edit-contract')).toBeInTheDocument();
    expect(screen.queryByTestId('crm-contract-submit-approval')).toBeNull();
    expect(await screen.findByTestId('crm-approval-not-visible')).toHaveTextContent('你无权查看该审批单的详细记录');
    fireEvent.click(screen.getByTestId('crm-contract-resubmit'));
    const dialog = await screen.findByTestId('crm-confirm-dialog');
    expect(within(dialog).getByText('审批将按修改后的合同内容继续进行。')).toBeInTheDocument();
    fireEvent.click(within(dialog).getByTestId('crm-confirm'));
    await waitFor(() => expect(api.resubmitContract).toHaveBeenCalledWith(ID, 5));
    expect(await screen.findByTestId('crm-contract-locked')).toBeInTheDocument();
  });

  it('uploads, downloads and deletes attachments, and refuses files over 20 MB before sending them', async () => {
    const withFile = contract({
      attachments: [{ id: 'a1', fileName: '合同扫描件.pdf', contentType: 'application/pdf', size: 2_500_000, createdBy: 'user:default/zhouhao', createdAt: '2026-03-02T01:00:00.000Z' }],
    });
    const api = fakeCrmApi({
      getContract: jest.fn(async () => withFile),
      uploadContractAttachment: jest.fn(async () => withFile.attachments![0]),
      downloadContractAttachment: jest.fn(async () => ({ blob: new Blob(['%PDF']), filename: '合同扫描件.pdf' })),
    });
    const createObjectURL = jest.fn(() => 'blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    await render(api);
    const panel = await screen.findByTestId('crm-contract-attachments');
    expect(within(panel).getByText('合同扫描件.pdf')).toBeInTheDocument();
    expect(within(panel).getByText(/2\.4 MB/)).toBeInTheDocument();

    const file = new File(['hello'], '报价单.docx');
    const big = new File(['x'], '大文件.zip');
    Object.defineProperty(big, 'size', { value: 20 * 1024 * 1024 + 1 });
    fireEvent.change(within(panel).getByTestId('crm-attachment-input'), { target: { files: [file, big] } });
    await waitFor(() => expect(api.uploadContractAttachment).toHaveBeenCalledTimes(1));
    expect(api.uploadContractAttachment).toHaveBeenCalledWith(ID, file, '报价单.docx');
    expect(await screen.findByText('“大文件.zip”超过 20 MB，不能上传')).toBeInTheDocument();
    // the contract (and its version) is read again after the change
    await waitFor(() => expect(api.getContract).toHaveBeenCalledTimes(2));

    fireEvent.click(within(panel).getByRole('button', { name: '下载 合同扫描件.pdf' }));
    await waitFor(() => expect(api.downloadContractAttachment).toHaveBeenCalledWith(ID, 'a1'));
    expect(createObjectURL).toHaveBeenCalled();

    fireEvent.click(within(panel).getByRole('button', { name: '删除 合同扫描件.pdf' }));
    fireEvent.click(within(await screen.findByTestId('crm-confirm-dialog')).getByTestId('crm-confirm'));
    await waitFor(() => expect(api.deleteContractAttachment).toHaveBeenCalledWith(ID, 'a1'));
  });

  it('hides the attachments of a user who may not see them and shows no amount', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { contract: ['attachments', 'amount'] } })),
      getContract: jest.fn(async () => contract({ amount: undefined, attachments: undefined })),
    });
    await render(api);
    await screen.findByTestId('crm-contract-name');
    expect(screen.queryByTestId('crm-contract-attachments')).toBeNull();
    expect(screen.queryByTestId('crm-contract-value-amount')).toBeNull();
  });
});
