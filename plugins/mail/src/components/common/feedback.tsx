import { ComponentProps, ReactNode } from 'react';
import * as suite from '@cocrm/suite-react';
import { MailApiError } from '../../api/MailClient';

// The suite's building blocks with the test ids the mail tests and e2e specs look for.

export function LoadingState(props: { label?: string; compact?: boolean }) {
  return <suite.LoadingState {...props} testId="mail-loading" />;
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  return <suite.ErrorState {...props} testId="mail-error-state" />;
}

export function EmptyState(props: {
  title: string;
  hint?: string;
  action?: ReactNode;
  testId?: string;
  icon?: ReactNode;
}) {
  return <suite.EmptyState {...props} testId={props.testId ?? 'mail-empty'} />;
}

export function ApiErrorAlert(props: {
  error: unknown;
  onReload?: () => void;
  testIdPrefix?: string;
  children?: ReactNode;
}) {
  return <suite.ApiErrorAlert {...props} testIdPrefix={props.testIdPrefix ?? 'mail'} />;
}

type ConfirmDialogProps = Omit<ComponentProps<typeof suite.ConfirmDialog>, 'alert' | 'testId'> & {
  error?: unknown;
  testId?: string;
};

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { error, testId, ...rest } = props;
  return (
    <suite.ConfirmDialog
      {...rest}
      alert={!!error && <ApiErrorAlert error={error} testIdPrefix={`${testId ?? 'mail-confirm'}`} />}
      testId={testId ?? 'mail-confirm'}
    />
  );
}

export function NotifyProvider({ children }: { children: ReactNode }) {
  return <suite.NotifyProvider testId="mail-notify">{children}</suite.NotifyProvider>;
}

/** Field messages of an answer (400 validation, 409 clash), by path ("imap.host"). */
export function apiFieldErrors(error: unknown): Record<string, string> {
  return error instanceof MailApiError ? error.fields : {};
}
