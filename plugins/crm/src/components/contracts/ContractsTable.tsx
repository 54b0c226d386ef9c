import { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { Contract } from '@cocrm/plugin-crm-common';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { formatDate, formatMoney } from '../common/format';
import { useUserNames } from '../common/users';
import { ContractStatusChip } from './ContractStatusChip';

/** A customer's contracts as a plain table (the customer page); hidden fields have no column. */
export function ContractsTable({ contracts }: { contracts: Contract[] }) {
  const { fieldLabel, enumLabel } = useCrmT();
  const links = useCrmLinks();
  const userName = useUserNames();
  const access = useCrmAccess();
  const columns: Array<{ field: string; label: string; cell: (c: Contract) => ReactNode; align?: 'right' }> = [
    { field: 'number', label: fieldLabel('contractNumber'), cell: c => c.number },
    {
      field: 'name',
      label: fieldLabel('contractName'),
      cell: c => (
        <Link component={RouterLink} to={links.contract(c.id)}>
          {c.name}
        </Link>
      ),
    },
    { field: 'contractType', label: fieldLabel('contractType'), cell: c => enumLabel('contractType', c.contractType) },
    { field: 'amount', label: fieldLabel('amount'), cell: c => formatMoney(c.amount), align: 'right' },
    { field: 'signedAt', label: fieldLabel('signedAt'), cell: c => formatDate(c.signedAt) },
    { field: 'status', label: fieldLabel('approvalStatus'), cell: c => <ContractStatusChip status={c.status} /> },
    { field: 'owner', label: fieldLabel('owner'), cell: c => userName(c.owner) },
  ];
  const visible = columns.filter(c => !access.isHidden('contract', c.field));
  return (
    <Table size="small" data-testid="crm-contracts-table">
      <TableHead>
        <TableRow>
          {visible.map(c => (
            <TableCell key={c.field} align={c.align}>
              {c.label}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {contracts.map(contract => (
          <TableRow key={contract.id} hover>
            {visible.map(c => (
              <TableCell key={c.field} align={c.align}>
                {c.cell(contract)}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
