import { createContext, ReactNode, useCallback, useContext, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Link from '@mui/material/Link';
import Snackbar from '@mui/material/Snackbar';
import Typography from '@mui/material/Typography';
import InboxOutlined from '@mui/icons-material/InboxOutlined';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import { CrmApiError } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from './i18n';

export function LoadingState() {
  const { t } = useCrmT();
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 2, py: 6 }} role="status">
      <CircularProgress size={24} />
      <Typography color="text.secondary">{t('common.loading')}</Typography>
    </Box>
  );
}

export function EmptyState(props: { title: string; hint?: string; action?: ReactNode; testId?: string }) {
  return (
    <Box
      data-testid={props.testId}
      sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 1, py: 6, textAlign: 'center' }}
    >
      <InboxOutlined sx={{ fontSize: 48, color: 'text.disabled' }} />
      <Typography variant="h6">{props.title}</Typography>
      {props.hint && <Typography color="text.secondary">{props.hint}</Typography>}
      {props.action && <Box sx={{ mt: 1 }}>{props.action}</Box>}
    </Box>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useCrmT();
  const notFound = props.error instanceof CrmApiError && props.error.status === 404;
  return (
    <Box
      data-testid="crm-error-state"
      sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 1, py: 6, textAlign: 'center' }}
    >
      <ErrorOutline sx={{ fontSize: 48, color: notFound ? 'text.disabled' : 'error.main' }} />
      <Typography variant="h6">{notFound ? t('common.notFound') : t('common.loadFailed')}</Typography>
      <Typography color="text.secondary">{errorMessage(props.error)}</Typography>
      {props.onRetry && !notFound && (
        <Button variant="outlined" onClick={props.onRetry} sx={{ mt: 1 }}>
          {t('common.retry')}
        </Button>
      )}
    </Box>
  );
}

/**
 * An error from a mutation, shown inside a dialog or page: the message, plus
 * "reload" for stale versions and a link to the existing customer for duplicates.
 */
export function ApiErrorAlert(props: { error: unknown; onReload?: () => void }) {
  const { t } = useCrmT();
  const links = useCrmLinks();
  const e = props.error;
  if (!e) return null;
  if (e instanceof CrmApiError) {
    const existing = e.existing;
    if (e.isStale) {
      return (
        <Alert
          severity="warning"
          data-testid="crm-stale-alert"
          action={
            props.onReload && (
              <Button color="inherit" size="small" onClick={props.onReload}>
                {t('common.reload')}
              </Button>
            )
          }
        >
          <strong>{t('common.staleTitle')}</strong> — {e.message || t('common.staleHint')}
        </Alert>
      );
    }
    return (
      <Alert severity={e.status === 403 ? 'warning' : 'error'} data-testid="crm-error-alert">
        {e.message}
        {existing && (
          <Box sx={{ mt: 0.5 }}>
            <Link component={RouterLink} to={links.customer(existing.id)} data-testid="crm-duplicate-link">
              {t('common.duplicateOpen', { number: existing.number, name: existing.name })}
            </Link>
          </Box>
        )}
      </Alert>
    );
  }
  return (
    <Alert severity="error" data-testid="crm-error-alert">
      {errorMessage(e)}
    </Alert>
  );
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  text?: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  error?: unknown;
}) {
  const { t } = useCrmT();
  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="xs" fullWidth>
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        {props.text && <DialogContentText>{props.text}</DialogContentText>}
        {!!props.error && (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={props.error} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{t('common.cancel')}</Button>
        <Button color="error" variant="contained" onClick={props.onConfirm} disabled={props.busy} data-testid="crm-confirm">
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
  action?: { label: string; onClick: () => void };
}

const NotifyContext = createContext<(n: Omit<Note, 'key'>) => void>(() => undefined);

/** Snackbar notifications for the CRM page (with an optional action such as 撤销). */
export function NotifyProvider({ children }: { children: ReactNode }) {
  const [note, setNote] = useState<Note | null>(null);
  const notify = useCallback((n: Omit<Note, 'key'>) => setNote({ ...n, key: Date.now() }), []);
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Snackbar
        key={note?.key}
        open={!!note}
        autoHideDuration={note?.action ? 8000 : 4000}
        onClose={(_, reason) => reason !== 'clickaway' && setNote(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        <Alert
          severity={note?.severity ?? 'success'}
          variant="filled"
          onClose={() => setNote(null)}
          action={
            note?.action && (
              <Button
                color="inherit"
                size="small"
                onClick={() => {
                  note.action!.onClick();
                  setNote(null);
                }}
              >
                {note.action.label}
              </Button>
            )
          }
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
