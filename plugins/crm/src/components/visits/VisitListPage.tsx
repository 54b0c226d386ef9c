import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { GridColDef } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Visit, VisitListQuery } from '@cocrm/plugin-crm-common';
import { EmptyState, ServerGrid, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { ExportButton } from '../common/download';
import { ErrorState } from '../common/feedback';
import { formatDateTime, fromShanghaiLocalInput } from '../common/format';
import { CustomerAutocomplete } from '../common/selects';
import { SingleUserPicker, useUserNames } from '../common/users';
import { DateRange } from '../customers/CustomerListPage';
import { VisitFormDialog, canCreateVisits } from './VisitFormDialog';
import { summarize } from './VisitsTable';

const FILTER_KEYS = ['customerId', 'customerName', 'visitorRef', 'from', 'to'];

export function VisitListPage() {
  const { t, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const links = useCrmLinks();
  const notify = useNotify();
  const userName = useUserNames();
  const access = useCrmAccess();
  const hidden = (field: string) => access.isHidden('visit', field);
  const list = useUrlListState({ sort: 'visitedAt', order: 'desc', isSortable: f => !hidden(f) });
  const [creating, setCreating] = useState(false);
  const from = list.get('from');
  const to = list.get('to');
  const query: VisitListQuery = {
    page: list.page,
    pageSize: list.pageSize,
    sort: list.sort,
    order: list.order,
    customerId: list.get('customerId') || undefined,
    visitorRef: list.get('visitorRef') || undefined,
    from: from ? fromShanghaiLocalInput(`${from}T00:00`) ?? undefined : undefined,
    to: to ? fromShanghaiLocalInput(`${to}T23:59`) ?? undefined : undefined,
  };
  const key = JSON.stringify(query);
  const data = useLoad(() => api.listVisits(query), [api, key]);
  const filtered = FILTER_KEYS.some(k => list.get(k));
  const { page: _page, pageSize: _pageSize, ...exportQuery } = query;

  const columns = useMemo<GridColDef<Visit>[]>(() => {
    const cols: GridColDef<Visit>[] = [
      {
        field: 'visitedAt',
        headerName: fieldLabel('visitedAt'),
        width: 150,
        valueGetter: (_v, row) => formatDateTime(row.visitedAt),
      },
      {
        field: 'customerName',
        headerName: fieldLabel('customerName'),
        flex: 1.2,
        minWidth: 160,
        sortable: false,
        renderCell: p => (
          <Link component={RouterLink} to={`${links.customer(p.row.customerId)}?tab=visits`}>
            {p.row.customerName}
          </Link>
        ),
      },
      {
        field: 'visitorRef',
        headerName: fieldLabel('visitorRef'),
        width: 110,
        sortable: false,
        valueGetter: (_v, row) => userName(row.visitorRef),
      },
      {
        field: 'contactNames',
        headerName: fieldLabel('contactNames'),
        width: 150,
        sortable: false,
        valueGetter: (_v, row) => (row.contactNames ?? []).join('、'),
      },
      {
        field: 'content',
        headerName: t('visit.summary'),
        flex: 2,
        minWidth: 200,
        sortable: false,
        valueGetter: (_v, row) => summarize(row.content),
      },
      {
        field: 'nextPlan',
        headerName: fieldLabel('nextPlan'),
        flex: 1,
        minWidth: 150,
        sortable: false,
        valueGetter: (_v, row) => summarize(row.nextPlan, 40),
      },
    ];
    return cols.filter(c => !hidden(c.field));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t, userName, access, links.base]);

  const customerFilter = list.get('customerId')
    ? { id: list.get('customerId'), name: list.get('customerName') || list.get('customerId') }
    : null;

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {t('visit.listTitle')}
        </Typography>
        {access.can('visit', 'export') && <ExportButton onExport={() => api.exportVisits(exportQuery)} />}
        {canCreateVisits(access) && (
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            {t('visit.new')}
          </Button>
        )}
      </Box>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
          <CustomerAutocomplete
            label={fieldLabel('customerId')}
            value={customerFilter}
            sx={{ minWidth: 240 }}
            onChange={v => list.update({ customerId: v?.id ?? null, customerName: v?.name ?? null })}
          />
          <Box sx={{ minWidth: 200 }}>
            <SingleUserPicker
              label={t('visit.visitor')}
              value={list.get('visitorRef') || null}
              onChange={v => list.update({ visitorRef: v })}
            />
          </Box>
          <DateRange
            label={fieldLabel('visitedAt')}
            from={from}
            to={to}
            onChange={(f, tt) => list.update({ from: f, to: tt })}
          />
          {filtered && <Button onClick={() => list.clear(FILTER_KEYS)}>{t('common.clearFilters')}</Button>}
        </Box>
      </Paper>
      {/* eslint-disable-next-line no-nested-ternary */}
      {data.error && !data.value ? (
        <ErrorState error={data.error} onRetry={data.retry} />
      ) : data.value && data.value.totalCount === 0 && !data.loading ? (
        <EmptyState testId="crm-visits-empty" title={t('visit.empty')} hint={t('visit.emptyHint')} />
      ) : (
        <ServerGrid<Visit>
          list={list}
          rows={data.value?.items ?? []}
          totalCount={data.value?.totalCount ?? 0}
          loading={data.loading}
          columns={columns}
          aria-label={t('visit.listTitle')}
        />
      )}
      <VisitFormDialog
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={() => {
          setCreating(false);
          notify({ message: t('visit.created') });
          data.retry();
        }}
      />
    </Box>
  );
}
