import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { CrmPage } from '../CrmPage';
import { accessView, customer, fakeCrmApi, testApis } from '../../__testUtils__';

const ID = '11111111-1111-4111-8111-111111111111';

jest.setTimeout(30_000);

describe('CustomerPage', () => {
  it('renders the header and overview with labels and formatted money', async () => {
    const api = fakeCrmApi({ getCustomer: jest.fn(async () => customer({ name: '<script>alert("x")</script>' })) });
    await renderInTestApp(<CrmPage />, {
      apis: testApis(api),
      mountPath: '/crm/*',
      initialRouteEntries: [`/crm/customers/${ID}`],
    });
    expect(await screen.findByTestId('crm-customer-name')).toHaveTextContent('<script>alert("x")</script>');
    expect(document.querySelector('script')).toBeNull();
    const overview = screen.getByTestId('crm-customer-overview');
    expect(within(overview).getByText('¥1,234,567.89')).toBeInTheDocument();
    expect(within(overview).getByText('制造业 / 通用设备制造业')).toBeInTheDocument();
    expect(within(overview).getByText('上海市 / 浦东新区')).toBeInTheDocument();
    expect(within(overview).getByText('主要企业')).toBeInTheDocument();
    // empty fields are left out
    expect(within(overview).queryByText('主要客户')).toBeNull();
    expect(api.getCustomer).toHaveBeenCalledWith(ID);
    expect(screen.getByTestId('crm-edit-customer')).toBeInTheDocument();
  });

  it('renders graph nodes from the /graph answer', async () => {
    const api = fakeCrmApi({
      getGraph: jest.fn(async () => ({
        nodes: [
          { id: ID, kind: 'customer', label: '上海浦江精密机械有限公司', focus: true },
          { id: 'p1', kind: 'customer', label: '浦江控股集团' },
          { id: 'c1', kind: 'contact', label: '王建国', subtitle: '总经理', keyDecisionMaker: true },
          { id: 'c2', kind: 'contact', label: '李娜', subtitle: '采购经理' },
        ],
        edges: [
          { id: 'e1', source: 'p1', target: ID, kind: 'group' },
          { id: 'e2', source: ID, target: 'c1', kind: 'employs' },
          { id: 'e3', source: 'c1', target: 'c2', kind: 'superior', strength: 'strong' },
        ],
      })),
    });
    await renderInTestApp(<CrmPage />, {
      apis: testApis(api),
      mountPath: '/crm/*',
      initialRouteEntries: [`/crm/customers/${ID}?tab=graph`],
    });
    const graph = await screen.findByTestId('crm-customer-graph');
    expect(await within(graph).findByText('王建国')).toBeInTheDocument();
    expect(within(graph).getByText('李娜')).toBeInTheDocument();
    expect(within(graph).getByText('浦江控股集团')).toBeInTheDocument();
    expect(within(graph).getAllByText('上海浦江精密机械有限公司').length).toBeGreaterThan(0);
    expect(api.getGraph).toHaveBeenCalledWith(ID);
  });

  it('renders timeline entries with Chinese field labels and loads more', async () => {
    const api = fakeCrmApi({
      getTimeline: jest
        .fn()
        .mockResolvedValueOnce({
          items: [
            {
              id: 't2',
              source: 'crm',
              kind: 'customer.updated',
              at: '2026-03-01T06:30:00.000Z',
              actor: 'user:default/zhouhao',
              title: '上海浦江精密机械有限公司',
              changes: [
                { field: 'level', from: 'B', to: 'A' },
                { field: 'annualRevenue', from: null, to: { amount: 100000, currency: 'CNY' } },
                { field: 'name', from: '浦江机械', to: '上海浦江精密机械有限公司' },
              ],
            },
            {
              id: 't1',
              source: 'mail',
              kind: 'thread',
              at: '2026-02-01T01:00:00.000Z',
              actor: null,
              title: '关于报价的邮件',
              summary: '<b>请查收</b>',
            },
          ],
          nextBefore: '2026-02-01T01:00:00.000Z',
        })
        .mockResolvedValueOnce({
          items: [
            { id: 't0', source: 'crm', kind: 'customer.created', at: '2026-01-05T02:00:00.000Z', actor: 'user:default/zhouhao', title: '浦江机械' },
          ],
          nextBefore: null,
        }),
    });
    await renderInTestApp(<CrmPage />, {
      apis: testApis(api),
      mountPath: '/crm/*',
      initialRouteEntries: [`/crm/customers/${ID}?tab=timeline`],
    });
    const timeline = await screen.findByTestId('crm-timeline');
    const changes = within(timeline).getAllByTestId('crm-timeline-change').map(li => li.textContent);
    expect(changes).toEqual([
      '客户等级: B（重要） → A（重点）',
      '年营业额（元）: （空） → ¥1,000.00',
      '客户名称: 浦江机械 → 上海浦江精密机械有限公司',
    ]);
    expect(within(timeline).getByText('修改了客户')).toBeInTheDocument();
    expect(within(timeline).getByText('2026-03-01 14:30')).toBeInTheDocument();
    // unknown source still shows title and summary, as text
    expect(within(timeline).getByText('关于报价的邮件')).toBeInTheDocument();
    expect(within(timeline).getByText('<b>请查收</b>')).toBeInTheDocument();
    screen.getByTestId('crm-timeline-more').click();
    expect(await within(timeline).findByText('创建了客户')).toBeInTheDocument();
    expect(api.getTimeline).toHaveBeenLastCalledWith(ID, { before: '2026-02-01T01:00:00.000Z', limit: 20 });
    expect(screen.queryByTestId('crm-timeline-more')).toBeNull();
  });

  it('shows routed mail on the timeline with its subject, snippet and a link to the conversation as this customer shares it in the mail page', async () => {
    const api = fakeCrmApi({
      getTimeline: jest.fn(async () => ({
        items: [
          {
            id: 'mail:m1',
            source: 'mail',
            kind: 'mail.in',
            at: '2026-03-02T01:00:00.000Z',
            actor: null,
            title: '关于集团数字化平台的报价',
            summary: '林总您好，附件是更新后的报价单',
            link: { type: 'mail-thread', id: 't-1' },
          },
          { id: 'mail:m2', source: 'mail', kind: 'mail.out', at: '2026-03-01T01:00:00.000Z', actor: null, title: '', link: { type: 'mail-thread', id: 't 2' } },
        ],
        nextBefore: null,
      })),
    });
    await renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [`/crm/customers/${ID}?tab=timeline`] });
    const timeline = await screen.findByTestId('crm-timeline');
    const [received, sent] = within(timeline).getAllByTestId('crm-timeline-entry');
    expect(within(received).getByText('收到邮件')).toBeInTheDocument();
    expect(within(received).getByTestId('crm-timeline-mail-link')).toHaveAttribute('href', `/mail/customers/${ID}/threads/t-1`);
    expect(within(received).getByTestId('crm-timeline-mail-link')).toHaveTextContent('关于集团数字化平台的报价');
    expect(within(received).getByText('林总您好，附件是更新后的报价单')).toBeInTheDocument();
    // a mail has a sender, not a CRM actor: no 系统
    expect(within(received).queryByText('系统')).toBeNull();
    expect(within(received).getByTestId('MailOutlineIcon')).toBeInTheDocument();
    expect(within(sent).getByText('发出邮件')).toBeInTheDocument();
    expect(within(sent).getByTestId('crm-timeline-mail-link')).toHaveAttribute('href', `/mail/customers/${ID}/threads/t%202`);
    expect(within(sent).getByTestId('crm-timeline-mail-link')).toHaveTextContent('（无主题）');
  });

  it('shows the 邮箱域名 in the overview', async () => {
    const api = fakeCrmApi({ getCustomer: jest.fn(async () => customer({ mailDomains: ['pujiang.cn', 'pj-machinery.com'] })) });
    await renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [`/crm/customers/${ID}`] });
    const overview = await screen.findByTestId('crm-customer-overview');
    expect(within(overview).getByText('邮箱域名')).toBeInTheDocument();
    expect(within(overview).getByText('pujiang.cn、pj-machinery.com')).toBeInTheDocument();
  });

  it('shows no row, not even a label, for a field hidden from the user', async () => {
    const { annualRevenue: _hidden, ...redacted } = customer();
    const api = fakeCrmApi({
      getAccess: jest.fn(async () => accessView({ hidden: { customer: ['annualRevenue'] } })),
      getCustomer: jest.fn(async () => redacted),
    });
    await renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [`/crm/customers/${ID}`] });
    const overview = await screen.findByTestId('crm-customer-overview');
    expect(within(overview).getByText('员工人数')).toBeInTheDocument();
    expect(within(overview).queryByText(/年营业额/)).toBeNull();
    expect(screen.queryByText(/年营业额/)).toBeNull();
  });

  it('hides a field the rules hide even when the record still carries it', async () => {
    const api = fakeCrmApi({ getAccess: jest.fn(async () => accessView({ hidden: { customer: ['annualRevenue'] } })) });
    await renderInTestApp(<CrmPage />, { apis: testApis(api), mountPath: '/crm/*', initialRouteEntries: [`/crm/customers/${ID}`] });
    const overview = await screen.findByTestId('crm-customer-overview');
    expect(within(overview).queryByText(/年营业额/)).toBeNull();
    expect(within(overview).queryByText('¥1,234,567.89')).toBeNull();
  });

  it("shows 归属部门 by the department's display name from the catalog", async () => {
    const getEntities = jest.fn(async (request: { filter: { kind: string } }) => ({
      items:
        request.filter.kind === 'Group'
          ? [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Group',
                metadata: { name: 'sales-1', namespace: 'default' },
                spec: { type: 'department', profile: { displayName: '销售一部' }, children: [] },
              },
            ]
          : [],
    }));
    const api = fakeCrmApi();
    await renderInTestApp(<CrmPage />, {
      apis: [...testApis(api), [catalogApiRef, { getEntities }]],
      mountPath: '/crm/*',
      initialRouteEntries: [`/crm/customers/${ID}`],
    });
    const overview = await screen.findByTestId('crm-customer-overview');
    expect(within(overview).getByText('归属部门')).toBeInTheDocument();
    expect(await within(overview).findByText('销售一部')).toBeInTheDocument();
    await waitFor(() => expect(getEntities).toHaveBeenCalledWith(expect.objectContaining({ filter: { kind: 'Group' } })));
  });
});
