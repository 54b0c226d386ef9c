import { useMemo, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import RestoreIcon from '@mui/icons-material/RestoreFromTrash';
import { GridColDef } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import { CONTRACT_STATUSES, CONTRACT_TYPES } from '@cocrm/plugin-crm-common';
import type { Contract, ContractListQuery, ContractStatus, ContractType } from '@cocrm/plugin-crm-common';
import { EmptyState, SearchBox, ServerGrid, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { useDepartmentNames } from '../common/departments';
import { ExportButton } from '../common/download';
import { ErrorState } from '../common/feedback';
import { formatDate, formatDateTime, formatMoney } from '../common/format';
import { CustomerAutocomplete, EnumMultiSelect } from '../common/selects';
import { SingleUserPicker, useUserNames } from '../common/users';
import { DateRange } from '../customers/CustomerListPage';
import { ContractFormDialog, canCreateContracts } from './ContractFormDialog';
import { ContractStatusChip } from './ContractStatusChip';

const FILTER_KEYS = ['q', 'status', 'contractType', 'customerId', 'customerName', 'owner', 'signedFrom', 'signedTo'];

/** URL filter → the contract field it reveals; such filters go away when the field is hidden. */
const FILTER_FIELDS: Record<string, string> = { contractType: 'contractType', signedFrom: 'signedAt', signedTo: 'signedAt' };

/** 合同: server-paged, searchable by 编号 / 名称 / 客户, filtered by status, type, customer, owner and 签订日期. */
export function ContractListPage() {
  const { t, fieldLabel, enumLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const links = useCrmLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const userName = useUserNames();
  const departmentName = useDepartmentNames();
  const access = useCrmAccess();
  const hidden = (field: string) => access.isHidden('contract', field);
  const list = useUrlListState({ sort: 'updatedAt', order: 'desc', isSortable: f => !hidden(f) });
  const [creating, setCreating] = useState(false);
  const deleted = list.get('deleted') === 'true';
  const filterKeys = FILTER_KEYS.filter(k => !FILTER_FIELDS[k] || !hidden(FILTER_FIELDS[k]));
  const filter = (key: string) => (filterKeys.includes(key) ? list.get(key) : '');

  const query: ContractListQuery = {
    page: list.page,
    pageSize: list.pageSize,
    sort: list.sort,
    order: list.order,
    q: list.get('q') || undefined,
    status: list.getList('status') as ContractStatus[],
    contractType: filter('contractType').split(',').filter(Boolean) as ContractType[],
    customerId: list.get('customerId') || undefined,
    owner: list.get('owner') || undefined,
    signedFrom: filter('signedFrom') || undefined,
    signedTo: filter('signedTo') || undefined,
    deleted: deleted || undefined,
  };
  const key = JSON.stringify(query);
  const data = useLoad(() => api.listContracts(query), [api, key]);
  const filtered = filterKeys.some(k => list.get(k));
  const { page: _page, pageSize: _pageSize, ...exportQuery } = query;

  const restore = async (c: Contract) => {
    try {
      await api.restoreContract(c.id);
      notify({ message: t('common.restored') });
      data.retry();
    } catch (e) {
      notify({ message: (e as Error).message, severity: 'error' });
    }
  };

  const columns = useMemo<GridColDef<Contract>[]>(() => {
    const all: GridColDef<Contract>[] = [
      { field: 'number', headerName: fieldLabel('contractNumber'), width: 110 },
      {
        field: 'name',
        headerName: fieldLabel('contractName'),
        flex: 1.5,
        minWidth: 180,
        renderCell: p =>
          deleted ? (
            p.row.name
          ) : (
            <Link component={RouterLink} to={links.contract(p.row.id)}>
              {p.row.name}
            </Link>
          ),
      },
      {
        field: 'customerName',
        headerName: fieldLabel('customerName'),
        flex: 1.2,
        minWidth: 160,
        sortable: false,
        renderCell: p => (
          <Link component={RouterLink} to={`${links.customer(p.row.customerId)}?tab=contracts`}>
            {p.row.customerName}
          </Link>
        ),
      },
      {
        field: 'amount',
        headerName: fieldLabel('amount'),
        width: 150,
        align: 'right',
        headerAlign: 'right',
        valueGetter: (_v, row) => formatMoney(row.amount),
      },
      {
        field: 'status',
        headerName: fieldLabel('approvalStatus'),
        width: 110,
        renderCell: p => <ContractStatusChip status={p.row.status} />,
      },
      {
        field: 'contractType',
        headerName: fieldLabel('contractType'),
        width: 110,
        sortable: false,
        valueGetter: (_v, row) => enumLabel('contractType', row.contractType),
      },
      { field: 'signedAt', headerName: fieldLabel('signedAt'), width: 120, valueGetter: (_v, row) => formatDate(row.signedAt) },
      { field: 'owner', headerName: fieldLabel('owner'), width: 110, sortable: false, valueGetter: (_v, row) => userName(row.owner) },
      {
        field: 'ownerDepartment',
        headerName: fieldLabel('ownerDepartment'),
        width: 140,
        sortable: false,
        valueGetter: (_v, row) => departmentName(row.ownerDepartment),
      },
      { field: 'updatedAt', headerName: fieldLabel('updatedAt'), width: 150, valueGetter: (_v, row) => formatDateTime(row.updatedAt) },
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

  const customerFilter = list.get('customerId') ? { id: list.get('customerId'), name: list.get('customerName') || list.get('customerId') } : null;
  const canCreate = canCreateContracts(access);
  const empty = data.value && data.value.totalCount === 0 && !data.loading;

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {deleted ? `${t('contract.listTitle')} · ${t('common.recycleBin')}` : t('contract.listTitle')}
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
        {access.can('contract', 'export') && <ExportButton onExport={() => api.exportContracts(exportQuery)} />}
        {canCreate && (
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid="crm-new-contract">
            {t('contract.new')}
          </Button>
        )}
      </Box>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
          <SearchBox list={list} placeholder={t('contract.searchPlaceholder')} testId="crm-contract-search" />
          <EnumMultiSelect
            group="contractStatus"
            values={CONTRACT_STATUSES}
            label={t('contract.filter.status')}
            value={list.getList('status') as ContractStatus[]}
            onChange={v => list.update({ status: v })}
            testId="crm-filter-contract-status"
          />
          {!hidden('contractType') && (
            <EnumMultiSelect
              group="contractType"
              values={CONTRACT_TYPES}
              label={t('contract.filter.type')}
              value={filter('contractType').split(',').filter(Boolean) as ContractType[]}
              onChange={v => list.update({ contractType: v })}
              testId="crm-filter-contract-type"
            />
          )}
          <CustomerAutocomplete
            label={fieldLabel('customerId')}
            value={customerFilter}
            sx={{ minWidth: 240 }}
            onChange={v => list.update({ customerId: v?.id ?? null, customerName: v?.name ?? null })}
          />
          <Box sx={{ minWidth: 180 }}>
            <SingleUserPicker label={t('contract.filter.owner')} value={list.get('owner') || null} onChange={v => list.update({ owner: v })} />
          </Box>
          {!hidden('signedAt') && (
            <DateRange
              label={t('contract.filter.signed')}
              from={list.get('signedFrom')}
              to={list.get('signedTo')}
              onChange={(from, to) => list.update({ signedFrom: from, signedTo: to })}
              testId="crm-filter-signed"
            />
          )}
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
          testId="crm-contracts-empty"
          title={deleted ? t('contract.emptyDeleted') : t('contract.empty')}
          hint={deleted ? undefined : t('contract.emptyHint')}
          action={
            !deleted && (
              <Box sx={{ display: 'flex', gap: 1 }}>
                {canCreate && (
                  <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
                    {t('contract.new')}
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
          <ServerGrid<Contract>
            list={list}
            rows={data.value?.items ?? []}
            totalCount={data.value?.totalCount ?? 0}
            loading={data.loading}
            columns={columns}
            initialState={{ columns: { columnVisibilityModel: { ownerDepartment: false } } }}
            aria-label={t('contract.listTitle')}
          />
        </>
      )}
      <ContractFormDialog
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={c => {
          setCreating(false);
          notify({ message: t('contract.created', { number: c.number }) });
          navigate(links.contract(c.id));
        }}
      />
    </Box>
  );
}
