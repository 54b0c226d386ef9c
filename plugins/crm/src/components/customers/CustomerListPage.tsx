import { useMemo, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import RestoreIcon from '@mui/icons-material/RestoreFromTrash';
import { GridColDef } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  industryLabel,
  regionLabel,
} from '@cocrm/plugin-crm-common';
import type { Customer, CustomerLevel, CustomerListQuery, CustomerStatus } from '@cocrm/plugin-crm-common';
import { EmptyState, SearchBox, ServerGrid, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { useDepartmentNames } from '../common/departments';
import { ExportButton } from '../common/download';
import { ErrorState } from '../common/feedback';
import { formatDateTime, formatMoney } from '../common/format';
import { EnumMultiSelect, IndustrySelect, LevelChip, RegionSelect, StatusChip } from '../common/selects';
import { SingleUserPicker, useUserNames } from '../common/users';
import { CustomerFormDialog } from './CustomerFormDialog';

const FILTER_KEYS = [
  'q',
  'industry',
  'region',
  'level',
  'status',
  'accountManager',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'updatedTo',
];

/** URL filter → the customer field it reveals; such filters go away when the field is hidden. */
const FILTER_FIELDS: Record<string, string> = { industry: 'industryCode', region: 'regionCode', level: 'level' };

export function DateRange(props: {
  label: string;
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
  testId?: string;
}) {
  const { t } = useCrmT();
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
      <TextField
        size="small"
        type="date"
        label={`${props.label} ${t('common.from')}`}
        InputLabelProps={{ shrink: true }}
        value={props.from}
        onChange={e => props.onChange(e.target.value, props.to)}
        inputProps={{ 'data-testid': props.testId && `${props.testId}-from` }}
      />
      <TextField
        size="small"
        type="date"
        label={t('common.to')}
        InputLabelProps={{ shrink: true }}
        value={props.to}
        onChange={e => props.onChange(props.from, e.target.value)}
        inputProps={{ 'data-testid': props.testId && `${props.testId}-to` }}
      />
    </Box>
  );
}

export function CustomerListPage() {
  const { t, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const links = useCrmLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const userName = useUserNames();
  const departmentName = useDepartmentNames();
  const access = useCrmAccess();
  const hidden = (field: string) => access.isHidden('customer', field);
  const list = useUrlListState({ sort: 'updatedAt', order: 'desc', isSortable: f => !hidden(f) });
  const [creating, setCreating] = useState(false);
  const deleted = list.get('deleted') === 'true';
  const canCreate = access.can('customer', 'create');
  const filterKeys = FILTER_KEYS.filter(k => !FILTER_FIELDS[k] || !hidden(FILTER_FIELDS[k]));
  /** A filter's URL value, unless it is about a field hidden from the user (a shared link may carry one). */
  const filter = (key: string) => (filterKeys.includes(key) ? list.get(key) : '');

  const query: CustomerListQuery = {
    page: list.page,
    pageSize: list.pageSize,
    sort: list.sort,
    order: list.order,
    q: list.get('q') || undefined,
    industry: filter('industry') || undefined,
    region: filter('region') || undefined,
    level: filter('level').split(',').filter(Boolean) as CustomerLevel[],
    status: list.getList('status') as CustomerStatus[],
    accountManager: list.get('accountManager') || undefined,
    createdFrom: list.get('createdFrom') || undefined,
    createdTo: list.get('createdTo') || undefined,
    updatedFrom: list.get('updatedFrom') || undefined,
    updatedTo: list.get('updatedTo') || undefined,
    deleted: deleted || undefined,
  };
  const queryKey = JSON.stringify(query);
  const data = useLoad(() => api.listCustomers(query), [api, queryKey]);
  const filtered = filterKeys.some(k => list.get(k));
  const { page: _page, pageSize: _pageSize, ...exportQuery } = query;

  const restore = async (c: Customer) => {
    try {
      await api.restoreCustomer(c.id);
      notify({ message: t('common.restored') });
      data.retry();
    } catch (e) {
      notify({ message: (e as Error).message, severity: 'error' });
    }
  };

  const columns = useMemo<GridColDef<Customer>[]>(() => {
    const all: GridColDef<Customer>[] = [
      { field: 'number', headerName: fieldLabel('number'), width: 110 },
      {
        field: 'name',
        headerName: fieldLabel('name'),
        flex: 1.5,
        minWidth: 180,
        renderCell: p =>
          deleted ? (
            p.row.name
          ) : (
            <Link component={RouterLink} to={links.customer(p.row.id)}>
              {p.row.name}
            </Link>
          ),
      },
      { field: 'shortName', headerName: fieldLabel('shortName'), width: 110, sortable: false },
      {
        field: 'level',
        headerName: fieldLabel('level'),
        width: 120,
        renderCell: p => <LevelChip level={p.row.level} />,
      },
      {
        field: 'status',
        headerName: fieldLabel('status'),
        width: 100,
        renderCell: p => <StatusChip status={p.row.status} />,
      },
      // early in the row: the grid only renders the columns in view, and this one matters
      {
        field: 'annualRevenue',
        headerName: fieldLabel('annualRevenue'),
        width: 150,
        align: 'right',
        headerAlign: 'right',
        valueGetter: (_v, row) => formatMoney(row.annualRevenue),
      },
      {
        field: 'industryCode',
        headerName: fieldLabel('industryCode'),
        flex: 1,
        minWidth: 140,
        valueGetter: (_v, row) => (row.industryCode ? industryLabel(row.industryCode) : ''),
      },
      {
        field: 'regionCode',
        headerName: fieldLabel('regionCode'),
        flex: 1,
        minWidth: 140,
        sortable: false,
        valueGetter: (_v, row) => (row.regionCode ? regionLabel(row.regionCode) : ''),
      },
      {
        field: 'accountManagers',
        headerName: fieldLabel('accountManagers'),
        width: 140,
        sortable: false,
        valueGetter: (_v, row) => row.accountManagers.map(userName).join('、'),
      },
      {
        field: 'updatedAt',
        headerName: fieldLabel('updatedAt'),
        width: 150,
        valueGetter: (_v, row) => formatDateTime(row.updatedAt),
      },
      {
        field: 'ownerDepartment',
        headerName: fieldLabel('ownerDepartment'),
        width: 140,
        sortable: false,
        valueGetter: (_v, row) => departmentName(row.ownerDepartment),
      },
    ];
    const cols = all.filter(c => !hidden(c.field));
    if (deleted) {
      cols.push({
        field: 'actions',
        headerName: t('common.actions'),
        width: 110,
        sortable: false,
        renderCell: p => (
          <Button size="small" startIcon={<RestoreIcon />} onClick={() => restore(p.row)} data-testid="crm-restore">
            {t('common.restore')}
          </Button>
        ),
      });
    }
    return cols;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [deleted, t, userName, departmentName, access, links.base]);

  const empty = data.value && data.value.totalCount === 0 && !data.loading;

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {deleted ? `${t('customer.listTitle')} · ${t('common.recycleBin')}` : t('customer.listTitle')}
        </Typography>
        <FormControlLabel
          control={
            <Switch
              checked={deleted}
              onChange={e => list.update({ deleted: e.target.checked ? 'true' : null })}
              inputProps={{ 'aria-label': t('common.recycleBin') }}
              data-testid="crm-recycle-toggle"
            />
          }
          label={t('common.recycleBin')}
        />
        {access.can('customer', 'export') && <ExportButton onExport={() => api.exportCustomers(exportQuery)} />}
        {canCreate && (
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid="crm-new-customer">
            {t('customer.new')}
          </Button>
        )}
      </Box>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
          <SearchBox list={list} placeholder={t('customer.searchPlaceholder')} testId="crm-customer-search" />
          {!hidden('level') && (
            <EnumMultiSelect
              group="level"
              values={CUSTOMER_LEVELS}
              label={t('customer.filter.level')}
              value={list.getList('level') as CustomerLevel[]}
              onChange={v => list.update({ level: v })}
              testId="crm-filter-level"
            />
          )}
          <EnumMultiSelect
            group="status"
            values={CUSTOMER_STATUSES}
            label={t('customer.filter.status')}
            value={list.getList('status') as CustomerStatus[]}
            onChange={v => list.update({ status: v })}
            testId="crm-filter-status"
          />
          <Box sx={{ minWidth: 200 }}>
            <SingleUserPicker
              label={t('customer.filter.accountManager')}
              value={list.get('accountManager') || null}
              onChange={v => list.update({ accountManager: v })}
            />
          </Box>
          {!hidden('industryCode') && (
            <Box sx={{ minWidth: 320 }}>
              <IndustrySelect mode="filter" value={list.get('industry') || null} onChange={v => list.update({ industry: v })} />
            </Box>
          )}
          {!hidden('regionCode') && (
            <Box sx={{ minWidth: 380 }}>
              <RegionSelect mode="filter" value={list.get('region') || null} onChange={v => list.update({ region: v })} />
            </Box>
          )}
          <DateRange
            label={t('customer.filter.created')}
            from={list.get('createdFrom')}
            to={list.get('createdTo')}
            onChange={(from, to) => list.update({ createdFrom: from, createdTo: to })}
            testId="crm-filter-created"
          />
          <DateRange
            label={t('customer.filter.updated')}
            from={list.get('updatedFrom')}
            to={list.get('updatedTo')}
            onChange={(from, to) => list.update({ updatedFrom: from, updatedTo: to })}
            testId="crm-filter-updated"
          />
          {filtered && (
            <Button onClick={() => list.clear(filterKeys)} data-testid="crm-clear-filters">
              {t('common.clearFilters')}
            </Button>
          )}
        </Box>
      </Paper>
      {/* eslint-disable-next-line no-nested-ternary */}
      {data.error && !data.value ? (
        <ErrorState error={data.error} onRetry={data.retry} />
      ) : empty ? (
        <EmptyState
          testId="crm-customers-empty"
          title={deleted ? t('customer.emptyDeleted') : t('customer.empty')}
          hint={deleted ? undefined : t('customer.emptyHint')}
          action={
            !deleted && (
              <Box sx={{ display: 'flex', gap: 1 }}>
                {canCreate && (
                  <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
                    {t('customer.new')}
                  </Button>
                )}
                {filtered && <Button onClick={() => list.clear(filterKeys)}>{t('common.clearFilters')}</Button>}
              </Box>
            )
          }
        />
      ) : (
        <>
          {data.error && <ErrorState error={data.error} onRetry={data.retry} />}
          <ServerGrid<Customer>
            list={list}
            rows={data.value?.items ?? []}
            totalCount={data.value?.totalCount ?? 0}
            loading={data.loading}
            columns={columns}
            // 归属部门 is there for those who want it, not in everyone's way
            initialState={{ columns: { columnVisibilityModel: { ownerDepartment: false } } }}
            aria-label={t('customer.listTitle')}
          />
        </>
      )}
      <CustomerFormDialog
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={c => {
          setCreating(false);
          notify({ message: t('customer.created', { number: c.number }) });
          navigate(links.customer(c.id));
        }}
      />
    </Box>
  );
}
