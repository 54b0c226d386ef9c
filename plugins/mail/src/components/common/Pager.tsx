import TablePagination from '@mui/material/TablePagination';
import type { UrlListState } from '@cocrm/suite-react';
import { useMailT } from './i18n';

/** Server paging of a table, its page and size in the URL. */
export function Pager(props: { list: UrlListState; totalCount: number; testId?: string }) {
  const { t } = useMailT();
  const { list } = props;
  return (
    <TablePagination
      component="div"
      count={props.totalCount}
      page={list.page}
      rowsPerPage={list.pageSize}
      rowsPerPageOptions={list.pageSizes}
      onPageChange={(_, page) => list.update({ page: page || null })}
      onRowsPerPageChange={e => {
        const size = Number(e.target.value);
        list.update({ pageSize: size === list.defaults.pageSize ? null : size, page: null });
      }}
      labelRowsPerPage={t('list.rowsPerPage')}
      labelDisplayedRows={({ from, to, count }) => t('list.displayedRows', { from, to, count })}
      data-testid={props.testId}
    />
  );
}
