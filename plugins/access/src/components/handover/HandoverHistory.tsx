import { useState } from 'react';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import type { HandoverStatus } from '@cocrm/plugin-access-common';
import { EmptyState, useLoad } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ErrorState, LoadingState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useNames } from '../common/org';

const STATUS_COLOR: Record<HandoverStatus, 'success' | 'error' | 'default'> = {
  completed: 'success',
  failed: 'error',
  reverted: 'default',
};

/** "客户 12、拜访 30", with type labels from the last preview or the audit record type names. */
export function useCountsText(typeLabels: Record<string, string>) {
  const { groupLabel } = useAccessT();
  return (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([type, n]) => `${typeLabels[type] ?? groupLabel('audit.recordTypes', type.split('.').pop() ?? type)} ${n}`)
      .join('、');
}

/** 移交记录: every handover, newest first, paged by the server. */
export function HandoverHistory(props: { refreshKey: number; typeLabels: Record<string, string> }) {
  const { t } = useAccessT();
  const api = useApi(accessApiRef);
  const { subjectName, userName } = useNames();
  const countsText = useCountsText(props.typeLabels);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(10);
  const history = useLoad(() => api.listHandovers({ page, pageSize }), [api, page, pageSize, props.refreshKey]);
  const statusLabel: Record<HandoverStatus, string> = {
    completed: t('handover.statusCompleted'),
    failed: t('handover.statusFailed'),
    reverted: t('handover.statusReverted'),
  };

  if (history.error && !history.value) return <ErrorState error={history.error} onRetry={history.retry} />;
  if (!history.value) return <LoadingState compact />;
  if (history.value.totalCount === 0)
    return <EmptyState testId="handover-history-empty" title={t('handover.historyEmpty')} />;
  return (
    <Paper variant="outlined">
      <TableContainer>
        <Table size="small" aria-label={t('handover.history')} data-testid="handover-history">
          <TableHead>
            <TableRow>
              <TableCell>{t('handover.when')}</TableCell>
              <TableCell>{t('handover.kind')}</TableCell>
              <TableCell>{t('handover.from')}</TableCell>
              <TableCell>{t('handover.receivers')}</TableCell>
              <TableCell>{t('handover.counts')}</TableCell>
              <TableCell>{t('handover.status')}</TableCell>
              <TableCell>{t('handover.reason')}</TableCell>
              <TableCell>{t('handover.operator')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody sx={{ opacity: history.loading ? 0.6 : 1 }}>
            {history.value.items.map(r => (
              <TableRow key={r.id} data-testid={`handover-record-${r.id}`}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.createdAt)}</TableCell>
                <TableCell>
                  {r.kind === 'department' ? t('handover.kindDepartment') : t('handover.kindEmployee')}
                </TableCell>
                <TableCell>{subjectName(r.from)}</TableCell>
                <TableCell>{r.receivers.map(subjectName).join('、')}</TableCell>
                <TableCell>{countsText(r.counts)}</TableCell>
                <TableCell>
                  <Chip size="small" color={STATUS_COLOR[r.status]} variant="outlined" label={statusLabel[r.status]} />
                  {r.error && (
                    <Typography variant="caption" color="error" display="block">
                      {r.error}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{r.reason}</TableCell>
                <TableCell>{userName(r.createdBy)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={history.value.totalCount}
        page={page}
        rowsPerPage={pageSize}
        rowsPerPageOptions={[10, 25, 50]}
        onPageChange={(_, p) => setPage(p)}
        onRowsPerPageChange={e => {
          setPageSize(Number(e.target.value));
          setPage(0);
        }}
        labelRowsPerPage={t('common.rowsPerPage')}
        labelDisplayedRows={({ from, to, count }) => t('common.pageOf', { from, to, count })}
      />
    </Paper>
  );
}
