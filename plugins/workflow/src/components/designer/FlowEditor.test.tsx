import { useMemo, useState } from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ApprovalStep, BranchGroup, FlowDefinition } from '@cocrm/plugin-workflow-common';
import { CONTRACT_TYPE, definition, fakeApi, ORG, renderWithApis, ROLES } from './__testUtils__';
import { Directory, DirectoryProvider } from './directory';
import { FlowEditor } from './FlowEditor';
import { draftProblems } from './problems';
import { designerMessagesZhCN } from './messages.zh-CN';
import { flattenMessages } from '@cocrm/suite-react';

jest.setTimeout(30_000);

const zh = flattenMessages(designerMessagesZhCN);
const tZh = (key: string, o?: Record<string, string | number>) =>
  (zh[key] ?? key).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(o?.[k] ?? ''));

const DIRECTORY: Directory = {
  users: ORG.users.map(u => ({ ref: u.ref, displayName: u.displayName, title: u.title, departments: u.departments })),
  departments: ORG.departments.map(d => ({ ref: d.ref, displayName: d.displayName, parent: d.parent })),
  roles: ROLES.map(r => ({ key: r.key, name: r.name })),
  loading: false,
};

/** The editor as a page would hold it: the draft in state, every change reported to `spy`. */
function Harness(props: { initial: FlowDefinition; spy: jest.Mock }) {
  const [def, setDef] = useState(props.initial);
  const problems = useMemo(() => draftProblems(def, CONTRACT_TYPE, 'zh-CN', tZh as never), [def]);
  return (
    <DirectoryProvider value={DIRECTORY}>
      <FlowEditor
        definition={def}
        onChange={d => {
          props.spy(d);
          setDef(d);
        }}
        docType={CONTRACT_TYPE}
        docTypeLabel="合同"
        problems={problems}
      />
    </DirectoryProvider>
  );
}

async function renderEditor(initial = definition()) {
  const spy = jest.fn();
  await renderWithApis(fakeApi(), <Harness initial={initial} spy={spy} />);
  const last = (): FlowDefinition => spy.mock.calls[spy.mock.calls.length - 1][0];
  return { spy, last };
}

const select = (testId: string) => screen.getByTestId(testId) as HTMLSelectElement;

async function insert(at: string, kind: 'approval' | 'cc' | 'branch') {
  fireEvent.click(screen.getByTestId(at));
  fireEvent.click(await screen.findByTestId(`designer-add-${kind}`));
}

describe('FlowEditor', () => {
  it('inserts an approval node after the leader and edits its approvers and mode', async () => {
    const { last } = await renderEditor();
    expect(screen.getByTestId('designer-card-start')).toHaveTextContent('发起人');
    expect(screen.getByTestId('designer-end')).toHaveTextContent('流程结束');
    await insert('designer-add-root-1', 'approval');

    let def = last();
    expect(def.steps.map(s => [s.kind, s.name])).toEqual([
      ['approval', '部门负责人审批'],
      ['approval', '审批人'],
    ]);
    const id = def.steps[1].id;
    // the new node is selected and its drawer open; with no approvers it is marked
    const drawer = screen.getByTestId('designer-drawer');
    expect(within(drawer).getByText('审批人节点')).toBeInTheDocument();
    expect(screen.getByTestId(`designer-card-${id}`)).toHaveAttribute('data-selected', 'true');
    expect(screen.getByTestId(`designer-card-${id}-problem`)).toHaveTextContent('节点“审批人”没有设置审批人');

    fireEvent.change(within(drawer).getByTestId('designer-node-name'), { target: { value: '总经理审批' } });
    fireEvent.click(within(drawer).getByTestId('designer-rule-add'));
    fireEvent.change(select('designer-rule-kind-0'), { target: { value: 'role' } });
    fireEvent.change(select('designer-rule-0-role'), { target: { value: 'general-manager' } });
    fireEvent.click(within(drawer).getByTestId('designer-rule-add'));
    fireEvent.change(select('designer-rule-kind-1'), { target: { value: 'supervisorChain' } });
    fireEvent.change(select('designer-rule-1-level'), { target: { value: '3' } });
    fireEvent.click(screen.getByTestId('designer-mode-ratio'));
    fireEvent.change(screen.getByTestId('designer-ratio'), { target: { value: '60' } });

    def = last();
    expect(def.steps[1]).toEqual({
      kind: 'approval',
      id,
      name: '总经理审批',
      mode: 'ratio',
      ratio: 60,
      approvers: [
        { kind: 'role', role: 'general-manager' },
        { kind: 'supervisorChain', upToLevel: 3 },
      ],
    });
    expect(screen.queryByTestId(`designer-card-${id}-problem`)).toBeNull();
    expect(screen.getByTestId(`designer-card-${id}`)).toHaveTextContent('角色：总经理；连续多级主管（至第 3 级）');
  });

  it('adds a branch with an amount condition entered in 元 and stored in 分, the default branch kept last', async () => {
    const { last } = await renderEditor();
    await insert('designer-add-root-1', 'branch');
    let group = last().steps[1] as BranchGroup;
    expect(group.kind).toBe('branch');
    const [first, fallback] = group.branches;
    expect(fallback).toMatchObject({ name: '其他情况', isDefault: true });
    expect(screen.getByTestId(`designer-card-${fallback.id}`)).toHaveTextContent('默认');

    // the first condition branch is open for its conditions
    const drawer = screen.getByTestId('designer-drawer');
    fireEvent.click(within(drawer).getByTestId('designer-cond-add'));
    expect(select('designer-cond-field-0').value).toBe('amount');
    fireEvent.change(select('designer-cond-op-0'), { target: { value: 'gt' } });
    fireEvent.change(screen.getByTestId('designer-cond-value-0'), { target: { value: '1,000,000.5' } });
    group = last().steps[1] as BranchGroup;
    expect(group.branches[0].conditions).toEqual([{ field: 'amount', op: 'gt', value: 100_000_050 }]);
    // an amount that is not one is refused on the spot and leaves the stored value alone
    fireEvent.change(screen.getByTestId('designer-cond-value-0'), { target: { value: '12.345' } });
    expect(within(drawer).getByText('请输入金额（元），最多两位小数')).toBeInTheDocument();
    expect((last().steps[1] as BranchGroup).branches[0].conditions[0].value).toBe(100_000_050);
    fireEvent.change(screen.getByTestId('designer-cond-value-0'), { target: { value: '1000000' } });
    expect(screen.getByTestId(`designer-card-${first.id}`)).toHaveTextContent('金额 > 1000000 元');

    // 添加条件 adds before the default; moving left swaps priorities, the default stays last
    fireEvent.click(screen.getByTestId(`designer-add-condition-${group.id}`));
    group = last().steps[1] as BranchGroup;
    expect(group.branches.map(b => [b.name, b.priority, !!b.isDefault])).toEqual([
      ['条件1', 0, false],
      ['条件2', 1, false],
      ['其他情况', 2, true],
    ]);
    const second = group.branches[1];
    expect(screen.getByTestId(`designer-branch-right-${second.id}`)).toBeDisabled();
    fireEvent.click(screen.getByTestId(`designer-branch-left-${second.id}`));
    group = last().steps[1] as BranchGroup;
    expect(group.branches.map(b => [b.id, b.priority, !!b.isDefault])).toEqual([
      [second.id, 0, false],
      [first.id, 1, false],
      [fallback.id, 2, true],
    ]);
    expect(group.branches[1].conditions).toEqual([{ field: 'amount', op: 'gt', value: 100_000_000 }]);
    // the default branch offers neither moving nor deleting
    expect(screen.queryByTestId(`designer-branch-left-${fallback.id}`)).toBeNull();
    expect(screen.queryByTestId(`designer-card-${fallback.id}-delete`)).toBeNull();
    // the columns show in priority order
    const columns = screen.getAllByTestId(/^designer-column-/).map(el => el.getAttribute('data-testid'));
    expect(columns).toEqual([`designer-column-${second.id}`, `designer-column-${first.id}`, `designer-column-${fallback.id}`]);
  });

  it('offers the operators that fit the field kind and tests text fields of the document type', async () => {
    const { last } = await renderEditor();
    await insert('designer-add-root-1', 'branch');
    fireEvent.click(screen.getByTestId('designer-cond-add'));
    fireEvent.change(select('designer-cond-field-0'), { target: { value: 'contractType' } });
    expect([...select('designer-cond-op-0').options].map(o => o.value)).toEqual(['eq', 'ne', 'in', 'contains']);
    fireEvent.change(screen.getByTestId('designer-cond-value-0'), { target: { value: '框架合同' } });
    const group = last().steps[1] as BranchGroup;
    expect(group.branches[0].conditions).toEqual([{ field: 'contractType', op: 'eq', value: '框架合同' }]);
    fireEvent.change(select('designer-cond-field-0'), { target: { value: 'amount' } });
    expect([...select('designer-cond-op-0').options].map(o => o.value)).toEqual(['gte', 'gt', 'lte', 'lt', 'eq', 'ne']);
  });

  it('deletes with the Delete key after confirming, and closes the drawer with Escape', async () => {
    const { last } = await renderEditor();
    await insert('designer-add-root-1', 'cc');
    const cc = last().steps[1];
    expect(screen.getByTestId('designer-drawer')).toBeInTheDocument();
    fireEvent.keyDown(document, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('designer-drawer')).toBeNull());

    const button = screen.getByTestId(`designer-card-${cc.id}-button`);
    fireEvent.click(button);
    expect(screen.getByTestId('designer-drawer')).toBeInTheDocument();
    fireEvent.keyDown(button, { key: 'Delete' });
    const dialog = await screen.findByTestId('designer-remove-confirm-dialog');
    expect(dialog).toHaveTextContent('删除“抄送人”？');
    fireEvent.click(within(dialog).getByTestId('designer-remove-confirm'));
    await waitFor(() => expect(last().steps.map(s => s.id)).toEqual(['leader']));
    await waitFor(() => expect(screen.queryByTestId('designer-drawer')).toBeNull());
  });

  it('asks before deleting a branch group that holds steps, and deletes an empty node at once', async () => {
    const { last } = await renderEditor();
    await insert('designer-add-root-1', 'branch');
    const group = last().steps[1] as BranchGroup;
    await insert(`designer-add-${group.branches[0].id}-0`, 'approval');
    const inner = (last().steps[1] as BranchGroup).branches[0].steps[0] as ApprovalStep;
    expect(inner.kind).toBe('approval');

    fireEvent.click(screen.getByTestId(`designer-card-${group.id}-delete`));
    const dialog = await screen.findByTestId('designer-remove-confirm-dialog');
    expect(dialog).toHaveTextContent('其中的 1 个节点将一并删除。');
    fireEvent.click(within(dialog).getByTestId('designer-remove-confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('designer-remove-confirm-dialog')).toBeNull());
    expect(last().steps).toHaveLength(2);

    // an empty node goes without asking
    fireEvent.click(screen.getByTestId(`designer-card-${inner.id}-delete`));
    expect((last().steps[1] as BranchGroup).branches[0].steps).toEqual([]);
  });

  it('edits the time limit and the empty-approver override of a node', async () => {
    const { last } = await renderEditor();
    fireEvent.click(screen.getByTestId('designer-card-leader-button'));
    fireEvent.click(screen.getByTestId('designer-timelimit'));
    fireEvent.change(screen.getByTestId('designer-timelimit-hours'), { target: { value: '48' } });
    fireEvent.change(screen.getByTestId('designer-timelimit-remind'), { target: { value: '4' } });
    fireEvent.change(select('designer-timelimit-action'), { target: { value: 'escalate' } });
    fireEvent.change(select('designer-node-empty'), { target: { value: 'autoPass' } });
    expect(last().steps[0]).toMatchObject({
      timeLimit: { hours: 48, remindBeforeHours: 4, onTimeout: 'escalate' },
      emptyApprover: { kind: 'autoPass' },
    });
  });
});
