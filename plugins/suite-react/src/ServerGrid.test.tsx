import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { useUrlListState } from './listState';
import { ServerGrid } from './ServerGrid';

function List() {
  const list = useUrlListState({ sort: 'updatedAt', order: 'desc' });
  const search = decodeURIComponent(useLocation().search);
  return (
    <>
      <div data-testid="search">{search}</div>
      <ServerGrid
        list={list}
        testId="grid"
        totalCount={60}
        rows={[{ id: 1, name: '浦江精机', updatedAt: '2026-03-01' }]}
        columns={[
          { field: 'name', headerName: 'Name' },
          { field: 'updatedAt', headerName: 'Updated' },
        ]}
      />
    </>
  );
}

describe('ServerGrid', () => {
  it('writes sort and order to the URL, leaving the defaults out', async () => {
    renderInTestApp(<List />, { initialRouteEntries: ['/list?page=1'] });
    const grid = await screen.findByTestId('grid');
    expect(within(grid).getByText('浦江精机')).toBeInTheDocument();

    fireEvent.click(within(grid).getByRole('columnheader', { name: /Name/ }));
    await waitFor(() => expect(screen.getByTestId('search')).toHaveTextContent(/^\?sort=name$/));

    fireEvent.click(within(grid).getByRole('columnheader', { name: /Updated/ }));
    await waitFor(() => expect(screen.getByTestId('search')).toHaveTextContent(/^$/));
    fireEvent.click(within(grid).getByRole('columnheader', { name: /Updated/ }));
    await waitFor(() => expect(screen.getByTestId('search')).toHaveTextContent(/^\?order=asc$/));
  });
});
