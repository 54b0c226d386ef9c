import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { FlowDefinition } from '@cocrm/plugin-workflow-common';
import { WorkflowApiError } from '../../api/WorkflowClient';
import { definition, fakeApi, FakeWorkflowApi, flow, flowWithCurrent, renderDesigner } from './__testUtils__';

jest.setTimeout(30_000);

const select = (testId: string) => screen.getByTestId(testId) as HTMLSelectElement;

async function openDesigner(api: FakeWorkflowApi = fakeApi()) {
  await renderDesigner(api);
  await screen.findByTestId('designer-page');
  // editing waits for the permission answer
  await screen.findByTestId('designer-add-root-0');
  return api;
}

/** Inserts a CC node to 王建国 after the leader: a valid change that makes the draft dirty. */
async function addCcToGm() {
  fireEvent.click(screen.getByTestId('designer-add-root-1'));
  fireEvent.click(await screen.findByTestId('designer-add-cc'));
  fireEvent.click(screen.getByTestId('designer-rule-add'));
  fireEvent.change(select('designer-rule-kind-0'), { target: { value: 'role' } });
  fireEvent.change(select('designer-rule-0-role'), { target: { value: 'general-manager' } });
}

describe('FlowDesignerPage', () => {
  it('shows the current version and publishes an edit with the version it was loaded at', async () => {
    const api = await openDesigner();
    expect(api.getFlow).toHaveBeenCalledWith('f1');
    expect(screen.getByTestId('designer-title')).toHaveTextContent('合同审批');
    expect(screen.getByTestId('designer-version')).toHaveTextContent('版本 3');
    expect(screen.getByText('合同')).toBeInTheDocument();
    // nothing changed: nothing to publish
    expect(screen.getByTestId('designer-publish')).toBeDisabled();
    expect(screen.queryByTestId('designer-dirty')).toBeNull();

    await addCcToGm();
    expect(screen.getByTestId('designer-dirty')).toHaveTextContent('有未发布的更改');
    expect(screen.queryByTestId('designer-problems')).toBeNull();
    fireEvent.click(screen.getByTestId('designer-publish'));

    await waitFor(() => expect(api.publishFlow).toHaveBeenCalledTimes(1));
    const [flowId, version, def] = api.publishFlow.mock.calls[0] as [string, number, FlowDefinition];
    expect(flowId).toBe('f1');
    expect(version).toBe(5);
    expect(def.steps).toEqual([
      definition().steps[0],
      { kind: 'cc', id: expect.stringMatching(/^cc-/), name: '抄送人', recipients: [{ kind: 'role', role: 'general-manager' }] },
    ]);
    // the server checked the same draft first
    expect(api.checkFlow).toHaveBeenCalledWith(def);
    expect(await screen.findByText('已发布版本 4')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('designer-dirty')).toBeNull());
    expect(screen.getByTestId('designer-version')).toHaveTextContent('版本 4');
    // the versions list is refreshed for the new version
    expect(api.listFlowVersions).toHaveBeenCalledTimes(2);
  });

  it('blocks publishing while the draft has problems, shows them and marks the card', async () => {
    const api = await openDesigner();
    fireEvent.click(screen.getByTestId('designer-card-leader-button'));
    fireEvent.click(screen.getByTestId('designer-rule-remove-0'));

    const panel = await screen.findByTestId('designer-problems');
    expect(panel).toHaveTextContent('发布前需解决 1 个问题');
    expect(panel).toHaveTextContent('节点“部门负责人审批”没有设置审批人');
    expect(screen.getByTestId('designer-card-leader')).toHaveAttribute('data-problems', '1');
    expect(screen.getByTestId('designer-publish')).toBeDisabled();
    // what the schema refuses is located too; an unnamed node is called by its kind
    fireEvent.change(screen.getByTestId('designer-node-name'), { target: { value: '' } });
    expect(panel).toHaveTextContent('发布前需解决 2 个问题');
    expect(panel).toHaveTextContent('节点“审批人”：“名称”此项必填');
    expect(screen.getByTestId('designer-card-leader')).toHaveAttribute('data-problems', '2');
    fireEvent.change(screen.getByTestId('designer-node-name'), { target: { value: '部门负责人审批' } });

    // a problem is a way to its card
    fireEvent.keyDown(document, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('designer-drawer')).toBeNull());
    fireEvent.click(screen.getByTestId('designer-problem-0'));
    expect(screen.getByTestId('designer-card-leader')).toHaveAttribute('data-selected', 'true');
    expect(within(screen.getByTestId('designer-drawer')).getByTestId('designer-drawer-problems')).toHaveTextContent('没有设置审批人');
    expect(api.checkFlow).not.toHaveBeenCalled();
    expect(api.publishFlow).not.toHaveBeenCalled();
  });

  it('shows what the server check finds and does not publish', async () => {
    const api = fakeApi({
      checkFlow: jest.fn(async () => ({
        problems: [
          {
            code: 'unknownField',
            nodeId: 'leader',
            message: { 'zh-CN': '节点“部门负责人审批”的条件引用了不存在的字段“region”', en: 'unknown field region' },
          },
        ],
      })),
    });
    await openDesigner(api);
    await addCcToGm();
    fireEvent.click(screen.getByTestId('designer-publish'));
    expect(await screen.findByTestId('designer-check-failed')).toHaveTextContent('服务端校验发现流程存在问题');
    expect(screen.getByTestId('designer-problems')).toHaveTextContent('不存在的字段“region”');
    expect(screen.getByTestId('designer-card-leader')).toHaveAttribute('data-problems', '1');
    expect(screen.getByTestId('designer-publish')).toBeDisabled();
    expect(api.publishFlow).not.toHaveBeenCalled();
  });

  it('answers a 409 with the server message and reloads the newest version on request', async () => {
    const api = fakeApi({
      publishFlow: jest.fn(async () => {
        throw new WorkflowApiError(409, { error: { name: 'ConflictError', message: '该流程已被他人修改，请刷新后重试' } });
      }),
    });
    await openDesigner(api);
    await addCcToGm();
    fireEvent.click(screen.getByTestId('designer-publish'));
    const alert = await screen.findByTestId('designer-publish-stale-alert');
    expect(alert).toHaveTextContent('该流程已被他人修改，请刷新后重试');
    expect(api.publishFlow).toHaveBeenCalledWith('f1', 5, expect.anything());

    // meanwhile someone published version 4
    api.getFlow.mockResolvedValueOnce(flowWithCurrent(definition({ name: '合同审批（新）' }), flow({ currentVersion: 4, version: 6 })));
    fireEvent.click(within(alert).getByTestId('designer-publish-reload'));
    // the unpublished changes go only after confirming
    const dialog = await screen.findByTestId('designer-reload-confirm-dialog');
    fireEvent.click(within(dialog).getByTestId('designer-reload-confirm'));
    await waitFor(() => expect(screen.getByTestId('designer-version')).toHaveTextContent('版本 4'));
    expect(screen.getByTestId('designer-title')).toHaveTextContent('合同审批（新）');
    expect(screen.queryByTestId('designer-dirty')).toBeNull();
    expect(screen.queryByTestId('designer-publish-stale-alert')).toBeNull();
  });

  it('edits the flow settings and publishes the policies', async () => {
    const api = await openDesigner();
    fireEvent.click(screen.getByTestId('designer-settings'));
    const drawer = screen.getByTestId('designer-drawer');
    expect(drawer).toHaveTextContent('流程设置');
    fireEvent.change(within(drawer).getByTestId('designer-flow-name'), { target: { value: '合同审批（2026）' } });
    fireEvent.change(select('designer-flow-duplicate'), { target: { value: 'askAgain' } });
    fireEvent.change(select('designer-flow-resubmit'), { target: { value: 'jump-back' } });
    fireEvent.change(select('designer-flow-empty'), { target: { value: 'user' } });
    // handing to a person needs the person
    expect(await screen.findByTestId('designer-problems')).toHaveTextContent('流程设置：“转交给”取值无效');
    fireEvent.change(select('designer-flow-empty'), { target: { value: 'autoPass' } });
    await waitFor(() => expect(screen.queryByTestId('designer-problems')).toBeNull());
    expect(screen.getByTestId('designer-title')).toHaveTextContent('合同审批（2026）');
    fireEvent.click(screen.getByTestId('designer-publish'));
    await waitFor(() => expect(api.publishFlow).toHaveBeenCalledTimes(1));
    expect(api.publishFlow.mock.calls[0][2]).toMatchObject({
      name: '合同审批（2026）',
      policies: { emptyApprover: { kind: 'autoPass' }, duplicateApprover: 'askAgain', resubmit: 'jump-back' },
    });
  });

  it('lists the versions with their approvals and shows an older one read-only', async () => {
    const api = await openDesigner();
    fireEvent.click(screen.getByTestId('designer-tab-versions'));
    const v3 = await screen.findByTestId('designer-version-3');
    expect(v3).toHaveTextContent('版本 3');
    expect(v3).toHaveTextContent('当前');
    expect(screen.getByTestId('designer-version-3-counts')).toHaveTextContent('2 / 4');
    expect(screen.getByTestId('designer-version-2')).toHaveTextContent('王建国');
    expect(screen.getByTestId('designer-version-2-counts')).toHaveTextContent('1 / 7');

    fireEvent.click(screen.getByTestId('designer-version-2-view'));
    const view = await screen.findByTestId('designer-version-view');
    expect(api.getFlowVersion).toHaveBeenCalledWith('f1', 2);
    expect(view).toHaveTextContent('版本 2（只读）');
    expect(within(view).getByTestId('designer-card-gm')).toHaveTextContent('角色：总经理');
    // read-only: no inserting, no deleting; the drawer opens with disabled fields
    expect(within(view).queryByTestId('designer-add-root-0')).toBeNull();
    expect(within(view).queryByTestId('designer-card-gm-delete')).toBeNull();
    fireEvent.click(within(view).getByTestId('designer-card-gm-button'));
    expect(within(view).getByTestId('designer-node-name')).toBeDisabled();

    fireEvent.click(screen.getByTestId('designer-version-back'));
    expect(await screen.findByTestId('designer-add-root-0')).toBeInTheDocument();
  });

  it('asks before leaving with unpublished changes', async () => {
    await openDesigner();
    await addCcToGm();
    fireEvent.click(screen.getByTestId('designer-back'));
    const dialog = await screen.findByTestId('designer-leave-confirm-dialog');
    expect(dialog).toHaveTextContent('对该流程的更改尚未发布');
    fireEvent.click(within(dialog).getByTestId('designer-leave-confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('designer-leave-confirm-dialog')).toBeNull());
    expect(screen.getByTestId('designer-page')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('designer-back'));
    fireEvent.click(within(await screen.findByTestId('designer-leave-confirm-dialog')).getByTestId('designer-leave-confirm'));
    expect(await screen.findByTestId('designer-flow-list')).toBeInTheDocument();
  });

  it('warns when the document type is not registered', async () => {
    await openDesigner(fakeApi({ listDocumentTypes: jest.fn(async () => []) }));
    expect(await screen.findByTestId('designer-unknown-type')).toHaveTextContent('单据类型“contract”未注册');
  });
});
