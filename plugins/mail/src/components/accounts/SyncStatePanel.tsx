import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad, useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { MailSyncFailure } from '../../api/types';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { formatDateTime, formatRelative } from '../common/format';
import { useMailT } from '../common/i18n';

const COUNT_KEYS = ['messages', 'parsed', 'pending', 'failed', 'deleted'] as const;

/** A failure row may name the mail by subject when the server knows it; else by its key (Message-ID). */
function failureLabel(f: MailSyncFailure & { subject?: string | null }): string {
  if (f.subject) return f.subject;
  return f.messageKey.replace(/^m:/, '');
}

/**
 * One mailbox's sync state: last sync, counts, the last error and every
 * message that failed (with its reason) — each can be tried again. `nonce`
 * reloads it (after 立即同步).
 */
export function SyncStatePanel(props: { accountId: string; nonce: number }) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const data = useLoad(() => api.getSyncState(props.accountId), [api, props.accountId, props.nonce]);
  const [busyId, setBusyId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const { retry: reload } = data;
  const state = data.value;

  // a sync under way (pending mail) is followed until it settles
  const pending = (state?.counts.pending ?? 0) > 0;
  useEffect(() => {
    if (!pending) return undefined;
    const h = setInterval(reload, 10_000);
    return () => clearInterval(h);
  }, [pending, reload]);

  const retry = async (f: MailSyncFailure) => {
    setBusyId(f.messageId);
    setError(undefined);
    try {
      await api.retryMessage(props.accountId, f.messageId);
      notify({ message: t('accounts.failures.retried') });
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusyId(undefined);
    }
  };

  if (data.error && !state) return <ErrorState error={data.error} onRetry={reload} />;
  if (!state)
    return (
      <Box data-testid={`mail-sync-loading-${props.accountId}`}>
        <Skeleton width="40%" />
        <Skeleton width="70%" />
      </Box>
    );

  return (
    <Box data-testid={`mail-sync-state-${props.accountId}`}>
      <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, mb: 1 }}>
        <Typography variant="body2" color="text.secondary" data-testid={`mail-sync-last-${props.accountId}`}>
          {t('accounts.lastSyncLine', {
            time: state.lastSyncAt
              ? t('accounts.timeWithRelative', {
                  time: formatDateTime(state.lastSyncAt),
                  relative: formatRelative(state.lastSyncAt, t),
                })
              : t('accounts.never'),
          })}
        </Typography>
        {COUNT_KEYS.map(k => (
          <Chip
            key={k}
            size="small"
            variant="outlined"
            color={k === 'failed' && state.counts.failed > 0 ? 'error' : 'default'}
            label={`${t(`accounts.counts.${k}`)} ${state.counts[k] ?? 0}`}
            data-testid={`mail-sync-count-${k}-${props.accountId}`}
          />
        ))}
      </Box>
      {state.lastError && (
        <Alert severity="error" sx={{ mb: 1 }} data-testid={`mail-sync-error-${props.accountId}`}>
          {t('accounts.lastErrorLine', { error: state.lastError })}
        </Alert>
      )}
      {!!error && (
        <Box sx={{ mb: 1 }}>
          <ApiErrorAlert error={error} />
        </Box>
      )}
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        {t('accounts.failures.title')}
      </Typography>
      {state.failures.length ? (
        <Table size="small" data-testid={`mail-sync-failures-${props.accountId}`}>
          <TableHead>
            <TableRow>
              <TableCell>{t('accounts.failures.message')}</TableCell>
              <TableCell>{t('accounts.failures.reason')}</TableCell>
              <TableCell>{t('accounts.failures.attempts')}</TableCell>
              <TableCell>{t('accounts.failures.time')}</TableCell>
              <TableCell align="right">{t('common.actions')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {state.failures.map(f => (
              <TableRow key={f.messageId} data-testid={`mail-sync-failure-${f.messageId}`}>
                <TableCell sx={{ maxWidth: 280, overflowWrap: 'anywhere' }}>{failureLabel(f)}</TableCell>
                <TableCell sx={{ maxWidth: 360, overflowWrap: 'anywhere' }}>{f.reason}</TableCell>
                <TableCell>{f.attempts}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(f.failedAt)}</TableCell>
                <TableCell align="right">
                  <Button
                    size="small"
                    onClick={() => retry(f)}
                    disabled={busyId === f.messageId}
                    data-testid={`mail-sync-retry-${f.messageId}`}
                  >
                    {t('accounts.failures.retry')}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2" color="text.secondary" data-testid={`mail-sync-no-failures-${props.accountId}`}>
          {t('accounts.failures.none')}
        </Typography>
      )}
    </Box>
  );
}
