import { act, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { useUrlListState, UrlListDefaults, UrlListState } from './listState';

const DEFAULTS: UrlListDefaults = { sort: 'updatedAt', order: 'desc', isSortable: f => f !== 'phone' };

function renderList(url: string, defaults: UrlListDefaults = DEFAULTS) {
  const current: { list?: UrlListState; search?: string } = {};
  function Probe() {
    current.list = useUrlListState(defaults);
    current.search = decodeURIComponent(useLocation().search);
    return <div data-testid="search">{current.search}</div>;
  }
  render(
    <MemoryRouter initialEntries={[url]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Probe />
    </MemoryRouter>,
  );
  return current as Required<typeof current>;
}

describe('useUrlListState', () => {
  it('reads paging, order and filters from the URL', () => {
    const { list } = renderList('/crm?page=2&pageSize=10&sort=name&order=asc&level=A,B&q=浦江');
    expect(list).toMatchObject({ page: 2, pageSize: 10, sort: 'name', order: 'asc' });
    expect(list.get('q')).toBe('浦江');
    expect(list.getList('level')).toEqual(['A', 'B']);
    expect(list.get('status')).toBe('');
  });

  it('falls back to the defaults for missing, unknown or refused values', () => {
    expect(renderList('/crm').list).toMatchObject({ page: 0, pageSize: 25, sort: 'updatedAt', order: 'desc' });
    // 13 is not an offered size; phone may not be sorted by, so its order is ignored too
    expect(renderList('/crm?pageSize=13&sort=phone&order=asc&page=x').list).toMatchObject({
      page: 0,
      pageSize: 25,
      sort: 'updatedAt',
      order: 'desc',
    });
    expect(
      renderList('/audit?pageSize=10', { sort: 'at', order: 'desc', pageSize: 50, pageSizes: [25, 50, 100] }).list
        .pageSize,
    ).toBe(50);
  });

  it('writes filters to the URL, drops empty ones and goes back to the first page', () => {
    const current = renderList('/crm?page=3&status=deal&q=旧');
    act(() => current.list.update({ level: ['A', 'B'], q: '', status: null }));
    expect(screen.getByTestId('search')).toHaveTextContent(/^\?level=A,B$/);
    expect(current.list.page).toBe(0);
  });

  it('keeps the page when the change names it, and clears keys', () => {
    const current = renderList('/crm?status=deal&q=浦江');
    act(() => current.list.update({ page: 4 }));
    expect(current.list.page).toBe(4);
    expect(current.list.get('status')).toBe('deal');
    act(() => current.list.clear(['status', 'q']));
    expect(screen.getByTestId('search')).toHaveTextContent(/^$/);
    expect(current.list.page).toBe(0);
  });
});
