import { ComponentProps, ReactNode } from 'react';
import * as suite from '@cocrm/suite-react';
import { AccessApiError } from '../../api/AccessClient';

// The suite's building blocks with the test ids 系统设置's tests and e2e specs look for.

export function LoadingState(props: { label?: string; compact?: boolean }) {
  return <suite.LoadingState {...props} testId="access-loading" />;
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  return <suite.ErrorState {...props} testId="access-error-state" />;
}

export function ApiErrorAlert(props: { error: unknown; onReload?: () => void }) {
  return <suite.ApiErrorAlert {...props} testIdPrefix="access" />;
}

type ConfirmDialogProps = Omit<ComponentProps<typeof suite.ConfirmDialog>, 'alert' | 'testId'> & { error?: unknown };

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { error, ...rest } = props;
  return <suite.ConfirmDialog {...rest} alert={!!error && <ApiErrorAlert error={error} />} testId="access-confirm" />;
}

export function NotifyProvider({ children }: { children: ReactNode }) {
  return <suite.NotifyProvider testId="access-notify">{children}</suite.NotifyProvider>;
}

/** Field messages of a 400 answer, by path. */
export function apiFieldErrors(error: unknown): Record<string, string> {
  return error instanceof AccessApiError ? error.fields : {};
}
