import { ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import { useSuiteT } from './i18n';
import { errorMessage, httpStatus } from './states';

/** An error that says someone else saved first; recognised by shape like httpStatus. */
function isStale(error: unknown): boolean {
  return typeof error === 'object' && (error as { isStale?: unknown } | null)?.isStale === true;
}

/**
 * An error from a mutation, shown where it happened: the server's message,
 * plus "reload" for stale versions. Test ids are `<testIdPrefix>-stale-alert`,
 * `<testIdPrefix>-reload` and `<testIdPrefix>-error-alert`.
 */
export function ApiErrorAlert(props: {
  error: unknown;
  onReload?: () => void;
  testIdPrefix?: string;
  /** shown under the message of a non-stale error (e.g. a link to the record a duplicate clashes with) */
  children?: ReactNode;
}) {
  const { t } = useSuiteT();
  const e = props.error;
  const id = (suffix: string) => (props.testIdPrefix ? `${props.testIdPrefix}-${suffix}` : undefined);
  if (!e) return null;
  if (isStale(e)) {
    return (
      <Alert
        severity="warning"
        data-testid={id('stale-alert')}
        action={
          props.onReload && (
            <Button color="inherit" size="small" onClick={props.onReload} data-testid={id('reload')}>
              {t('alerts.reload')}
            </Button>
          )
        }
      >
        <AlertTitle>{t('alerts.staleTitle')}</AlertTitle>
        {errorMessage(e) || t('alerts.staleHint')}
      </Alert>
    );
  }
  return (
    <Alert severity={httpStatus(e) === 403 ? 'warning' : 'error'} data-testid={id('error-alert')}>
      {errorMessage(e)}
      {props.children}
    </Alert>
  );
}
