import { screen } from '@testing-library/react';
import { fakeWorkflowApi, renderApprovals } from '../../__testUtils__';

jest.setTimeout(30_000);

// a file of its own: the permission hook caches its answers for the whole test file
describe('审批报表 without workflow.report.read', () => {
  it('is refused, asks nothing and is not offered in the header', async () => {
    const api = fakeWorkflowApi();
    await renderApprovals(api, '/approvals/reports');
    expect(await screen.findByTestId('workflow-report-forbidden')).toHaveTextContent('您没有查看审批报表的权限');
    expect(api.getReport).not.toHaveBeenCalled();
    expect(screen.queryByTestId('workflow-nav-reports')).toBeNull();
    expect(screen.getByTestId('workflow-nav-delegations')).toBeInTheDocument();
  });
});
