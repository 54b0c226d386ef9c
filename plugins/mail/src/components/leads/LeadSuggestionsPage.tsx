import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import PersonAddIcon from '@mui/icons-material/PersonAddAlt1Outlined';
import PersonSearchIcon from '@mui/icons-material/PersonSearch';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad, useUrlListState } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { MailLeadSuggestion, Mailbox } from '../../api/types';
import { customersLink, useMailLinks } from '../../routes';
import { EmptyState, ErrorState, LoadingState } from '../common/feedback';
import { formatAddress, formatDateTime } from '../common/format';
import { useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import { Pager } from '../common/Pager';

function MailboxCell(props: { mailbox: Mailbox | undefined }) {
  const { mailbox } = props;
  if (!mailbox) return null;
  return (
    <>
      <Typography variant="body2" noWrap>
        {mailbox.displayName || mailbox.email}
      </Typography>
      {!!mailbox.displayName && (
        <Typography variant="caption" color="text.secondary" noWrap component="div">
          {mailbox.email}
        </Typography>
      )}
    </>
  );
}

function SuggestionRow(props: { suggestion: MailLeadSuggestion; mailbox: Mailbox | undefined }) {
  const { t } = useMailT();
  const links = useMailLinks();
  const s = props.suggestion;
  const sender = formatAddress({ name: s.name ?? '', address: s.address });
  return (
    <TableRow hover data-testid={`mail-lead-${s.id}`}>
      <TableCell sx={{ maxWidth: 320 }}>
        <Typography variant="body2" noWrap sx={{ fontWeight: 600 }}>
          {s.name || s.address}
        </Typography>
        {!!s.name && (
          <Typography variant="caption" color="text.secondary" noWrap component="div">
            {s.address}
          </Typography>
        )}
      </TableCell>
      <TableCell sx={{ maxWidth: 240 }}>
        <MailboxCell mailbox={props.mailbox} />
      </TableCell>
      <TableCell align="right">{s.messageCount}</TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(s.firstAt)}</TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(s.lastAt)}</TableCell>
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        <Tooltip title={t('leads.viewMailHint')}>
          {/* the webmail opens a message id as the thread holding it */}
          <Link
            component={RouterLink}
            to={links.thread(s.firstMessageId)}
            sx={{ mr: 2 }}
            data-testid={`mail-lead-view-${s.id}`}
          >
            {t('leads.viewMail')}
          </Link>
        </Tooltip>
        <Tooltip title={t('leads.createCustomerHint', { sender })}>
          <Button
            size="small"
            variant="outlined"
            startIcon={<PersonAddIcon fontSize="small" />}
            component={RouterLink}
            to={customersLink()}
            data-testid={`mail-lead-create-${s.id}`}
          >
            {t('leads.createCustomer')}
          </Button>
        </Tooltip>
      </TableCell>
    </TableRow>
  );
}

/**
 * 线索建议: unknown external senders of the mailboxes the caller reads whose
 * owners asked for suggestions, the latest mail first, paged on the server.
 */
export function LeadSuggestionsPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const links = useMailLinks();
  const { mailboxes } = useMailboxes();
  const list = useUrlListState({ sort: 'lastAt', order: 'desc', pageSize: 25 });
  const data = useLoad(
    () => api.listLeadSuggestions({ page: list.page, pageSize: list.pageSize }),
    [api, list.page, list.pageSize],
  );
  const items = data.value?.items ?? [];
  // a later page can empty out as suggestions are answered; the pager must stay to go back
  const empty = !items.length && !data.value?.totalCount;

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value) body = <LoadingState />;
  else if (empty)
    body = (
      <EmptyState
        testId="mail-leads-empty"
        icon={<PersonSearchIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={t('leads.empty')}
        hint={t('leads.emptyHint')}
        action={
          <Button component={RouterLink} to={links.accounts} variant="outlined" size="small">
            {t('leads.openSettings')}
          </Button>
        }
      />
    );
  else
    body = (
      <>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }} data-testid="mail-leads-hint">
          {t('leads.createHint')}
        </Typography>
        <Paper variant="outlined">
          <TableContainer>
            <Table size="small" data-testid="mail-leads-table">
              <TableHead>
                <TableRow>
                  <TableCell>{t('leads.sender')}</TableCell>
                  <TableCell>{t('leads.mailbox')}</TableCell>
                  <TableCell align="right">{t('leads.messageCount')}</TableCell>
                  <TableCell>{t('leads.firstAt')}</TableCell>
                  <TableCell>{t('leads.lastAt')}</TableCell>
                  <TableCell align="right">{t('common.actions')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(s => (
                  <SuggestionRow
                    key={s.id}
                    suggestion={s}
                    mailbox={mailboxes?.find(m => m.accountId === s.accountId)}
                  />
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          <Pager list={list} totalCount={data.value.totalCount} testId="mail-leads-pager" />
        </Paper>
      </>
    );

  return (
    <Box sx={{ p: { xs: 1, md: 2 } }} data-testid="mail-leads-page">
      <Typography variant="h5" component="h1">
        {t('leads.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('leads.subtitle')}
      </Typography>
      {body}
    </Box>
  );
}
