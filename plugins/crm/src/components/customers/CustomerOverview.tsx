import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { Customer } from '@cocrm/plugin-crm-common';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { useDepartmentNames } from '../common/departments';
import { useUserNames } from '../common/users';
import { formatFieldValue } from '../common/values';
import { ReactNode } from 'react';

const SECTIONS: Array<{ key: 'basic' | 'business' | 'operation' | 'relation' | 'remark'; fields: (keyof Customer)[] }> = [
  {
    key: 'basic',
    fields: ['number', 'name', 'shortName', 'type', 'level', 'status', 'phone', 'website', 'mailDomains', 'regionCode', 'address', 'postcode'],
  },
  { key: 'business', fields: ['unifiedSocialCreditCode', 'foundedOn', 'industryCode', 'industryPosition'] },
  {
    key: 'operation',
    fields: ['annualRevenue', 'expectedPurchase', 'employeeCount', 'mainCustomers', 'managementStyle'],
  },
  { key: 'relation', fields: ['parentId', 'groupId', 'channel', 'source', 'accountManagers', 'ownerDepartment'] },
  { key: 'remark', fields: ['remark', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt'] },
];

const WIDE = new Set(['mainCustomers', 'managementStyle', 'remark', 'address']);

/** 概览: every filled field the user may see, grouped like the form; empty and hidden fields are left out. */
export function CustomerOverview({ customer }: { customer: Customer }) {
  const crmT = useCrmT();
  const { t, fieldLabel } = crmT;
  const links = useCrmLinks();
  const userName = useUserNames();
  const departmentName = useDepartmentNames();
  const access = useCrmAccess();

  const render = (field: keyof Customer): ReactNode => {
    if (field === 'parentId' && customer.parentId) {
      return (
        <Link component={RouterLink} to={links.customer(customer.parentId)}>
          {customer.parentName ?? customer.parentId}
        </Link>
      );
    }
    if (field === 'groupId' && customer.groupId) {
      return (
        <Link component={RouterLink} to={links.customer(customer.groupId)}>
          {customer.groupName ?? customer.groupId}
        </Link>
      );
    }
    if (field === 'ownerDepartment') return departmentName(customer.ownerDepartment) || null;
    if (field === 'website' && customer.website) {
      const href = /^https?:\/\//i.test(customer.website) ? customer.website : `https://${customer.website}`;
      return (
        <Link href={href} target="_blank" rel="noopener noreferrer">
          {customer.website}
        </Link>
      );
    }
    const text = formatFieldValue(field, customer[field], { t: crmT, userName });
    return text || null;
  };

  const sections = SECTIONS.map(s => ({
    ...s,
    items: s.fields
      .filter(f => !access.isHidden('customer', f))
      .map(f => ({ field: f, node: render(f) }))
      .filter(i => i.node !== null && i.node !== ''),
  })).filter(s => s.items.length > 0);

  return (
    <Box data-testid="crm-customer-overview">
      {sections.map(s => (
        <Paper key={s.key} variant="outlined" sx={{ p: 2, mb: 2 }}>
          <Typography variant="subtitle1" sx={{ mb: 1.5, fontWeight: 600 }}>
            {t(`customer.section.${s.key}`)}
          </Typography>
          <Grid container spacing={2}>
            {s.items.map(i => (
              <Grid item key={i.field} xs={12} sm={WIDE.has(i.field) ? 12 : 6} md={WIDE.has(i.field) ? 12 : 4}>
                <Typography variant="caption" color="text.secondary" component="div">
                  {fieldLabel(i.field)}
                </Typography>
                <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {i.node}
                </Typography>
              </Grid>
            ))}
          </Grid>
        </Paper>
      ))}
      {sections.length === 0 && <Typography color="text.secondary">{t('customer.overviewEmpty')}</Typography>}
    </Box>
  );
}
