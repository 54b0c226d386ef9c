import { ComponentProps } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import * as suite from '@cocrm/suite-react';
import { CrmApiError } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from './i18n';

// The suite's building blocks with the CRM's test ids, plus what only the CRM knows.

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  return <suite.ErrorState {...props} testId="crm-error-state" />;
}

/** The suite's alert plus, for a duplicate, a link to the customer that already exists. */
export function ApiErrorAlert(props: { error: unknown; onReload?: () => void }) {
  const { t } = useCrmT();
  const links = useCrmLinks();
  const existing = props.error instanceof CrmApiError ? props.error.existing : undefined;
  return (
    <suite.ApiErrorAlert {...props} testIdPrefix="crm">
      {existing && (
        <Box sx={{ mt: 0.5 }}>
          <Link component={RouterLink} to={links.customer(existing.id)} data-testid="crm-duplicate-link">
            {t('common.duplicateOpen', { number: existing.number, name: existing.name })}
          </Link>
        </Box>
      )}
    </suite.ApiErrorAlert>
  );
}

type ConfirmDialogProps = Omit<ComponentProps<typeof suite.ConfirmDialog>, 'alert' | 'testId'> & { error?: unknown };

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { error, ...rest } = props;
  return <suite.ConfirmDialog {...rest} alert={!!error && <ApiErrorAlert error={error} />} testId="crm-confirm" />;
}
