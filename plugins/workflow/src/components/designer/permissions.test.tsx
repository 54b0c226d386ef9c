import { fireEvent, screen, within } from '@testing-library/react';
import { fakeApi, renderDesigner } from './__testUtils__';

jest.setTimeout(30_000);

// apart from the other tests: usePermission caches answers per module, and those tests are allowed everything
describe('the designer without the flow permissions', () => {
  it('shows the flow read-only to those who may not change it', async () => {
    const api = fakeApi();
    await renderDesigner(api, '/approvals/flows/f1', false);
    await screen.findByTestId('designer-card-leader');
    expect(screen.queryByTestId('designer-publish')).toBeNull();
    expect(screen.queryByTestId('designer-add-root-0')).toBeNull();
    expect(screen.queryByTestId('designer-card-leader-delete')).toBeNull();
    fireEvent.click(screen.getByTestId('designer-card-leader-button'));
    const drawer = screen.getByTestId('designer-drawer');
    expect(drawer).toHaveTextContent('只读：您没有修改审批流程的权限。');
    expect(within(drawer).getByTestId('designer-node-name')).toBeDisabled();
    expect(within(drawer).queryByTestId('designer-rule-add')).toBeNull();
  });

  it('offers neither creating nor deleting without the permissions', async () => {
    await renderDesigner(fakeApi(), '/approvals/flows', false);
    await screen.findByTestId('designer-flow-f1');
    expect(screen.queryByTestId('designer-new')).toBeNull();
    expect(screen.queryByTestId('designer-flow-delete-f1')).toBeNull();
  });
});
