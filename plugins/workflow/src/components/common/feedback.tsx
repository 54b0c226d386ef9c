import { ComponentProps, ReactNode } from 'react';
import * as suite from '@cocrm/suite-react';
import { WorkflowApiError } from '../../api/WorkflowClient';

// The suite's building blocks with the test ids the workflow tests and e2e specs look for.

export function LoadingState(props: { label?: string; compact?: boolean }) {
  return <suite.LoadingState {...props} testId="workflow-loading" />;
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  return <suite.ErrorState {...props} testId="workflow-error-state" />;
}

export function EmptyState(props: { title: string; hint?: string; action?: ReactNode; testId?: string }) {
  return <suite.EmptyState {...props} testId={props.testId ?? 'workflow-empty'} />;
}

export function ApiErrorAlert(props: { error: unknown; onReload?: () => void }) {
  return <suite.ApiErrorAlert {...props} testIdPrefix="workflow" />;
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
      alert={!!error && <ApiErrorAlert error={error} />}
      testId={testId ?? 'workflow-confirm'}
    />
  );
}

export function NotifyProvider({ children }: { children: ReactNode }) {
  return <suite.NotifyProvider testId="workflow-notify">{children}</suite.NotifyProvider>;
}

/** Field messages of a 400 answer, by path. */
export function apiFieldErrors(error: unknown): Record<string, string> {
  return error instanceof WorkflowApiError ? error.fields : {};
}

/** 409 (someone acted first) or 410 (gone): show the message and reload instead of retrying. */
export function isConflict(error: unknown): boolean {
  return error instanceof WorkflowApiError && error.isStale;
}
