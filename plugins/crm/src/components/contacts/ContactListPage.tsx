import { useMemo, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import RestoreIcon from '@mui/icons-material/RestoreFromTrash';
import { GridColDef } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Contact, ContactListQuery } from '@cocrm/plugin-crm-common';
import { EmptyState, SearchBox, ServerGrid, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { useCrmAccess } from '../common/access';
import { ExportButton } from '../common/download';
import { ErrorState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { CustomerAutocomplete } from '../common/selects';
import { DateRange } from '../customers/CustomerListPage';
import { ContactFormDialog } from './ContactFormDialog';

const FILTER_KEYS = ['q', 'customerId', 'customerName', 'keyDecisionMaker', 'createdFrom', 'createdTo'];

export function ContactListPage() {
  const { t, fieldLabel } = useCrmT();
  const api = useApi(crmApiRef);
  const links = useCrmLinks();
  const notify = useNotify();
  const navigate = useNavigate();
  const access = useCrmAccess();
  const hidden = (field: string) => access.isHidden('contact', field);
  const list = useUrlListState({ sort: 'updatedAt', order: 'desc', isSortable: f => !hidden(f) });
  const deleted = list.get('deleted') === 'true';
  const [creating, setCreating] = useState(false);
  // filtering by a hidden field would reveal it through the count, and the backend refuses it
  const filterKeys = FILTER_KEYS.filter(k => k !== 'keyDecisionMaker' || !hidden('keyDecisionMaker'));
  const query: ContactListQuery = {
    page: list.page,
    pageSize: list.pageSize,
    sort: list.sort,
    order: list.order,
    q: list.get('q') || undefined,
    customerId: list.get('customerId') || undefined,
    keyDecisionMaker: (filterKeys.includes('keyDecisionMaker') && list.get('keyDecisionMaker') === 'true') || undefined,
    createdFrom: list.get('createdFrom') || undefined,
    createdTo: list.get('createdTo') || undefined,
    deleted: deleted || undefined,
  };
  const key = JSON.stringify(query);
  const data = useLoad(() => api.listContacts(query), [api, key]);
  const filtered = filterKeys.some(k => list.get(k));
  const { page: _page, pageSize: _pageSize, ...exportQuery } = query;

  const columns = useMemo<GridColDef<Contact>[]>(() => {
    const all: GridColDef<Contact>[] = [
      {
        field: 'name',
        headerName: fieldLabel('name'),
        flex: 1,
        minWidth: 120,
        renderCell: p =>
          deleted ? p.row.name : (
            <Link component={RouterLink} to={links.contact(p.row.id)}>
              {p.row.name}
            </Link>
          ),
      },
      {
        field: 'customerName',
        headerName: fieldLabel('customerName'),
        flex: 1.5,
        minWidth: 160,
        renderCell: p => (
          <Link component={RouterLink} to={links.customer(p.row.customerId)}>
            {p.row.customerName}
          </Link>
        ),
      },
      { field: 'title', headerName: fieldLabel('title'), width: 120, sortable: false },
      { field: 'mobile', headerName: fieldLabel('mobile'), width: 130, sortable: false },
      {
        field: 'emails',
        headerName: fieldLabel('emails'),
        flex: 1,
        minWidth: 160,
        sortable: false,
        valueGetter: (_v, row) => (row.emails ?? []).join(', '),
      },
      {
        field: 'keyDecisionMaker',
        headerName: fieldLabel('keyDecisionMaker'),
        width: 110,
        sortable: false,
        renderCell: p => (p.row.keyDecisionMaker ? <Chip size="small" color="secondary" label={t('contact.kdm')} /> : null),
      },
      {
        field: 'updatedAt',
        headerName: fieldLabel('updatedAt'),
        width: 150,
        valueGetter: (_v, row) => formatDateTime(row.updatedAt),
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
          <Button
            size="small"
            startIcon={<RestoreIcon />}
            onClick={async () => {
              try {
                await api.restoreContact(p.row.id);
                notify({ message: t('common.restored') });
                data.retry();
              } catch (e) {
                notify({ message: (e as Error).message, severity: 'error' });
              }
            }}
          >
            {t('common.restore')}
          </Button>
        ),
      });
    }
    return cols;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [deleted, t, access, links.base]);

  const customerFilter = list.get('customerId')
    ? { id: list.get('customerId'), name: list.get('customerName') || list.get('customerId') }
    : null;

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {deleted ? `${t('contact.listTitle')} · ${t('common.recycleBin')}` : t('contact.listTitle')}
        </Typography>
        <FormControlLabel
          control={
            <Switch checked={deleted} onChange={e => list.update({ deleted: e.target.checked ? 'true' : null })} />
          }
          label={t('common.recycleBin')}
        />
        {access.can('contact', 'export') && <ExportButton onExport={() => api.exportContacts(exportQuery)} />}
        {access.can('contact', 'create') && (
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            {t('contact.new')}
          </Button>
        )}
      </Box>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
          <SearchBox list={list} placeholder={t('contact.searchPlaceholder')} testId="crm-contact-search" />
          <CustomerAutocomplete
            label={fieldLabel('customerId')}
            value={customerFilter}
            sx={{ minWidth: 240 }}
            onChange={v => list.update({ customerId: v?.id ?? null, customerName: v?.name ?? null })}
          />
          {!hidden('keyDecisionMaker') && (
            <FormControlLabel
              control={
                <Switch
                  checked={list.get('keyDecisionMaker') === 'true'}
                  onChange={e => list.update({ keyDecisionMaker: e.target.checked ? 'true' : null })}
                />
              }
              label={t('contact.keyDecisionMakerOnly')}
            />
          )}
          <DateRange
            label={t('customer.filter.created')}
            from={list.get('createdFrom')}
            to={list.get('createdTo')}
            onChange={(from, to) => list.update({ createdFrom: from, createdTo: to })}
          />
          {filtered && <Button onClick={() => list.clear(filterKeys)}>{t('common.clearFilters')}</Button>}
        </Box>
      </Paper>
      {/* eslint-disable-next-line no-nested-ternary */}
      {data.error && !data.value ? (
        <ErrorState error={data.error} onRetry={data.retry} />
      ) : data.value && data.value.totalCount === 0 && !data.loading ? (
        <EmptyState
          testId="crm-contacts-empty"
          title={t('contact.empty')}
          action={
            filtered ? <Button onClick={() => list.clear(filterKeys)}>{t('common.clearFilters')}</Button> : undefined
          }
        />
      ) : (
        <ServerGrid<Contact>
          list={list}
          rows={data.value?.items ?? []}
          totalCount={data.value?.totalCount ?? 0}
          loading={data.loading}
          columns={columns}
          aria-label={t('contact.listTitle')}
        />
      )}
      <ContactFormDialog
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={c => {
          setCreating(false);
          notify({ message: t('contact.created', { name: c.name }) });
          navigate(links.contact(c.id));
        }}
      />
    </Box>
  );
}
