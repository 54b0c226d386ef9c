import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrmApiError } from '../../api/CrmClient';
import { customer, fakeCrmApi, testApis } from '../../__testUtils__';
import { CustomerFormDialog } from './CustomerFormDialog';
import { parseYuanToFen } from '../common/format';

function input(testId: string) {
  return screen.getByTestId(testId) as HTMLInputElement;
}

async function renderForm(api = fakeCrmApi(), props: Partial<Parameters<typeof CustomerFormDialog>[0]> = {}) {
  const onSaved = jest.fn();
  await renderInTestApp(<CustomerFormDialog open onClose={jest.fn()} onSaved={onSaved} {...props} />, {
    apis: testApis(api),
  });
  return { api, onSaved };
}

jest.setTimeout(30_000);

describe('CustomerFormDialog', () => {
  it('parses 元 into integer 分 without floating point', () => {
    expect(parseYuanToFen('1,234,567.89')).toBe(123456789);
    expect(parseYuanToFen('0.1')).toBe(10);
    expect(parseYuanToFen('１２.３')).toBe(1230);
    expect(parseYuanToFen('')).toBeNull();
    expect(parseYuanToFen('1.234')).toBeUndefined();
    expect(parseYuanToFen('abc')).toBeUndefined();
  });

  it('shows client-side field errors (invalid 统一社会信用代码) and does not call the API', async () => {
    const { api } = await renderForm();
    fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
    fireEvent.change(input('crm-field-unifiedSocialCreditCode'), { target: { value: '91310000123' } });
    fireEvent.click(screen.getByTestId('crm-customer-submit'));
    expect(await screen.findByText('统一社会信用代码无效（18 位，校验位需符合 GB 32100）')).toBeInTheDocument();
    expect(screen.getByText('提交的数据有误，请检查标红的字段')).toBeInTheDocument();
    expect(api.createCustomer).not.toHaveBeenCalled();
  });

  it('requires a name', async () => {
    const { api } = await renderForm();
    fireEvent.click(screen.getByTestId('crm-customer-submit'));
    expect(await screen.findByText('此项必填')).toBeInTheDocument();
    expect(api.createCustomer).not.toHaveBeenCalled();
  });

  it('sends money as integer 分, defaults the account manager to me, and submits with Enter', async () => {
    const api = fakeCrmApi();
    const { onSaved } = await renderForm(api);
    await waitFor(() => expect(screen.getByText('zhouhao')).toBeInTheDocument());
    fireEvent.change(input('crm-field-name'), { target: { value: '  杭州西湖科技有限公司 ' } });
    fireEvent.change(input('crm-field-annualRevenue'), { target: { value: '1,234,567.89' } });
    fireEvent.change(input('crm-field-expectedPurchase'), { target: { value: '50000' } });
    await userEvent.type(input('crm-field-shortName'), '西湖科技{enter}');
    await waitFor(() => expect(api.createCustomer).toHaveBeenCalledTimes(1));
    const body = api.createCustomer.mock.calls[0][0];
    expect(body.annualRevenue).toEqual({ amount: 123456789, currency: 'CNY' });
    expect(body.expectedPurchase).toEqual({ amount: 5000000, currency: 'CNY' });
    expect(Number.isInteger(body.annualRevenue.amount)).toBe(true);
    expect(body.accountManagers).toEqual(['user:default/zhouhao']);
    expect(body.shortName).toBe('西湖科技');
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
  });

  it('rejects an invalid amount locally', async () => {
    const { api } = await renderForm();
    fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
    fireEvent.change(input('crm-field-annualRevenue'), { target: { value: '12.345' } });
    fireEvent.click(screen.getByTestId('crm-customer-submit'));
    expect(await screen.findByText('请输入以元为单位的金额，最多两位小数')).toBeInTheDocument();
    expect(api.createCustomer).not.toHaveBeenCalled();
  });

  it('shows field errors from a 400 answer under the fields', async () => {
    const api = fakeCrmApi({
      createCustomer: jest.fn().mockRejectedValue(
        new CrmApiError(400, {
          error: {
            name: 'InputError',
            message: '提交的数据有误，请检查标红的字段',
            fields: { phone: '电话格式不正确（例如 021-58881234 或 13812345678）' },
          },
        }),
      ),
    });
    await renderForm(api);
    fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
    fireEvent.click(screen.getByTestId('crm-customer-submit'));
    expect(await screen.findByText('电话格式不正确（例如 021-58881234 或 13812345678）')).toBeInTheDocument();
    expect(screen.getByTestId('crm-error-alert')).toHaveTextContent('提交的数据有误');
    expect(input('crm-field-phone')).toHaveAttribute('aria-invalid', 'true');
  });

  it('links to the existing customer on a duplicate (409)', async () => {
    const api = fakeCrmApi({
      createCustomer: jest.fn().mockRejectedValue(
        new CrmApiError(409, {
          error: {
            name: 'ConflictError',
            message: '客户名称“测试公司”已存在（KH000009）',
            existing: { type: 'customer', id: '99999999-9999-4999-8999-999999999999', number: 'KH000009', name: '测试公司' },
          },
        }),
      ),
    });
    await renderForm(api);
    fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
    fireEvent.click(screen.getByTestId('crm-customer-submit'));
    const link = await screen.findByTestId('crm-duplicate-link');
    expect(link).toHaveAttribute('href', '/crm/customers/99999999-9999-4999-8999-999999999999');
    expect(link).toHaveTextContent('查看已有客户 KH000009 测试公司');
    expect(screen.getByText('客户名称“测试公司”已存在（KH000009）')).toBeInTheDocument();
  });

  it('sends the version when editing and offers reload on a stale version', async () => {
    const onReload = jest.fn();
    const api = fakeCrmApi({
      updateCustomer: jest.fn().mockRejectedValue(
        new CrmApiError(409, { error: { name: 'ConflictError', message: '该记录已被他人修改，请刷新后重试' } }),
      ),
    });
    await renderForm(api, { customer: customer({ accountManagers: [] }), onReload });
    expect(input('crm-field-annualRevenue').value).toBe('1234567.89');
    fireEvent.click(screen.getByTestId('crm-customer-submit'));
    await waitFor(() => expect(api.updateCustomer).toHaveBeenCalled());
    const [id, body] = api.updateCustomer.mock.calls[0];
    expect(id).toBe('11111111-1111-4111-8111-111111111111');
    expect(body.version).toBe(3);
    expect(body.annualRevenue).toEqual({ amount: 123456789, currency: 'CNY' });
    expect(await screen.findByTestId('crm-stale-alert')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: '重新加载' }));
    expect(onReload).toHaveBeenCalled();
  });
});
