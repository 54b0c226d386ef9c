import { useEffect, useRef } from 'react';
import { Link as RouterLink, useLocation, useSearchParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useMailLinks } from '../../routes';
import { parseAddress } from '../common/addresses';
import { ApiErrorAlert, ErrorState, LoadingState, apiFieldErrors } from '../common/feedback';
import { useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import type { ComposeReturn } from '../common/useStartCompose';
import { useStartCompose } from '../common/useStartCompose';

/**
 * `/mail/compose/new?to=<address>&customerId=<id>`: the way other plugins
 * (the CRM's contact page) start a mail. Creates the draft from the caller's
 * first own mailbox — shared ones only when there is no own one — and puts
 * the draft's own page in this URL's place, so Back does not create another.
 */
export function ComposeNewPage() {
  const { t } = useMailT();
  const links = useMailLinks();
  const location = useLocation();
  const [params] = useSearchParams();
  const { mailboxes, error, reload } = useMailboxes();
  const compose = useStartCompose();
  const { start } = compose;
  const started = useRef('');
  // set by the page that linked here (router state): an address typed into the URL cannot send anyone elsewhere
  const returnTo = (location.state as ComposeReturn | null)?.returnTo;

  const accountId = (mailboxes?.find(m => m.kind !== 'shared') ?? mailboxes?.[0])?.accountId;
  const to = params
    .getAll('to')
    .flatMap(v => v.split(/[,;，；]/))
    .map(v => v.trim())
    .filter(Boolean)
    .map(parseAddress);
  const customerId = params.get('customerId') || undefined;

  const begin = () => {
    if (!accountId) return;
    started.current = location.key;
    start({ accountId, mode: 'new', to, customerId, returnTo, replace: true });
  };

  useEffect(() => {
    // once per visit of this URL (React may run effects twice)
    if (accountId && started.current !== location.key) begin();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accountId, location.key]);

  if (error && !mailboxes) return <ErrorState error={error} onRetry={reload} />;
  if (mailboxes && !accountId) {
    return (
      <Box sx={{ p: 2, maxWidth: 720 }} data-testid="mail-compose-new">
        <Alert
          severity="info"
          data-testid="mail-compose-new-no-mailbox"
          action={
            <Button component={RouterLink} to={links.accounts} color="inherit" size="small">
              {t('compose.connectMailbox')}
            </Button>
          }
        >
          {t('compose.connectFirst')}
        </Alert>
      </Box>
    );
  }
  if (compose.error) {
    return (
      <Box sx={{ p: 2, maxWidth: 720 }} data-testid="mail-compose-new">
        <ApiErrorAlert error={compose.error} testIdPrefix="mail-compose-new">
          {Object.values(apiFieldErrors(compose.error)).map(message => (
            <div key={message}>{message}</div>
          ))}
        </ApiErrorAlert>
        <Box sx={{ mt: 2, display: 'flex', gap: 1 }}>
          <Button variant="outlined" onClick={begin} data-testid="mail-compose-new-retry">
            {t('common.retry')}
          </Button>
          <Button component={RouterLink} to={links.inbox}>
            {t('nav.backToMail')}
          </Button>
        </Box>
      </Box>
    );
  }
  return (
    <Box data-testid="mail-compose-new">
      <LoadingState label={t('compose.starting')} />
    </Box>
  );
}
