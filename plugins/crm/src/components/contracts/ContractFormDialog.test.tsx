import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrmApiError } from '../../api/CrmClient';
import { accessView, contract, fakeCrmApi, testApis } from '../../__testUtils__';
import { ContractFormDialog } from './ContractFormDialog';

jest.setTimeout(30_000);

const CUSTOMER = { id: '11111111-1111-4111-8111-111111111111', name: '上海浦江精密机械有限公司' };

function input(testId: string) {
  return screen.getByTestId(testId) as HTMLInputElement;
}

async function renderForm(api = fakeCrmApi(), props: Partial<Parameters<typeof ContractFormDialog>[0]> = {}) {
  const onSaved = jest.fn();
  await renderInTestApp(<ContractFormDialog open onClose={jest.fn()} onSaved={onSaved} {...props} />, { apis: testApis(api) });
  // the fields appear once the user's field rules are known
  await screen.findByTestId('crm-contract-name');
  return { api, onSaved };
}

describe('ContractFormDialog', () => {
  it('checks the fields in zh-CN before sending anything', async () => {
    const { api } = await renderForm();
    fireEvent.change(input('crm-contract-startDate'), { target: { value: '2026-12-01' } });
    fireEvent.change(input('crm-contract-endDate'), { target: { value: '2026-11-01' } });
    fireEvent.change(input('crm-contract-amount'), { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('crm-contract-submit'));
    expect(await screen.findByText('此项必填')).toBeInTheDocument();
    expect(screen.getByText('请选择客户')).toBeInTheDocument();
    expect(screen.getByText('请输入大于 0 的金额（元），最多两位小数')).toBeInTheDocument();
    expect(screen.getByText('结束日期不能早于开始日期')).toBeInTheDocument();
    expect(screen.getByText('提交的数据有误，请检查标红的字段')).toBeInTheDocument();
    expect(api.createContract).not.toHaveBeenCalled();
  });

  it('creates a contract for the given customer with the amount in 分 and the signed-in user as owner (not sent)', async () => {
    const api = fakeCrmApi({ createContract: jest.fn(async () => contract()) });
    const { onSaved } = await renderForm(api, { customer: CUSTOMER });
    fireEvent.change(input('crm-contract-name'), { target: { value: ' 年度设备采购合同 ' } });
    fireEvent.change(input('crm-contract-amount'), { target: { value: '1,500,000.5' } });
    fireEvent.change(input('crm-contract-signedAt'), { target: { value: '2026-03-01' } });
    fireEvent.change(input('crm-contract-paymentTerms'), { target: { value: '签约后付 30%' } });
    fireEvent.click(screen.getByTestId('crm-contract-submit'));
    await waitFor(() => expect(api.createContract).toHaveBeenCalledTimes(1));
    const body = api.createContract.mock.calls[0][0];
    expect(body).toMatchObject({
      name: ' 年度设备采购合同 ',
      customerId: CUSTOMER.id,
      amount: { amount: 150_000_050, currency: 'CNY' },
      contractType: 'sales',
      format: 'standard',
      signedAt: '2026-03-01',
      paymentTerms: '签约后付 30%',
      startDate: null,
    });
    expect(Number.isInteger(body.amount.amount)).toBe(true);
    // 负责人 defaults to the creator on the server; naming oneself is no 分配
    expect(body).not.toHaveProperty('owner');
    expect(body).not.toHaveProperty('ownerDepartment');
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
  });

  it('sends only what the user may write, with the version, and shows server field errors under the fields', async () => {
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ readOnly: { contract: ['keyTerms'] }, hidden: { contract: ['standard'] }, can: { contract: { assign: false } } })),
      updateContract: jest.fn(async () => {
        throw new CrmApiError(400, { error: { name: 'InputError', message: '提交的数据有误，请检查标红的字段', fields: { endDate: '结束日期不能早于开始日期' } } });
      }),
    });
    await renderForm(api, { contract: contract({ version: 7 }) });
    expect(screen.queryByTestId('crm-contract-standard')).toBeNull();
    expect(input('crm-contract-keyTerms')).toBeDisabled();
    fireEvent.change(input('crm-contract-remark'), { target: { value: '补充说明' } });
    fireEvent.click(screen.getByTestId('crm-contract-submit'));
    await waitFor(() => expect(api.updateContract).toHaveBeenCalledTimes(1));
    const [id, patch] = api.updateContract.mock.calls[0];
    expect(id).toBe('55555555-5555-4555-8555-555555555555');
    expect(patch).toMatchObject({ version: 7, remark: '补充说明', amount: { amount: 150_000_000, currency: 'CNY' } });
    expect(patch).not.toHaveProperty('keyTerms');
    expect(patch).not.toHaveProperty('standard');
    expect(patch).not.toHaveProperty('owner');
    expect(patch).not.toHaveProperty('customerId');
    expect(await screen.findByText('结束日期不能早于开始日期')).toBeInTheDocument();
  });
});
