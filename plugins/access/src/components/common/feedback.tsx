import { createContext, ReactNode, useCallback, useContext, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Snackbar from '@mui/material/Snackbar';
import Typography from '@mui/material/Typography';
import InboxOutlined from '@mui/icons-material/InboxOutlined';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import LockOutlined from '@mui/icons-material/LockOutlined';
import { AccessApiError } from '../../api/AccessClient';
import { useAccessT } from './i18n';

export function LoadingState(props: { label?: string; compact?: boolean }) {
  const { t } = useAccessT();
  return (
    <Box
      sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 2, py: props.compact ? 2 : 6 }}
      role="status"
      data-testid="access-loading"
    >
      <CircularProgress size={props.compact ? 18 : 24} />
      <Typography color="text.secondary">{props.label ?? t('common.loading')}</Typography>
    </Box>
  );
}

export function EmptyState(props: {
  title: string;
  hint?: string;
  action?: ReactNode;
  testId?: string;
  icon?: ReactNode;
}) {
  return (
    <Box
      data-testid={props.testId}
      sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 1, py: 5, textAlign: 'center' }}
    >
      {props.icon ?? <InboxOutlined sx={{ fontSize: 44, color: 'text.disabled' }} />}
      <Typography variant="h6">{props.title}</Typography>
      {props.hint && (
        <Typography color="text.secondary" sx={{ maxWidth: 520 }}>
          {props.hint}
        </Typography>
      )}
      {props.action && <Box sx={{ mt: 1 }}>{props.action}</Box>}
    </Box>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A failed load: not found and forbidden look calm, everything else offers a retry. */
export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useAccessT();
  const status = props.error instanceof AccessApiError ? props.error.status : undefined;
  const calm = status === 404 || status === 403;
  let icon = <ErrorOutline sx={{ fontSize: 44, color: 'error.main' }} />;
  if (status === 403) icon = <LockOutlined sx={{ fontSize: 44, color: 'text.disabled' }} />;
  if (status === 404) icon = <ErrorOutline sx={{ fontSize: 44, color: 'text.disabled' }} />;
  return (
    <Box
      data-testid="access-error-state"
      role="alert"
      sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 1, py: 5, textAlign: 'center' }}
    >
      {icon}
      <Typography variant="h6">{status === 404 ? t('common.notFound') : t('common.loadFailed')}</Typography>
      <Typography color="text.secondary">{errorMessage(props.error)}</Typography>
      {props.onRetry && !calm && (
        <Button variant="outlined" onClick={props.onRetry} sx={{ mt: 1 }}>
          {t('common.retry')}
        </Button>
      )}
    </Box>
  );
}

/** An error from a mutation, shown where it happened: the server's message, plus "reload" for stale versions. */
export function ApiErrorAlert(props: { error: unknown; onReload?: () => void }) {
  const { t } = useAccessT();
  const e = props.error;
  if (!e) return null;
  if (e instanceof AccessApiError && e.isStale) {
    return (
      <Alert
        severity="warning"
        data-testid="access-stale-alert"
        action={
          props.onReload && (
            <Button color="inherit" size="small" onClick={props.onReload} data-testid="access-reload">
              {t('common.reload')}
            </Button>
          )
        }
      >
        <AlertTitle>{t('common.staleTitle')}</AlertTitle>
        {e.message || t('common.staleHint')}
      </Alert>
    );
  }
  const forbidden = e instanceof AccessApiError && e.status === 403;
  return (
    <Alert severity={forbidden ? 'warning' : 'error'} data-testid="access-error-alert">
      {errorMessage(e)}
    </Alert>
  );
}

/** Field messages of a 400 answer, by path. */
export function apiFieldErrors(error: unknown): Record<string, string> {
  return error instanceof AccessApiError ? error.fields : {};
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  text?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  error?: unknown;
  /** destructive actions are red */
  tone?: 'danger' | 'primary';
}) {
  const { t } = useAccessT();
  return (
    <Dialog
      open={props.open}
      onClose={() => !props.busy && props.onClose()}
      maxWidth="xs"
      fullWidth
      aria-labelledby="access-confirm-title"
      data-testid="access-confirm-dialog"
    >
      <DialogTitle id="access-confirm-title">{props.title}</DialogTitle>
      <DialogContent>
        {props.text && <DialogContentText component="div">{props.text}</DialogContentText>}
        {!!props.error && (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={props.error} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button
          onClick={props.onClose}
          disabled={props.busy}
          // WAI-ARIA: a destructive dialog focuses its least destructive action; Esc cancels anyway
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus={props.tone !== 'primary'}
          data-testid="access-confirm-cancel"
        >
          {t('common.cancel')}
        </Button>
        <Button
          color={props.tone === 'primary' ? 'primary' : 'error'}
          variant="contained"
          onClick={props.onConfirm}
          disabled={props.busy}
          // a non-destructive confirmation (handover) is confirmed with Enter
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus={props.tone === 'primary'}
          data-testid="access-confirm"
          startIcon={props.busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

interface Note {
  key: number;
  message: string;
  severity?: 'success' | 'info' | 'warning' | 'error';
}

const NotifyContext = createContext<(n: Omit<Note, 'key'>) => void>(() => undefined);

/** Snackbar notifications for the settings page. */
export function NotifyProvider({ children }: { children: ReactNode }) {
  const [note, setNote] = useState<Note | null>(null);
  const notify = useCallback((n: Omit<Note, 'key'>) => setNote({ ...n, key: Date.now() }), []);
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Snackbar
        key={note?.key}
        open={!!note}
        autoHideDuration={4000}
        onClose={(_, reason) => reason !== 'clickaway' && setNote(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        <Alert
          severity={note?.severity ?? 'success'}
          variant="filled"
          onClose={() => setNote(null)}
          data-testid="access-notify"
        >
          {note?.message}
        </Alert>
      </Snackbar>
    </NotifyContext.Provider>
  );
}

export function useNotify() {
  return useContext(NotifyContext);
}
