import { ReactNode } from 'react';
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
import { useCrmAccess } from '../common/access';

/** A compact client-side table of contacts (used on the customer page); fields hidden from the user have no column. */
export function ContactsTable({ contacts }: { contacts: Contact[] }) {
  const { t, fieldLabel } = useCrmT();
  const links = useCrmLinks();
  const access = useCrmAccess();
  const columns: Array<{ field: string; cell: (c: Contact) => ReactNode }> = [
    {
      field: 'name',
      cell: c => (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Avatar src={c.photo ?? undefined} sx={{ width: 28, height: 28, fontSize: 14 }}>
            {c.name.slice(0, 1)}
          </Avatar>
          <Link component={RouterLink} to={links.contact(c.id)}>
            {c.name}
          </Link>
        </Box>
      ),
    },
    { field: 'department', cell: c => c.department },
    { field: 'title', cell: c => c.title },
    { field: 'mobile', cell: c => c.mobile },
    { field: 'emails', cell: c => (c.emails ?? []).join(', ') },
    {
      field: 'keyDecisionMaker',
      cell: c => c.keyDecisionMaker && <Chip size="small" color="secondary" label={t('contact.kdm')} />,
    },
    { field: 'updatedAt', cell: c => formatDateTime(c.updatedAt) },
  ];
  const visible = columns.filter(col => !access.isHidden('contact', col.field));
  return (
    <Table size="small" data-testid="crm-contacts-table">
      <TableHead>
        <TableRow>
          {visible.map(col => (
            <TableCell key={col.field}>{fieldLabel(col.field)}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {contacts.map(c => (
          <TableRow key={c.id} hover>
            {visible.map(col => (
              <TableCell key={col.field}>{col.cell(c)}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
