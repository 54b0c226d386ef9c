import { ReactNode, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import TablePagination from '@mui/material/TablePagination';
import AddIcon from '@mui/icons-material/Add';
import type { Page } from '@cocrm/plugin-crm-common';
import { EmptyState, LoadingState, useLoad } from '@cocrm/suite-react';
import { ErrorState } from '../common/feedback';

const PAGE_SIZE = 20;

/**
 * A tab of the customer page listing records under the customer (contacts,
 * visits): server-paged, with an empty state and a "new" button that opens
 * the record's form. `renderForm` gets a callback that reloads the list.
 */
export function RelatedListTab<T>(props: {
  load: (page: number, pageSize: number) => Promise<Page<T>>;
  deps: unknown[];
  newLabel: string;
  newTestId: string;
  /** whether the user may create such records (the "new" button is left out otherwise) */
  canCreate: boolean;
  emptyTitle: string;
  emptyHint: string;
  renderTable: (items: T[]) => ReactNode;
  renderForm: (open: boolean, close: () => void, saved: () => void) => ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  const [page, setPage] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const data = useLoad(() => props.load(page, PAGE_SIZE), [...props.deps, page]);
  const add = props.canCreate ? (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid={props.newTestId}>
      {props.newLabel}
    </Button>
  ) : undefined;
  return (
    <Box>
      {add && data.value && data.value.totalCount > 0 && <Box sx={{ display: 'flex', justifyContent: 'flex-end', mb: 1 }}>{add}</Box>}
      {data.loading && !data.value && <LoadingState />}
      {data.error && <ErrorState error={data.error} onRetry={data.retry} />}
      {data.value &&
        (data.value.totalCount === 0 ? (
          <EmptyState title={props.emptyTitle} hint={props.emptyHint} action={add} />
        ) : (
          <Paper variant="outlined">
            {props.renderTable(data.value.items)}
            {data.value.totalCount > PAGE_SIZE && (
              <TablePagination
                component="div"
                count={data.value.totalCount}
                page={page}
                rowsPerPage={PAGE_SIZE}
                rowsPerPageOptions={[PAGE_SIZE]}
                onPageChange={(_, p) => setPage(p)}
              />
            )}
          </Paper>
        ))}
      {props.renderForm(creating, () => setCreating(false), () => {
        setCreating(false);
        data.retry();
      })}
    </Box>
  );
}
