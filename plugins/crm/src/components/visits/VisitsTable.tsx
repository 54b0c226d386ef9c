import { Link as RouterLink } from 'react-router-dom';
import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { Visit } from '@cocrm/plugin-crm-common';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { formatDateTime } from '../common/format';
import { useUserNames } from '../common/users';

export function summarize(text: string | null | undefined, max = 60): string {
  if (!text) return '';
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Visits as a plain table (customer and contact pages). */
export function VisitsTable({ visits, showCustomer = false }: { visits: Visit[]; showCustomer?: boolean }) {
  const { t, fieldLabel } = useCrmT();
  const links = useCrmLinks();
  const userName = useUserNames();
  return (
    <Table size="small" data-testid="crm-visits-table">
      <TableHead>
        <TableRow>
          <TableCell>{fieldLabel('visitedAt')}</TableCell>
          {showCustomer && <TableCell>{fieldLabel('customerName')}</TableCell>}
          <TableCell>{fieldLabel('visitorRef')}</TableCell>
          <TableCell>{fieldLabel('contactNames')}</TableCell>
          <TableCell>{fieldLabel('content')}</TableCell>
          <TableCell>{fieldLabel('companions')}</TableCell>
          <TableCell>{fieldLabel('nextPlan')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {visits.map(v => (
          <TableRow key={v.id} hover>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(v.visitedAt)}</TableCell>
            {showCustomer && (
              <TableCell>
                <Link component={RouterLink} to={links.customer(v.customerId)}>
                  {v.customerName}
                </Link>
              </TableCell>
            )}
            <TableCell>{userName(v.visitorRef)}</TableCell>
            <TableCell>{v.contactNames.join('、')}</TableCell>
            <TableCell sx={{ whiteSpace: 'pre-wrap', maxWidth: 420 }} title={v.content}>
              {v.content}
            </TableCell>
            <TableCell>{v.companions.map(userName).join('、')}</TableCell>
            <TableCell sx={{ whiteSpace: 'pre-wrap' }}>{v.nextPlan ?? ''}</TableCell>
          </TableRow>
        ))}
        {visits.length === 0 && (
          <TableRow>
            <TableCell colSpan={showCustomer ? 7 : 6} align="center" sx={{ color: 'text.secondary', py: 4 }}>
              {t('visit.empty')}
            </TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
