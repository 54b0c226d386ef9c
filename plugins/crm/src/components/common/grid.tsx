import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import SearchIcon from '@mui/icons-material/Search';
import {
  DataGrid,
  DataGridProps,
  GridPaginationModel,
  GridSortModel,
  GridValidRowModel,
} from '@mui/x-data-grid';
import { enUS, zhCN } from '@mui/x-data-grid/locales';
import { useCrmT } from './i18n';
import { useDebounced } from './useLoad';

const PAGE_SIZES = [10, 25, 50, 100];

/**
 * List state kept in the URL query (page, pageSize, sort, order and any filters),
 * so a reload or a shared link shows the same view.
 */
export function useUrlListState(defaults: {
  sort: string;
  order: 'asc' | 'desc';
  pageSize?: number;
  /**
   * Whether the user may sort by a field; a shared link may name one that is
   * hidden from them, which the backend would refuse (403), so it falls back
   * to the default order.
   */
  isSortable?: (field: string) => boolean;
}) {
  const [params, setParams] = useSearchParams();
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const rawSize = Number(params.get('pageSize') ?? defaults.pageSize ?? 25);
  const pageSize = PAGE_SIZES.includes(rawSize) ? rawSize : defaults.pageSize ?? 25;
  const urlSort = params.get('sort') || '';
  const refused = !!urlSort && defaults.isSortable?.(urlSort) === false;
  const sort = urlSort && !refused ? urlSort : defaults.sort;
  const urlOrder = refused ? null : params.get('order');
  // eslint-disable-next-line no-nested-ternary
  const order = (urlOrder === 'asc' ? 'asc' : urlOrder === 'desc' ? 'desc' : defaults.order) as 'asc' | 'desc';
  const get = (key: string) => params.get(key) ?? '';
  const getList = (key: string) => (params.get(key) ?? '').split(',').filter(Boolean);

  /** Sets keys (empty values are removed); filters reset the page unless `page` is given. */
  const update = (changes: Record<string, string | number | null | undefined | string[]>) => {
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          // eslint-disable-next-line no-nested-ternary
          const s = Array.isArray(v) ? v.join(',') : v === null || v === undefined ? '' : String(v);
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

  return { params, page, pageSize, sort, order, get, getList, update, clear };
}

export type UrlListState = ReturnType<typeof useUrlListState>;

/** Search box writing `q` to the URL 300 ms after the user stops typing. */
export function SearchBox(props: { list: UrlListState; placeholder: string; testId?: string }) {
  const urlQ = props.list.get('q');
  const [value, setValue] = useState(urlQ);
  const debounced = useDebounced(value, 300);
  useEffect(() => {
    if (debounced !== urlQ) props.list.update({ q: debounced.trim() || null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  useEffect(() => {
    // URL changed from elsewhere (back button, clear filters)
    if (urlQ !== debounced) setValue(urlQ);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [urlQ]);
  return (
    <TextField
      size="small"
      type="search"
      value={value}
      onChange={e => setValue(e.target.value)}
      placeholder={props.placeholder}
      sx={{ minWidth: 280, flex: '1 1 280px' }}
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

/** A DataGrid in server mode (paging, sorting, filtering done by the backend). */
export function ServerGrid<R extends GridValidRowModel>(
  props: Omit<DataGridProps<R>, 'paginationModel' | 'sortModel' | 'rowCount'> & {
    list: UrlListState;
    totalCount: number;
  },
) {
  const { locale } = useCrmT();
  const { list, totalCount, ...rest } = props;
  const localeText = useMemo(
    () => (locale === 'zh-CN' ? zhCN : enUS).components.MuiDataGrid.defaultProps.localeText,
    [locale],
  );
  const paginationModel: GridPaginationModel = { page: list.page, pageSize: list.pageSize };
  const sortModel: GridSortModel = [{ field: list.sort, sort: list.order }];
  return (
    <Box sx={{ width: '100%' }}>
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
          list.update({ page: m.page || null, pageSize: m.pageSize === 25 ? null : m.pageSize })
        }
        sortModel={sortModel}
        onSortModelChange={m => {
          const first = m[0];
          list.update({ sort: first?.field ?? null, order: first?.sort ?? null });
        }}
        sortingOrder={['desc', 'asc']}
        autoHeight
        disableVirtualization={process.env.NODE_ENV === 'test'}
        density="compact"
      />
    </Box>
  );
}
