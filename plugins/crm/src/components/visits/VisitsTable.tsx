import { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Link from '@mui/material/Link';
import type { SxProps, Theme } from '@mui/material/styles';
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
import { useCrmAccess } from '../common/access';

export function summarize(text: string | null | undefined, max = 60): string {
  if (!text) return '';
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

interface Column {
  field: string;
  label: string;
  cell: (v: Visit) => ReactNode;
  sx?: SxProps<Theme>;
  title?: (v: Visit) => string | undefined;
}

/** Visits as a plain table (customer and contact pages); fields hidden from the user have no column. */
export function VisitsTable({ visits, showCustomer = false }: { visits: Visit[]; showCustomer?: boolean }) {
  const { t, fieldLabel } = useCrmT();
  const links = useCrmLinks();
  const userName = useUserNames();
  const access = useCrmAccess();
  const all: Column[] = [
    { field: 'visitedAt', label: fieldLabel('visitedAt'), cell: v => formatDateTime(v.visitedAt), sx: { whiteSpace: 'nowrap' } },
    ...(showCustomer
      ? [
          {
            field: 'customerName',
            label: fieldLabel('customerName'),
            cell: (v: Visit) => (
              <Link component={RouterLink} to={links.customer(v.customerId)}>
                {v.customerName}
              </Link>
            ),
          },
        ]
      : []),
    { field: 'visitorRef', label: fieldLabel('visitorRef'), cell: v => userName(v.visitorRef) },
    { field: 'contactNames', label: fieldLabel('contactNames'), cell: v => (v.contactNames ?? []).join('、') },
    {
      field: 'content',
      label: fieldLabel('content'),
      cell: v => v.content,
      sx: { whiteSpace: 'pre-wrap', maxWidth: 420 },
      title: v => v.content,
    },
    { field: 'companions', label: fieldLabel('companions'), cell: v => (v.companions ?? []).map(userName).join('、') },
    { field: 'nextPlan', label: fieldLabel('nextPlan'), cell: v => v.nextPlan ?? '', sx: { whiteSpace: 'pre-wrap' } },
  ];
  const columns = all.filter(c => !access.isHidden('visit', c.field));
  return (
    <Table size="small" data-testid="crm-visits-table">
      <TableHead>
        <TableRow>
          {columns.map(c => (
            <TableCell key={c.field}>{c.label}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {visits.map(v => (
          <TableRow key={v.id} hover>
            {columns.map(c => (
              <TableCell key={c.field} sx={c.sx} title={c.title?.(v)}>
                {c.cell(v)}
              </TableCell>
            ))}
          </TableRow>
        ))}
        {visits.length === 0 && (
          <TableRow>
            <TableCell colSpan={columns.length} align="center" sx={{ color: 'text.secondary', py: 4 }}>
              {t('visit.empty')}
            </TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
