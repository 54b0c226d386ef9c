import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { workflowInstanceReadPermission } from '@cocrm/plugin-workflow-common';
import {
  FakeSignals,
  fakeWorkflowApi,
  ownAccess,
  page,
  renderApprovals,
  summary,
  todoItem,
  user,
} from '../../__testUtils__';

jest.setTimeout(30_000);

const A = todoItem({ id: 't-a', version: 3 }, { id: 'i-a', title: '浦江精机设备采购合同' });
const B = todoItem(
  { id: 't-b', version: 7, assignee: user('zhaoqiang'), onBehalfOf: user('wangjianguo') },
  { id: 'i-b', title: '华东区域代理合同', amount: 20_000_000 },
);
const C = todoItem({ id: 't-c', version: 1 }, { id: 'i-c', title: '年度维保合同' });

describe('待办', () => {
  it('lists open tasks with the count on the tab, 代 X 审批 for delegated ones, and pages on the server', async () => {
    const api = fakeWorkflowApi({
      listTodo: jest.fn(async () => page([A, B], 60)),
      getCounts: jest.fn(async () => ({ todo: 60, ccUnread: 2 })),
    });
    await renderApprovals(api, '/approvals');
    const grid = await screen.findByTestId('workflow-todo-grid');
    expect(within(grid).getByText('浦江精机设备采购合同')).toBeInTheDocument();
    // the document type by its registered label
    expect(within(grid).getAllByText('合同', { selector: '[role="gridcell"]' })).toHaveLength(2);
    expect(within(grid).getByText('¥200,000.00')).toBeInTheDocument();
    expect(within(grid).getByText('代 王建国 审批')).toBeInTheDocument();
    // only the delegated row carries the chip
    expect(within(grid).getAllByTestId('workflow-behalf-chip')).toHaveLength(1);
    expect(within(screen.getByTestId('workflow-count-todo')).getByText('60')).toBeInTheDocument();
    expect(within(screen.getByTestId('workflow-count-cc')).getByText('2')).toBeInTheDocument();
    expect(api.listTodo).toHaveBeenLastCalledWith(
      expect.objectContaining({ page: 0, pageSize: 25, sort: 'since', order: 'asc' }),
    );

    await act(async () => {
      fireEvent.click(within(grid).getByRole('button', { name: /下一页|next page/i }));
    });
    await waitFor(() => expect(api.listTodo).toHaveBeenLastCalledWith(expect.objectContaining({ page: 1 })));
  });

  it('filters by search, document type and dates through the URL', async () => {
    const api = fakeWorkflowApi({ listTodo: jest.fn(async () => page([A])) });
    await renderApprovals(api, '/approvals?documentType=crm.contract&from=2026-03-01&to=2026-03-31');
    await screen.findByTestId('workflow-todo-grid');
    expect(api.listTodo).toHaveBeenLastCalledWith(
      expect.objectContaining({ documentType: 'crm.contract', from: '2026-03-01', to: '2026-03-31' }),
    );
    // 待办 are all running: no status filter
    expect(screen.queryByTestId('workflow-todo-status')).toBeNull();
    const search = screen.getByTestId('workflow-todo-search');
    await act(async () => {
      fireEvent.change(search, { target: { value: '浦江' } });
      fireEvent.keyDown(search, { key: 'Enter' });
    });
    await waitFor(() => expect(api.listTodo).toHaveBeenLastCalledWith(expect.objectContaining({ q: '浦江', page: 0 })));
  });

  it('says 暂无待办 when there is nothing to do', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, '/approvals');
    expect(await screen.findByTestId('workflow-todo-empty')).toHaveTextContent('暂无待办');
  });

  it('shows the backend error with a retry', async () => {
    const api = fakeWorkflowApi({
      listTodo: jest.fn(async () => {
        throw Object.assign(new Error('服务暂时不可用'), { status: 503 });
      }),
    });
    await renderApprovals(api, '/approvals');
    expect(await screen.findByTestId('workflow-error-state')).toHaveTextContent('服务暂时不可用');
  });

  it('reloads the list and the counts when the backend signals a change', async () => {
    const signals = new FakeSignals();
    const api = fakeWorkflowApi({ listTodo: jest.fn(async () => page([A])) });
    await renderApprovals(api, '/approvals', { signals });
    await screen.findByTestId('workflow-todo-grid');
    const lists = api.listTodo.mock.calls.length;
    const counts = api.getCounts.mock.calls.length;
    api.listTodo.mockResolvedValue(page([A, C]));
    await act(async () => signals.send('workflow:inbox', { kind: 'changed' }));
    expect(await screen.findByText('年度维保合同')).toBeInTheDocument();
    expect(api.listTodo.mock.calls.length).toBeGreaterThan(lists);
    expect(api.getCounts.mock.calls.length).toBeGreaterThan(counts);
  });
});

describe('批量同意', () => {
  it('approves the selected tasks with one comment and shows each outcome, a 409 with its message', async () => {
    const api = fakeWorkflowApi({
      listTodo: jest.fn(async () => page([A, B, C])),
      batchApprove: jest.fn(async () => [
        { taskId: 't-a', ok: true, status: 204 },
        { taskId: 't-b', ok: false, status: 409, message: '该任务已处理（已同意），不能再次操作' },
      ]),
    });
    await renderApprovals(api, '/approvals');
    const grid = await screen.findByTestId('workflow-todo-grid');
    expect(screen.getByTestId('workflow-batch-approve')).toBeDisabled();
    const rowOf = (title: string) => within(grid).getByText(title).closest('[role="row"]') as HTMLElement;
    await act(async () => {
      fireEvent.click(within(rowOf('浦江精机设备采购合同')).getByRole('checkbox'));
    });
    await act(async () => {
      fireEvent.click(within(rowOf('华东区域代理合同')).getByRole('checkbox'));
    });
    expect(screen.getByTestId('workflow-selected-count')).toHaveTextContent('已选 2 条');

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-batch-approve'));
    });
    const dialog = await screen.findByTestId('workflow-batch-dialog');
    fireEvent.change(within(dialog).getByTestId('workflow-batch-comment'), { target: { value: '同意，按合同执行' } });
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-batch-confirm'));
    });

    expect(api.batchApprove).toHaveBeenCalledWith(
      [
        { taskId: 't-a', version: 3 },
        { taskId: 't-b', version: 7 },
      ],
      '同意，按合同执行',
    );
    expect(await within(dialog).findByTestId('workflow-batch-summary')).toHaveTextContent('1 条已同意，1 条未能同意');
    expect(within(dialog).getByTestId('workflow-batch-result-t-a')).toHaveTextContent('已同意');
    expect(within(dialog).getByTestId('workflow-batch-result-t-b')).toHaveTextContent(
      '该任务已处理（已同意），不能再次操作',
    );
    // the list reloads behind the dialog
    await waitFor(() => expect(api.listTodo.mock.calls.length).toBeGreaterThan(1));
  });
});

describe('selection across live reloads', () => {
  it('follows the rows: a task decided elsewhere drops out, a changed one is sent with its new version', async () => {
    const signals = new FakeSignals();
    const api = fakeWorkflowApi({ listTodo: jest.fn(async () => page([A, B])) });
    await renderApprovals(api, '/approvals', { signals });
    const grid = await screen.findByTestId('workflow-todo-grid');
    for (const title of ['浦江精机设备采购合同', '华东区域代理合同']) {
      const row = within(grid).getByText(title).closest('[role="row"]') as HTMLElement;
      await act(async () => {
        fireEvent.click(within(row).getByRole('checkbox'));
      });
    }
    expect(screen.getByTestId('workflow-selected-count')).toHaveTextContent('已选 2 条');

    // A was decided by a co-approver; B was transferred back and forth (new version)
    api.listTodo.mockResolvedValue(page([{ ...B, task: { ...B.task, version: 9 } }]));
    await act(async () => signals.send('workflow:inbox', { kind: 'changed' }));
    await waitFor(() => expect(screen.getByTestId('workflow-selected-count')).toHaveTextContent('已选 1 条'));

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-batch-approve'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-batch-confirm'));
    });
    expect(api.batchApprove).toHaveBeenCalledWith([{ taskId: 't-b', version: 9 }], undefined);
  });
});

describe('other lists', () => {
  it('已办, 我发起的 and 抄送我的 load their own endpoints with a status filter', async () => {
    const api = fakeWorkflowApi({
      listDone: jest.fn(async () => page([todoItem({ status: 'approved', decidedAt: '2026-03-02T01:00:00.000Z' })])),
      listCc: jest.fn(async () =>
        page([
          {
            id: 'cc-1',
            instance: summary({ title: '抄送的合同' }),
            by: user('sunli'),
            nodeId: null,
            createdAt: '2026-03-02T01:00:00.000Z',
            readAt: null,
          },
        ]),
      ),
    });
    await renderApprovals(api, '/approvals/done?status=approved');
    const done = await screen.findByTestId('workflow-done-grid');
    expect(within(done).getByText('已同意')).toBeInTheDocument();
    expect(api.listDone).toHaveBeenLastCalledWith(
      expect.objectContaining({ status: 'approved', sort: 'decidedAt', order: 'desc' }),
    );

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-tab-cc'));
    });
    const cc = await screen.findByTestId('workflow-cc-grid');
    expect(within(cc).getByText('抄送的合同')).toBeInTheDocument();
    expect(within(cc).getByText('未读')).toBeInTheDocument();
    expect(within(cc).getByText('孙丽')).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-tab-mine'));
    });
    expect(await screen.findByTestId('workflow-mine-empty')).toHaveTextContent('您还没有发起过审批');
  });

  it('offers 审批查询 only to holders of workflow.instance.read', async () => {
    const without = fakeWorkflowApi();
    await renderApprovals(without, '/approvals');
    await screen.findByTestId('workflow-todo-empty');
    expect(screen.queryByTestId('workflow-tab-all')).toBeNull();
    expect(without.getOwnAccess).toHaveBeenCalledWith(user('zhaoqiang'));
  });

  it('shows 审批查询 with the permission', async () => {
    const api = fakeWorkflowApi({
      getOwnAccess: jest.fn(async () => ownAccess(workflowInstanceReadPermission.name)),
      listInstances: jest.fn(async () => page([])),
    });
    await renderApprovals(api, '/approvals');
    await act(async () => {
      fireEvent.click(await screen.findByTestId('workflow-tab-all'));
    });
    expect(await screen.findByTestId('workflow-all-empty')).toBeInTheDocument();
    expect(api.listInstances).toHaveBeenCalled();
  });
});
