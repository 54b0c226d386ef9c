import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { WorkflowApiError } from '../../api/WorkflowClient';
import { INSTANCE_ID, detail, fakeWorkflowApi, renderApprovals, task, user } from '../../__testUtils__';

jest.setTimeout(30_000);

const PATH = `/approvals/instances/${INSTANCE_ID}`;

const actionButtons = () =>
  screen
    .queryAllByTestId(/^workflow-action-/)
    .map(b => b.getAttribute('data-testid')!.replace('workflow-action-', ''))
    .sort();

describe('the approval page', () => {
  it('shows the header, the labelled document summary with its link, progress and history', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    const header = await screen.findByTestId('workflow-instance-header');
    expect(within(header).getByText('浦江精机设备采购合同')).toBeInTheDocument();
    expect(within(header).getByTestId('workflow-instance-type')).toHaveTextContent('合同');
    expect(within(header).getByTestId('workflow-instance-amount')).toHaveTextContent('¥1,500,000.00');
    expect(within(header).getByText('周浩')).toBeInTheDocument();
    expect(within(header).getByTestId('workflow-instance-status')).toHaveTextContent('审批中');
    expect(within(header).getByTestId('workflow-document-link')).toHaveAttribute('href', '/crm/contracts/c-1');

    const doc = screen.getByTestId('workflow-document-summary');
    expect(within(doc).getByText('合同类型')).toBeInTheDocument();
    expect(within(doc).getByText('销售合同')).toBeInTheDocument();
    expect(within(doc).getByText('付款约定')).toBeInTheDocument();
    // a user field by name, a money field in 元
    expect(within(doc).getByText('签约人').nextSibling).toHaveTextContent('周浩');
    expect(within(doc).getByText('合同金额').nextSibling).toHaveTextContent('¥1,500,000.00');

    const progress = screen.getByTestId('workflow-node-progress');
    expect(within(progress).getByText('销售部负责人')).toBeInTheDocument();
    expect(within(progress).getByText('会签')).toBeInTheDocument();
    expect(within(progress).getByText('依次审批')).toBeInTheDocument();
    expect(within(progress).getByText('赵强')).toBeInTheDocument();

    const timeline = screen.getByTestId('workflow-timeline');
    expect(within(timeline).getByText('周浩 提交审批（流程版本 2）')).toBeInTheDocument();
    expect(within(timeline).getByText('孙丽 同意')).toBeInTheDocument();
    const comments = screen.getByTestId('workflow-comments');
    expect(within(comments).getByText('附上报价单')).toBeInTheDocument();
    expect(within(comments).getByRole('link', { name: '报价单.pdf' })).toHaveAttribute(
      'href',
      'https://files.example.cn/q.pdf',
    );
  });

  it("gives the pending task's assignee the decisions and sends the task version", async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    await screen.findByTestId('workflow-instance-header');
    expect(actionButtons()).toEqual(['addSigner', 'approve', 'cc', 'comment', 'reject', 'return', 'transfer']);

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-action-approve'));
    });
    fireEvent.change(await screen.findByTestId('workflow-approve-comment'), { target: { value: '同意' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-approve-submit'));
    });
    expect(api.approve).toHaveBeenCalledWith('t-1', 1, '同意');
    await waitFor(() => expect(api.getInstance).toHaveBeenCalledTimes(2));
    expect(await screen.findByTestId('workflow-notify')).toHaveTextContent('已同意');
  });

  it('requires a reason to reject', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('workflow-action-reject'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-reject-submit'));
    });
    expect(api.reject).not.toHaveBeenCalled();
    expect(screen.getByTestId('workflow-reject-dialog')).toHaveTextContent('请填写内容');
  });

  it('returns to an earlier passed node with a resubmit policy', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('workflow-action-return'));
    });
    const dialog = screen.getByTestId('workflow-return-dialog');
    const to = within(dialog).getByTestId('workflow-return-to');
    fireEvent.change(to, { target: { value: 'leader' } });
    fireEvent.click(within(dialog).getByLabelText('直接回到本节点'));
    fireEvent.change(within(dialog).getByTestId('workflow-return-comment'), { target: { value: '金额需复核' } });
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-return-submit'));
    });
    expect(api.returnTask).toHaveBeenCalledWith('t-1', {
      version: 1,
      to: { stepId: 'leader' },
      policy: 'jump-back',
      comment: '金额需复核',
    });
  });

  it('gives the applicant 撤销 and 催办 but no decisions', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'zhouhao' });
    await screen.findByTestId('workflow-instance-header');
    expect(actionButtons()).toEqual(['cc', 'comment', 'remind', 'withdraw']);
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-action-withdraw'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-withdraw-submit'));
    });
    expect(api.withdraw).toHaveBeenCalledWith(INSTANCE_ID, undefined);
  });

  it('sends a returned applicant to the document to resubmit', async () => {
    const api = fakeWorkflowApi({ getInstance: jest.fn(async () => detail({ instance: { status: 'returned' } })) });
    await renderApprovals(api, PATH, { me: 'zhouhao' });
    await screen.findByTestId('workflow-returned-hint');
    expect(actionButtons()).toEqual(['cc', 'comment', 'resubmit', 'withdraw']);
    expect(screen.getByTestId('workflow-action-resubmit')).toHaveAttribute('href', '/crm/contracts/c-1');
  });

  it('lets a decider recall while the next node has not acted', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'sunli' });
    await screen.findByTestId('workflow-instance-header');
    expect(actionButtons()).toEqual(['cc', 'comment', 'recall']);
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-action-recall'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-recall-submit'));
    });
    expect(api.recall).toHaveBeenCalledWith('t-0', undefined);
  });

  it('offers no recall once a later approver decided', async () => {
    const api = fakeWorkflowApi({
      getInstance: jest.fn(async () =>
        detail({
          tasks: [
            task({
              id: 't-0',
              nodeId: 'n-1',
              assignee: user('sunli'),
              status: 'approved',
              decidedBy: user('sunli'),
              decidedAt: '2026-03-01T03:00:00.000Z',
            }),
            task({
              id: 't-1',
              nodeId: 'n-2',
              status: 'approved',
              decidedBy: user('zhaoqiang'),
              decidedAt: '2026-03-01T04:00:00.000Z',
            }),
            task({ id: 't-2', nodeId: 'n-2', assignee: user('wufang') }),
          ],
        }),
      ),
    });
    await renderApprovals(api, PATH, { me: 'sunli' });
    await screen.findByTestId('workflow-instance-header');
    expect(actionButtons()).toEqual(['cc', 'comment']);
  });

  it('shows a reader who takes no part no actions at all', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'wangjianguo' });
    await screen.findByTestId('workflow-instance-header');
    expect(actionButtons()).toEqual([]);
  });

  it("a delegate acts on the delegator's task and sees for whom", async () => {
    const api = fakeWorkflowApi({
      getInstance: jest.fn(async () =>
        detail({
          tasks: [
            task({ id: 't-1', nodeId: 'n-2', assignee: user('wufang'), onBehalfOf: user('zhaoqiang'), version: 4 }),
          ],
        }),
      ),
    });
    await renderApprovals(api, PATH, { me: 'wufang' });
    expect(await screen.findAllByText('代 赵强 审批')).not.toHaveLength(0);
    expect(actionButtons()).toContain('approve');
  });

  it('shows the backend message of a 409 and reloads', async () => {
    const api = fakeWorkflowApi({
      approve: jest.fn(async () => {
        throw new WorkflowApiError(409, {
          error: { name: 'ConflictError', message: '该任务已处理（已同意），不能再次操作' },
        });
      }),
    });
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('workflow-action-approve'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-approve-submit'));
    });
    expect(await screen.findByTestId('workflow-conflict-alert')).toHaveTextContent(
      '该任务已处理（已同意），不能再次操作',
    );
    // the dialog closes: acting again on the stale task would only fail again
    await waitFor(() => expect(screen.queryByTestId('workflow-approve-dialog')).toBeNull());
    await waitFor(() => expect(api.getInstance).toHaveBeenCalledTimes(2));
  });

  it('keeps a 400 in the dialog', async () => {
    const api = fakeWorkflowApi({
      transfer: jest.fn(async () => {
        throw new WorkflowApiError(400, {
          error: { name: 'InputError', message: '不能转交给自己或本节点已有的审批人' },
        });
      }),
    });
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('workflow-action-transfer'));
    });
    const dialog = screen.getByTestId('workflow-transfer-dialog');
    // no user chosen: the dialog says so and sends nothing
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-transfer-submit'));
    });
    expect(dialog).toHaveTextContent('请选择人员');
    expect(api.transfer).not.toHaveBeenCalled();

    const picker = within(dialog).getByTestId('workflow-transfer-user');
    fireEvent.change(picker, { target: { value: '吴芳' } });
    fireEvent.click(await screen.findByRole('option', { name: /吴芳/ }));
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-transfer-submit'));
    });
    expect(api.transfer).toHaveBeenCalledWith('t-1', 1, user('wufang'), undefined);
    expect(within(dialog).getByTestId('workflow-error-alert')).toHaveTextContent('不能转交给自己或本节点已有的审批人');
  });

  it('submits a comment with Ctrl+Enter, with its attachments', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, PATH, { me: 'zhouhao' });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('workflow-action-comment'));
    });
    const dialog = screen.getByTestId('workflow-comment-dialog');
    fireEvent.click(within(dialog).getByTestId('workflow-attachment-add'));
    fireEvent.change(within(dialog).getByTestId('workflow-attachment-name-0'), { target: { value: '盖章页.pdf' } });
    fireEvent.change(within(dialog).getByTestId('workflow-attachment-ref-0'), { target: { value: '/netdisk/f/1' } });
    const text = within(dialog).getByTestId('workflow-comment-comment');
    fireEvent.change(text, { target: { value: '已补充盖章页' } });
    await act(async () => {
      fireEvent.keyDown(text, { key: 'Enter', ctrlKey: true });
    });
    expect(api.comment).toHaveBeenCalledWith(INSTANCE_ID, '已补充盖章页', [
      { name: '盖章页.pdf', ref: '/netdisk/f/1' },
    ]);
  });

  it('marks a copy read when its recipient opens it', async () => {
    const api = fakeWorkflowApi({
      getInstance: jest.fn(async () => ({
        ...detail(),
        cc: [{ user: user('wangjianguo'), nodeId: null, by: user('zhouhao'), createdAt: '2026-03-01T04:00:00.000Z' }],
      })),
    });
    await renderApprovals(api, PATH, { me: 'wangjianguo' });
    await screen.findByTestId('workflow-instance-header');
    await waitFor(() => expect(api.markCcRead).toHaveBeenCalledWith(INSTANCE_ID));
    // a CC recipient takes part: may copy on and comment
    expect(actionButtons()).toEqual(['cc', 'comment']);
  });

  it("tells the scheduler's doings apart from people's in the history", async () => {
    const base = detail();
    const entry = base.timeline[1];
    const api = fakeWorkflowApi({
      getInstance: jest.fn(async () => ({
        ...base,
        timeline: [
          ...base.timeline,
          {
            ...entry,
            seq: 4,
            action: 'transfer',
            actor: 'system',
            comment: null,
            detail: { to: user('wangjianguo'), from: user('zhaoqiang'), reason: 'timeout' },
          },
          {
            ...entry,
            seq: 5,
            action: 'transfer',
            actor: user('wufang'),
            onBehalfOf: user('sunli'),
            comment: null,
            detail: { to: user('zhouhao') },
          },
          // the CRM submits with its service identity for its user
          { ...entry, seq: 6, action: 'submit', actor: 'service:plugin:crm', onBehalfOf: user('zhouhao'), comment: null, detail: { flowVersion: 3 } },
        ],
      })),
    });
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    const timeline = await screen.findByTestId('workflow-timeline');
    expect(within(timeline).getByText('已超过审批时限，由 赵强 上报给主管 王建国')).toBeInTheDocument();
    expect(within(timeline).getByText('吴芳（代 孙丽） 转交给 周浩')).toBeInTheDocument();
    expect(within(timeline).getByTestId('workflow-timeline-6')).toHaveTextContent(/^周浩 提交审批/);
    expect(within(timeline).queryByText(/plugin:crm/)).toBeNull();
  });

  it('shows 404 calmly', async () => {
    const api = fakeWorkflowApi({
      getInstance: jest.fn(async () => {
        throw new WorkflowApiError(404, { error: { name: 'NotFoundError', message: '审批单不存在或无权查看' } });
      }),
    });
    await renderApprovals(api, PATH, { me: 'zhaoqiang' });
    expect(await screen.findByTestId('workflow-error-state')).toHaveTextContent('审批单不存在或无权查看');
  });
});
