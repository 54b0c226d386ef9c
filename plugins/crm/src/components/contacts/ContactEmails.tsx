import { Link as RouterLink, useLocation } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import EditIcon from '@mui/icons-material/EditOutlined';
import { mailComposeLink } from '../../routes';
import { useCrmT } from '../common/i18n';

/**
 * A contact's e-mail addresses, each with 写邮件: a new mail in the mail
 * plugin to that address, for the contact's customer. The mail page comes
 * back here after sending (router state, as the mail plugin's own pages do).
 */
export function ContactEmails(props: { emails: string[]; customerId: string; canWrite: boolean }) {
  const { t } = useCrmT();
  const { pathname } = useLocation();
  return (
    <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none' }} data-testid="crm-contact-emails">
      {props.emails.map(address => (
        <Box component="li" key={address} sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="body2" sx={{ wordBreak: 'break-all' }}>
            {address}
          </Typography>
          {props.canWrite && (
            <Button
              size="small"
              startIcon={<EditIcon fontSize="small" />}
              component={RouterLink}
              to={mailComposeLink(address, props.customerId)}
              state={{ returnTo: pathname }}
              aria-label={t('contact.mail.writeTo', { address })}
              sx={{ py: 0 }}
            >
              {t('contact.mail.write')}
            </Button>
          )}
        </Box>
      ))}
    </Box>
  );
}
