import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import SearchIcon from '@mui/icons-material/Search';
import { DataGrid, DataGridProps, GridPaginationModel, GridSortModel, GridValidRowModel } from '@mui/x-data-grid';
import { enUS, zhCN } from '@mui/x-data-grid/locales';
import { useAccessT } from './i18n';
import { useDebounced } from './useLoad';

const PAGE_SIZES = [25, 50, 100];
const DEFAULT_PAGE_SIZE = 50;

/**
 * List state kept in the URL query (page, pageSize, order and the filters),
 * so a reload or a shared link shows the same view.
 */
export function useUrlListState() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const rawSize = Number(params.get('pageSize') ?? DEFAULT_PAGE_SIZE);
  const pageSize = PAGE_SIZES.includes(rawSize) ? rawSize : DEFAULT_PAGE_SIZE;
  const order: 'asc' | 'desc' = params.get('order') === 'asc' ? 'asc' : 'desc';
  const get = (key: string) => params.get(key) ?? '';

  /** Sets keys (empty values are removed); a filter change goes back to the first page. */
  const update = (changes: Record<string, string | number | null | undefined>) => {
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          const s = v === null || v === undefined ? '' : String(v);
          if (s === '') next.delete(k);
          else next.set(k, s);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  };
  const clear = (keys: string[]) => update(Object.fromEntries(keys.map(k => [k, null])));
  return { page, pageSize, order, get, update, clear };
}

export type UrlListState = ReturnType<typeof useUrlListState>;

/** Search box writing `q` to the URL 300 ms after the user stops typing (Enter applies at once). */
export function SearchBox(props: { list: UrlListState; placeholder: string; testId?: string }) {
  const urlQ = props.list.get('q');
  const [value, setValue] = useState(urlQ);
  const debounced = useDebounced(value, 300);
  useEffect(() => {
    if (debounced.trim() !== urlQ) props.list.update({ q: debounced.trim() || null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  useEffect(() => {
    // the URL changed elsewhere (back button, clear filters)
    if (urlQ !== debounced.trim()) setValue(urlQ);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [urlQ]);
  return (
    <TextField
      size="small"
      type="search"
      value={value}
      onChange={e => setValue(e.target.value)}
      onKeyDown={e => {
        if (e.key === 'Enter') props.list.update({ q: value.trim() || null });
      }}
      placeholder={props.placeholder}
      sx={{ minWidth: 240, flex: '1 1 240px' }}
      inputProps={{ 'aria-label': props.placeholder, 'data-testid': props.testId }}
      InputProps={{
        startAdornment: (
          <InputAdornment position="start">
            <SearchIcon fontSize="small" />
          </InputAdornment>
        ),
      }}
    />
  );
}

/** A DataGrid in server mode: paging and the time order are done by the backend. */
export function ServerGrid<R extends GridValidRowModel>(
  props: Omit<DataGridProps<R>, 'paginationModel' | 'sortModel' | 'rowCount'> & {
    list: UrlListState;
    totalCount: number;
    /** the one sortable column */
    sortField: string;
    testId?: string;
  },
) {
  const { locale } = useAccessT();
  const { list, totalCount, sortField, testId, ...rest } = props;
  const localeText = useMemo(
    () => (locale === 'zh-CN' ? zhCN : enUS).components.MuiDataGrid.defaultProps.localeText,
    [locale],
  );
  const paginationModel: GridPaginationModel = { page: list.page, pageSize: list.pageSize };
  const sortModel: GridSortModel = [{ field: sortField, sort: list.order }];
  return (
    <Box sx={{ width: '100%' }} data-testid={testId}>
      <DataGrid<R>
        {...rest}
        localeText={localeText}
        paginationMode="server"
        sortingMode="server"
        filterMode="server"
        disableColumnFilter
        disableRowSelectionOnClick
        rowCount={totalCount}
        pageSizeOptions={PAGE_SIZES}
        paginationModel={paginationModel}
        onPaginationModelChange={m =>
          list.update({ page: m.page || null, pageSize: m.pageSize === DEFAULT_PAGE_SIZE ? null : m.pageSize })
        }
        sortModel={sortModel}
        onSortModelChange={m => list.update({ order: m[0]?.sort === 'asc' ? 'asc' : null })}
        sortingOrder={['desc', 'asc']}
        autoHeight
        disableVirtualization={process.env.NODE_ENV === 'test'}
        density="compact"
      />
    </Box>
  );
}
