import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import InboxOutlined from '@mui/icons-material/InboxOutlined';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import LockOutlined from '@mui/icons-material/LockOutlined';
import { useSuiteT } from './i18n';

/**
 * The HTTP status an error carries, if any. Recognised by shape rather than
 * class, so every plugin's own API error class qualifies without this library
 * knowing it.
 */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null | undefined)?.status;
  return typeof error === 'object' && typeof status === 'number' ? status : undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function LoadingState(props: { label?: string; compact?: boolean; testId?: string }) {
  const { t } = useSuiteT();
  return (
    <Box
      sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 2, py: props.compact ? 2 : 6 }}
      role="status"
      data-testid={props.testId}
    >
      <CircularProgress size={props.compact ? 18 : 24} />
      <Typography color="text.secondary">{props.label ?? t('states.loading')}</Typography>
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

/**
 * A failed load. Not found and forbidden look calm and offer no retry (it
 * would fail the same way); everything else is red and offers one.
 */
export function ErrorState(props: { error: unknown; onRetry?: () => void; testId?: string }) {
  const { t } = useSuiteT();
  const status = httpStatus(props.error);
  const calm = status === 404 || status === 403;
  let icon = <ErrorOutline sx={{ fontSize: 44, color: 'error.main' }} />;
  if (status === 403) icon = <LockOutlined sx={{ fontSize: 44, color: 'text.disabled' }} />;
  if (status === 404) icon = <ErrorOutline sx={{ fontSize: 44, color: 'text.disabled' }} />;
  return (
    <Box
      data-testid={props.testId}
      role="alert"
      sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 1, py: 5, textAlign: 'center' }}
    >
      {icon}
      <Typography variant="h6">{status === 404 ? t('states.notFound') : t('states.loadFailed')}</Typography>
      <Typography color="text.secondary">{errorMessage(props.error)}</Typography>
      {props.onRetry && !calm && (
        <Button variant="outlined" onClick={props.onRetry} sx={{ mt: 1 }}>
          {t('states.retry')}
        </Button>
      )}
    </Box>
  );
}
