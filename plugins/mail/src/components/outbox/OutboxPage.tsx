import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip, { ChipProps } from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import OutboxIcon from '@mui/icons-material/Outbox';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { OutboxItem, OutboxStatus } from '../../api/types';
import { ApiErrorAlert, ConfirmDialog, EmptyState, ErrorState, LoadingState } from '../common/feedback';
import { formatAddresses, formatDateTime } from '../common/format';
import { useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import { Pager } from '../common/Pager';

const STATUS_COLORS: Record<OutboxStatus, ChipProps['color']> = {
  queued: 'default',
  sending: 'info',
  sent: 'success',
  failed: 'error',
  uncertain: 'warning',
};

/** While mail is on its way, the list follows its progress. */
const POLL_MS = 5000;

export function OutboxStatusChip({ status }: { status: OutboxStatus }) {
  const { t } = useMailT();
  return (
    <Chip
      size="small"
      color={STATUS_COLORS[status] ?? 'default'}
      variant={status === 'queued' ? 'outlined' : 'filled'}
      icon={status === 'sending' ? <CircularProgress size={12} color="inherit" /> : undefined}
      label={t(`outbox.states.${status}`)}
      data-testid="mail-outbox-status"
    />
  );
}

/**
 * 发件箱: every mail sent from the portal with its state. Failed mail is
 * retried by hand; mail whose sending was interrupted (状态未知) is never
 * sent again without the user confirming it may go twice.
 */
export function OutboxPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const { mailboxes } = useMailboxes();
  const list = useUrlListState({ sort: 'createdAt', order: 'desc', pageSize: 25 });
  const data = useLoad(
    () => api.listOutbox({ page: list.page, pageSize: list.pageSize }),
    [api, list.page, list.pageSize],
  );
  const [busyId, setBusyId] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const [resending, setResending] = useState<OutboxItem>();
  const [resendError, setResendError] = useState<unknown>();
  const items = data.value?.items ?? [];
  const moving = items.some(i => i.status === 'queued' || i.status === 'sending');
  const { retry: reload } = data;

  useEffect(() => {
    if (!moving) return undefined;
    const h = setInterval(reload, POLL_MS);
    return () => clearInterval(h);
  }, [moving, reload]);

  const accountLabel = (id: string) => {
    const m = mailboxes?.find(b => b.accountId === id);
    return m ? m.email : '';
  };

  const retry = async (item: OutboxItem) => {
    setBusyId(item.id);
    setActionError(undefined);
    try {
      await api.retryOutbox(item.id);
      notify({ message: t('outbox.retried') });
      reload();
    } catch (e) {
      setActionError(e);
      // another state than the list showed (sent meanwhile): show the current one
      reload();
    } finally {
      setBusyId(undefined);
    }
  };

  const resend = async () => {
    if (!resending) return;
    setBusyId(resending.id);
    setResendError(undefined);
    try {
      await api.resendOutbox(resending.id);
      setResending(undefined);
      notify({ message: t('outbox.retried') });
      reload();
    } catch (e) {
      setResendError(e);
    } finally {
      setBusyId(undefined);
    }
  };

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={reload} />;
  else if (!data.value) body = <LoadingState />;
  else if (!items.length)
    body = (
      <EmptyState
        testId="mail-outbox-empty"
        icon={<OutboxIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={t('outbox.empty')}
        hint={t('outbox.emptyHint')}
      />
    );
  else
    body = (
      <Paper variant="outlined">
        <TableContainer>
          <Table size="small" data-testid="mail-outbox-table">
            <TableHead>
              <TableRow>
                <TableCell>{t('outbox.status')}</TableCell>
                <TableCell>{t('outbox.subject')}</TableCell>
                <TableCell>{t('outbox.to')}</TableCell>
                <TableCell>{t('outbox.account')}</TableCell>
                <TableCell>{t('outbox.time')}</TableCell>
                <TableCell>{t('outbox.error')}</TableCell>
                <TableCell align="right">{t('common.actions')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(item => (
                <TableRow key={item.id} data-testid={`mail-outbox-${item.id}`} hover>
                  <TableCell>
                    <OutboxStatusChip status={item.status} />
                  </TableCell>
                  <TableCell sx={{ maxWidth: 280 }}>
                    <Typography variant="body2" noWrap title={item.subject}>
                      {item.subject || t('common.noSubject')}
                    </Typography>
                  </TableCell>
                  <TableCell sx={{ maxWidth: 240 }}>
                    <Typography variant="body2" noWrap title={formatAddresses(item.to)}>
                      {formatAddresses(item.to)}
                    </Typography>
                  </TableCell>
                  <TableCell>{accountLabel(item.accountId)}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(item.sentAt ?? item.updatedAt ?? item.createdAt)}
                  </TableCell>
                  <TableCell sx={{ maxWidth: 320 }}>
                    {item.error && (
                      <Typography variant="body2" color="error" data-testid={`mail-outbox-error-${item.id}`}>
                        {item.error.message}
                        {item.error.detail && (
                          <Typography
                            component="span"
                            variant="caption"
                            color="text.secondary"
                            sx={{ display: 'block' }}
                          >
                            {item.error.detail}
                          </Typography>
                        )}
                      </Typography>
                    )}
                    {item.rejected?.length > 0 && (
                      <Typography variant="caption" color="warning.main" sx={{ display: 'block' }}>
                        {t('outbox.rejected', { list: item.rejected.join(t('common.listSeparator')) })}
                      </Typography>
                    )}
                    {item.attempts > 1 && (
                      <Typography variant="caption" color="text.secondary">
                        {t('common.labelValue', { label: t('outbox.attempts'), value: item.attempts })}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {item.status === 'failed' && (
                      <Button
                        size="small"
                        onClick={() => retry(item)}
                        disabled={busyId === item.id}
                        data-testid={`mail-outbox-retry-${item.id}`}
                      >
                        {t('outbox.retry')}
                      </Button>
                    )}
                    {item.status === 'uncertain' && (
                      <Button
                        size="small"
                        color="warning"
                        onClick={() => {
                          setResendError(undefined);
                          setResending(item);
                        }}
                        disabled={busyId === item.id}
                        data-testid={`mail-outbox-resend-${item.id}`}
                      >
                        {t('outbox.resend')}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <Pager list={list} totalCount={data.value.totalCount} />
      </Paper>
    );

  return (
    <Box sx={{ p: { xs: 1, md: 2 } }} data-testid="mail-outbox-page">
      <Typography variant="h5" component="h1">
        {t('outbox.title')}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {t('outbox.subtitle')}
      </Typography>
      {!!actionError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={actionError} onReload={reload} />
        </Box>
      )}
      {body}
      <ConfirmDialog
        open={!!resending}
        title={t('outbox.resendTitle')}
        text={
          <Alert severity="warning" data-testid="mail-outbox-resend-warning">
            {t('outbox.resendText')}
          </Alert>
        }
        confirmLabel={t('outbox.resendConfirm')}
        busy={!!resending && busyId === resending.id}
        error={resendError}
        onConfirm={resend}
        onClose={() => setResending(undefined)}
        testId="mail-outbox-resend-confirm"
      />
    </Box>
  );
}
