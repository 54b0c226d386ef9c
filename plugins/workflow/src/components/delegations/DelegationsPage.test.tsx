import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Delegation } from '@cocrm/plugin-workflow-common';
import { WorkflowApiError } from '../../api/WorkflowClient';
import { fakeWorkflowApi, renderApprovals, user } from '../../__testUtils__';
import { shanghaiDay } from '../common/format';
import type { WorkflowTranslate } from '../common/i18n';
import { checkDelegation } from './validation';

jest.setTimeout(30_000);

const tomorrow = shanghaiDay(new Date(), 1);
const nextWeek = shanghaiDay(new Date(), 7);

const ACTIVE: Delegation = {
  id: 'd-1',
  delegator: user('zhaoqiang'),
  delegate: user('sunli'),
  documentTypes: null,
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: '2099-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  revokedAt: null,
};

async function openForm() {
  await act(async () => {
    fireEvent.click(await screen.findByTestId('workflow-delegation-new'));
  });
  return screen.getByTestId('workflow-delegation-dialog');
}

async function pickDelegate(dialog: HTMLElement, name: string) {
  fireEvent.change(within(dialog).getByTestId('workflow-delegation-delegate'), { target: { value: name } });
  fireEvent.click(await screen.findByRole('option', { name: new RegExp(name) }));
}

describe('委托', () => {
  it('lists delegations with their state and revokes one', async () => {
    const api = fakeWorkflowApi({
      listDelegations: jest.fn(async () => [
        ACTIVE,
        {
          ...ACTIVE,
          id: 'd-2',
          delegate: user('wufang'),
          documentTypes: ['crm.contract'],
          revokedAt: '2026-02-01T00:00:00.000Z',
        },
      ]),
    });
    await renderApprovals(api, '/approvals/delegations');
    const table = await screen.findByTestId('workflow-delegations-table');
    const active = within(table).getByTestId('workflow-delegation-d-1');
    expect(active).toHaveTextContent('孙丽');
    expect(active).toHaveTextContent('全部单据类型');
    expect(active).toHaveTextContent('生效中');
    const revoked = within(table).getByTestId('workflow-delegation-d-2');
    expect(revoked).toHaveTextContent('合同');
    expect(revoked).toHaveTextContent('已撤销');
    expect(within(revoked).queryByRole('button')).toBeNull();

    await act(async () => {
      fireEvent.click(within(active).getByTestId('workflow-delegation-revoke-d-1'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('workflow-confirm'));
    });
    expect(api.revokeDelegation).toHaveBeenCalledWith('d-1');
    await waitFor(() => expect(api.listDelegations).toHaveBeenCalledTimes(2));
  });

  it('says so when there are none', async () => {
    await renderApprovals(fakeWorkflowApi(), '/approvals/delegations');
    expect(await screen.findByTestId('workflow-delegations-empty')).toHaveTextContent('暂无委托');
  });

  it('validates the form before sending: delegate, types, an end after the start', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, '/approvals/delegations');
    const dialog = await openForm();
    fireEvent.click(within(dialog).getByTestId('workflow-delegation-some'));
    fireEvent.change(within(dialog).getByTestId('workflow-delegation-starts'), {
      target: { value: `${nextWeek}T09:00` },
    });
    fireEvent.change(within(dialog).getByTestId('workflow-delegation-ends'), {
      target: { value: `${tomorrow}T09:00` },
    });
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-delegation-save'));
    });
    expect(api.createDelegation).not.toHaveBeenCalled();
    expect(dialog).toHaveTextContent('请选择受托人');
    expect(within(dialog).getByTestId('workflow-delegation-types-error')).toHaveTextContent('请至少选择一种单据类型');
    expect(dialog).toHaveTextContent('结束时间须晚于开始时间');
  });

  it('creates a delegation for some types with Shanghai times as instants', async () => {
    const api = fakeWorkflowApi({ createDelegation: jest.fn(async () => ACTIVE) });
    await renderApprovals(api, '/approvals/delegations');
    const dialog = await openForm();
    await pickDelegate(dialog, '孙丽');
    fireEvent.click(within(dialog).getByTestId('workflow-delegation-some'));
    fireEvent.click(within(dialog).getByTestId('workflow-delegation-type-crm.contract'));
    fireEvent.change(within(dialog).getByTestId('workflow-delegation-starts'), {
      target: { value: `${tomorrow}T09:00` },
    });
    fireEvent.change(within(dialog).getByTestId('workflow-delegation-ends'), {
      target: { value: `${nextWeek}T18:00` },
    });
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-delegation-save'));
    });
    expect(api.createDelegation).toHaveBeenCalledWith({
      delegate: user('sunli'),
      documentTypes: ['crm.contract'],
      // 09:00 in Shanghai is 01:00 UTC
      startsAt: `${tomorrow}T01:00:00.000Z`,
      endsAt: `${nextWeek}T10:00:00.000Z`,
    });
    expect(await screen.findByTestId('workflow-notify')).toHaveTextContent('委托已创建');
  });

  it("shows the backend's refusal in the form", async () => {
    const api = fakeWorkflowApi({
      createDelegation: jest.fn(async () => {
        throw new WorkflowApiError(400, {
          error: { name: 'InputError', message: '提交的数据有误，请检查标红的字段', fields: { endsAt: '取值无效' } },
        });
      }),
    });
    await renderApprovals(api, '/approvals/delegations');
    const dialog = await openForm();
    await pickDelegate(dialog, '孙丽');
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('workflow-delegation-save'));
    });
    expect(api.createDelegation).toHaveBeenCalled();
    expect(dialog).toHaveTextContent('取值无效');
    expect(within(dialog).getByTestId('workflow-error-alert')).toHaveTextContent('提交的数据有误');
  });
});

describe('checkDelegation', () => {
  const t: WorkflowTranslate = key => key;
  const now = new Date('2026-03-01T00:00:00.000Z');
  const base = {
    delegate: user('sunli'),
    allTypes: true,
    documentTypes: [],
    startsAt: '2026-03-02T09:00',
    endsAt: '2026-03-09T18:00',
  };

  it('accepts a well-formed draft and converts Shanghai wall time', () => {
    expect(checkDelegation(base, { me: user('zhaoqiang'), now, t })).toEqual({
      errors: {},
      startsAt: '2026-03-02T01:00:00.000Z',
      endsAt: '2026-03-09T10:00:00.000Z',
    });
  });

  it('refuses oneself, a past end and garbage dates', () => {
    expect(
      checkDelegation({ ...base, delegate: user('ZhaoQiang') }, { me: user('zhaoqiang'), now, t }).errors.delegate,
    ).toBe('delegations.errors.self');
    expect(
      checkDelegation({ ...base, startsAt: '2026-02-01T09:00', endsAt: '2026-02-02T09:00' }, { me: undefined, now, t })
        .errors.endsAt,
    ).toBe('delegations.errors.endInPast');
    expect(checkDelegation({ ...base, startsAt: 'soon' }, { me: undefined, now, t }).errors.startsAt).toBe(
      'delegations.errors.invalidDate',
    );
  });
});
