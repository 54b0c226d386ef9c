import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CrmApiError } from '../../api/CrmClient';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { accessView, customer, fakeCrmApi, testApis } from '../../__testUtils__';
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
  // the fields appear once the user's field rules are known
  await screen.findByTestId('crm-field-name');
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

  describe('邮箱域名', () => {
    it('turns typed and pasted domains into normalised chips and sends them with what is still typed', async () => {
      const { api } = await renderForm();
      fireEvent.change(input('crm-field-name'), { target: { value: '华信控股集团有限公司' } });
      await userEvent.type(input('crm-field-mailDomains'), 'HuaXin-Group.com.cn{enter}');
      // a pasted list with a full-width comma, the last part still being typed
      fireEvent.change(input('crm-field-mailDomains'), { target: { value: 'huaxin.cn，ＨＸ-Tech.com, huaxin-holdings' } });
      expect(screen.getAllByTestId('crm-mail-domain-chip').map(c => c.textContent)).toEqual(['huaxin-group.com.cn', 'huaxin.cn', 'hx-tech.com']);
      expect(input('crm-field-mailDomains').value).toBe('huaxin-holdings');
      await userEvent.type(input('crm-field-mailDomains'), '.com');
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.createCustomer).toHaveBeenCalledTimes(1));
      expect(api.createCustomer.mock.calls[0][0].mailDomains).toEqual(['huaxin-group.com.cn', 'huaxin.cn', 'hx-tech.com', 'huaxin-holdings.com']);
    });

    it('refuses a free-mail domain in Chinese on the field, before asking the server', async () => {
      const { api } = await renderForm();
      fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
      await userEvent.type(input('crm-field-mailDomains'), 'huaxin.cn,QQ.com,');
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      expect(await screen.findByText('qq.com 是公共邮箱域名，不能用于识别客户')).toBeInTheDocument();
      expect(input('crm-field-mailDomains')).toHaveAttribute('aria-invalid', 'true');
      const chips = screen.getAllByTestId('crm-mail-domain-chip');
      expect(chips[1].className).toMatch(/MuiChip-colorError/);
      expect(chips[0].className).not.toMatch(/MuiChip-colorError/);
      expect(api.createCustomer).not.toHaveBeenCalled();
    });

    it("shows the server's 409 for a domain of another customer on the field, with a link to that customer", async () => {
      const api = fakeCrmApi({
        updateCustomer: jest.fn().mockRejectedValue(
          new CrmApiError(409, {
            error: {
              name: 'ConflictError',
              message: '邮箱域名 huaxin.cn 已属于客户“华信控股集团有限公司”（KH000001）',
              fields: { mailDomains: '邮箱域名 huaxin.cn 已属于客户“华信控股集团有限公司”（KH000001）' },
              existing: { type: 'customer', id: '22222222-2222-4222-8222-222222222222', number: 'KH000001', name: '华信控股集团有限公司' },
            },
          }),
        ),
      });
      await renderForm(api, { customer: customer({ mailDomains: ['pujiang.cn'] }) });
      expect(screen.getAllByTestId('crm-mail-domain-chip').map(c => c.textContent)).toEqual(['pujiang.cn']);
      await userEvent.type(input('crm-field-mailDomains'), 'huaxin.cn{enter}');
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.updateCustomer).toHaveBeenCalledTimes(1));
      expect(api.updateCustomer.mock.calls[0][1].mailDomains).toEqual(['pujiang.cn', 'huaxin.cn']);
      expect(await screen.findAllByText('邮箱域名 huaxin.cn 已属于客户“华信控股集团有限公司”（KH000001）')).not.toHaveLength(0);
      expect(input('crm-field-mailDomains')).toHaveAttribute('aria-invalid', 'true');
      expect(screen.getByTestId('crm-duplicate-link')).toHaveAttribute('href', '/crm/customers/22222222-2222-4222-8222-222222222222');
      // a stale-version prompt would be wrong here: the record is not stale
      expect(screen.queryByTestId('crm-stale-alert')).toBeNull();
    });
  });

  describe('field rules', () => {
    it('shows a read-only field disabled with a hint and does not send it', async () => {
      const api = fakeCrmApi({ getAccess: jest.fn(async () => accessView({ readOnly: { customer: ['annualRevenue', 'level'] } })) });
      await renderForm(api);
      expect(input('crm-field-annualRevenue')).toBeDisabled();
      expect(input('crm-field-expectedPurchase')).toBeEnabled();
      expect(input('crm-field-level')).toBeDisabled();
      expect(screen.getAllByText('只读')).toHaveLength(2);
      fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
      fireEvent.change(input('crm-field-expectedPurchase'), { target: { value: '100' } });
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.createCustomer).toHaveBeenCalledTimes(1));
      const body = api.createCustomer.mock.calls[0][0];
      expect(body).not.toHaveProperty('annualRevenue');
      expect(body).not.toHaveProperty('level');
      expect(body.expectedPurchase).toEqual({ amount: 10000, currency: 'CNY' });
    });

    it('keeps the current value of a read-only field on edit and leaves it out of the update', async () => {
      const api = fakeCrmApi({ getAccess: jest.fn(async () => accessView({ readOnly: { customer: ['annualRevenue'] } })) });
      await renderForm(api, { customer: customer() });
      expect(input('crm-field-annualRevenue')).toBeDisabled();
      expect(input('crm-field-annualRevenue').value).toBe('1234567.89');
      fireEvent.change(input('crm-field-phone'), { target: { value: '021-58880000' } });
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.updateCustomer).toHaveBeenCalledTimes(1));
      const body = api.updateCustomer.mock.calls[0][1];
      expect(body).not.toHaveProperty('annualRevenue');
      expect(body).toMatchObject({ phone: '021-58880000', version: 3 });
    });

    it('does not render or send a hidden field', async () => {
      const { expectedPurchase: _hidden, ...redacted } = customer();
      const api = fakeCrmApi({ getAccess: jest.fn(async () => accessView({ hidden: { customer: ['expectedPurchase', 'remark'] } })) });
      await renderForm(api, { customer: redacted });
      expect(screen.queryByTestId('crm-field-expectedPurchase')).toBeNull();
      expect(screen.queryByText('预计采购额（元）')).toBeNull();
      // a section with nothing left in it goes too
      expect(screen.queryByText('备注')).toBeNull();
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.updateCustomer).toHaveBeenCalledTimes(1));
      const body = api.updateCustomer.mock.calls[0][1];
      expect(body).not.toHaveProperty('expectedPurchase');
      expect(body).not.toHaveProperty('remark');
    });

    it('without 分配 shows 客户经理 and 归属部门 disabled and sends neither', async () => {
      const api = fakeCrmApi({ getAccess: jest.fn(async () => accessView({ can: { customer: { assign: false } } })) });
      await renderForm(api);
      await waitFor(() => expect(screen.getByText('zhouhao')).toBeInTheDocument());
      expect(input('crm-field-accountManagers')).toBeDisabled();
      expect(input('crm-field-ownerDepartment')).toBeDisabled();
      expect(screen.getAllByText('需要“分配”权限才能修改')).toHaveLength(2);
      fireEvent.change(input('crm-field-name'), { target: { value: '测试公司' } });
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.createCustomer).toHaveBeenCalledTimes(1));
      const body = api.createCustomer.mock.calls[0][0];
      expect(body).not.toHaveProperty('accountManagers');
      expect(body).not.toHaveProperty('ownerDepartment');
    });

    it('with 分配 sends a chosen 归属部门, and leaves unchanged assignment out of an update', async () => {
      const getEntities = jest.fn(async (request: { filter: { kind: string } }) => ({
        items:
          request.filter.kind === 'Group'
            ? [
                { apiVersion: 'v1', kind: 'Group', metadata: { name: 'sales-1', namespace: 'default' }, spec: { profile: { displayName: '销售一部' } } },
                { apiVersion: 'v1', kind: 'Group', metadata: { name: 'sales-2', namespace: 'default', title: '销售二部' }, spec: {} },
              ]
            : [],
      }));
      const api = fakeCrmApi();
      const onSaved = jest.fn();
      await renderInTestApp(<CustomerFormDialog open customer={customer()} onClose={jest.fn()} onSaved={onSaved} />, {
        apis: [...testApis(api), [catalogApiRef, { getEntities }]],
      });
      await waitFor(() => expect(input('crm-field-ownerDepartment').value).toBe('销售一部'));
      expect(input('crm-field-ownerDepartment')).toBeEnabled();

      // nothing about the assignment changed: nothing about it is sent
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.updateCustomer).toHaveBeenCalledTimes(1));
      expect(api.updateCustomer.mock.calls[0][1]).not.toHaveProperty('ownerDepartment');
      expect(api.updateCustomer.mock.calls[0][1]).not.toHaveProperty('accountManagers');

      fireEvent.mouseDown(input('crm-field-ownerDepartment'));
      fireEvent.click(await screen.findByRole('option', { name: '销售二部' }));
      fireEvent.click(screen.getByTestId('crm-customer-submit'));
      await waitFor(() => expect(api.updateCustomer).toHaveBeenCalledTimes(2));
      expect(api.updateCustomer.mock.calls[1][1].ownerDepartment).toBe('group:default/sales-2');
    });
  });
});
