import { Link as RouterLink } from 'react-router-dom';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { Contact } from '@cocrm/plugin-crm-common';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { formatDateTime } from '../common/format';

/** A compact client-side table of contacts (used on the customer page). */
export function ContactsTable({ contacts }: { contacts: Contact[] }) {
  const { t, fieldLabel } = useCrmT();
  const links = useCrmLinks();
  return (
    <Table size="small" data-testid="crm-contacts-table">
      <TableHead>
        <TableRow>
          <TableCell>{fieldLabel('name')}</TableCell>
          <TableCell>{fieldLabel('department')}</TableCell>
          <TableCell>{fieldLabel('title')}</TableCell>
          <TableCell>{fieldLabel('mobile')}</TableCell>
          <TableCell>{fieldLabel('emails')}</TableCell>
          <TableCell>{fieldLabel('keyDecisionMaker')}</TableCell>
          <TableCell>{fieldLabel('updatedAt')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {contacts.map(c => (
          <TableRow key={c.id} hover>
            <TableCell>
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                <Avatar src={c.photo ?? undefined} sx={{ width: 28, height: 28, fontSize: 14 }}>
                  {c.name.slice(0, 1)}
                </Avatar>
                <Link component={RouterLink} to={links.contact(c.id)}>
                  {c.name}
                </Link>
              </Box>
            </TableCell>
            <TableCell>{c.department}</TableCell>
            <TableCell>{c.title}</TableCell>
            <TableCell>{c.mobile}</TableCell>
            <TableCell>{c.emails.join(', ')}</TableCell>
            <TableCell>{c.keyDecisionMaker && <Chip size="small" color="secondary" label={t('contact.kdm')} />}</TableCell>
            <TableCell>{formatDateTime(c.updatedAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
