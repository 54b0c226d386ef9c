import { useMemo } from 'react';
import Box from '@mui/material/Box';
import {
  DataGrid,
  DataGridProps,
  GridPaginationModel,
  GridSortModel,
  GridValidRowModel,
} from '@mui/x-data-grid';
import { enUS, zhCN } from '@mui/x-data-grid/locales';
import { useSuiteT } from './i18n';
import type { UrlListState } from './listState';

/** A DataGrid in server mode (paging, sorting, filtering done by the backend), its state in the URL. */
export function ServerGrid<R extends GridValidRowModel>(
  props: Omit<DataGridProps<R>, 'paginationModel' | 'sortModel' | 'rowCount'> & {
    list: UrlListState;
    totalCount: number;
    testId?: string;
  },
) {
  const { locale } = useSuiteT();
  const { list, totalCount, testId, ...rest } = props;
  const localeText = useMemo(
    () => (locale === 'zh-CN' ? zhCN : enUS).components.MuiDataGrid.defaultProps.localeText,
    [locale],
  );
  const paginationModel: GridPaginationModel = { page: list.page, pageSize: list.pageSize };
  const sortModel: GridSortModel = [{ field: list.sort, sort: list.order }];
  const { defaults } = list;
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
        pageSizeOptions={list.pageSizes}
        paginationModel={paginationModel}
        onPaginationModelChange={m =>
          list.update({ page: m.page || null, pageSize: m.pageSize === defaults.pageSize ? null : m.pageSize })
        }
        sortModel={sortModel}
        onSortModelChange={m => {
          const first = m[0];
          list.update({
            sort: !first || first.field === defaults.sort ? null : first.field,
            order: !first?.sort || first.sort === defaults.order ? null : first.sort,
          });
        }}
        sortingOrder={['desc', 'asc']}
        autoHeight
        disableVirtualization={process.env.NODE_ENV === 'test'}
        density="compact"
      />
    </Box>
  );
}
