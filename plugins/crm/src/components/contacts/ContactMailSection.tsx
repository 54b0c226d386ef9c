import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Paper from '@mui/material/Paper';
import TablePagination from '@mui/material/TablePagination';
import Typography from '@mui/material/Typography';
import CallMadeIcon from '@mui/icons-material/CallMade';
import CallReceivedIcon from '@mui/icons-material/CallReceived';
import MailIcon from '@mui/icons-material/MailOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import { mailThreadPath } from '@cocrm/plugin-crm-common';
import type { RoutedMailEntry } from '@cocrm/plugin-crm-common';
import { EmptyState, LoadingState, useLoad } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { customerMailThreadLink } from '../../routes';
import { useCrmT } from '../common/i18n';
import { formatDateTime } from '../common/format';

const PAGE_SIZE = 10;

function sender(entry: RoutedMailEntry): string {
  const from = entry.from;
  if (!from) return '';
  return from.name ? `${from.name} <${from.address}>` : from.address;
}

/**
 * 邮件 of a contact: what the mail plugin routed to them and the signed-in
 * user may read (own mailboxes, and shared ones as far as they are shared:
 * a mailbox that shares subjects only shows no text).
 */
export function ContactMailSection({ contactId }: { contactId: string }) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const [page, setPage] = useState(0);
  const mail = useLoad(() => api.listContactMail(contactId, { page, pageSize: PAGE_SIZE }), [api, contactId, page]);

  let body;
  if (mail.error) {
    body = (
      <Alert
        severity="warning"
        data-testid="crm-contact-mail-error"
        action={
          <Button color="inherit" size="small" onClick={mail.retry}>
            {t('contact.mail.retry')}
          </Button>
        }
      >
        {t('contact.mail.unavailable')}
      </Alert>
    );
  } else if (!mail.value) {
    body = <LoadingState compact />;
  } else if (mail.value.totalCount === 0) {
    body = <EmptyState title={t('contact.mail.empty')} icon={<MailIcon sx={{ fontSize: 44, color: 'text.disabled' }} />} testId="crm-contact-mail-empty" />;
  } else {
    body = (
      <>
        <List disablePadding data-testid="crm-contact-mail">
          {mail.value.items.map(entry => (
            <ListItem key={entry.id} divider alignItems="flex-start" sx={{ display: 'block' }} data-testid="crm-contact-mail-item">
              <Box sx={{ display: 'flex', gap: 1, alignItems: 'baseline', flexWrap: 'wrap' }}>
                <Chip
                  size="small"
                  variant="outlined"
                  icon={entry.direction === 'out' ? <CallMadeIcon /> : <CallReceivedIcon />}
                  label={entry.direction === 'out' ? t('contact.mail.sent') : t('contact.mail.received')}
                />
                <Link component={RouterLink} to={entry.customerId ? customerMailThreadLink(entry.customerId, entry.threadId) : mailThreadPath(entry.threadId)} title={t('contact.mail.openThread')} sx={{ fontWeight: 600, wordBreak: 'break-word' }}>
                  {entry.subject || t('contact.mail.noSubject')}
                </Link>
                <Box sx={{ flex: 1 }} />
                <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(entry.at)}
                </Typography>
              </Box>
              <Typography variant="body2" color="text.secondary" sx={{ wordBreak: 'break-word' }}>
                {sender(entry)}
              </Typography>
              {entry.visibility === 'subject' ? (
                <Typography variant="body2" color="text.disabled" sx={{ fontStyle: 'italic' }}>
                  {t('contact.mail.subjectOnly')}
                </Typography>
              ) : (
                entry.snippet && (
                  <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                    {entry.snippet}
                  </Typography>
                )
              )}
            </ListItem>
          ))}
        </List>
        {mail.value.totalCount > PAGE_SIZE && (
          <TablePagination
            component="div"
            count={mail.value.totalCount}
            page={page}
            rowsPerPage={PAGE_SIZE}
            rowsPerPageOptions={[PAGE_SIZE]}
            onPageChange={(_e, p) => setPage(p)}
          />
        )}
      </>
    );
  }

  return (
    <Box sx={{ mb: 2 }} data-testid="crm-contact-mail-section">
      <Typography variant="h6" sx={{ mb: 1 }}>
        {t('contact.mail.title')}
      </Typography>
      <Paper variant="outlined">{body}</Paper>
    </Box>
  );
}
