import { useState } from 'react';
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import EditIcon from '@mui/icons-material/Edit';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { crmCustomerDeletePermission, crmCustomerUpdatePermission } from '@cocrm/plugin-crm-common';
import type { Customer } from '@cocrm/plugin-crm-common';
import { LoadingState, useLoad, useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { ConfirmDialog, ErrorState } from '../common/feedback';
import { LevelChip, StatusChip } from '../common/selects';
import { UserNames } from '../common/users';
import { CustomerFormDialog } from './CustomerFormDialog';
import { CustomerOverview } from './CustomerOverview';
import { CustomerContactsTab } from './CustomerContactsTab';
import { CustomerGraphTab } from './CustomerGraphTab';
import { CustomerVisitsTab } from './CustomerVisitsTab';
import { CustomerTimelineTab } from './CustomerTimelineTab';
import { CustomerContractsTab } from './CustomerContractsTab';
import { useCrmAccess } from '../common/access';

const TABS = ['overview', 'contacts', 'graph', 'visits', 'contracts', 'timeline'] as const;
type TabKey = (typeof TABS)[number];

export function CustomerPage() {
  const { id = '' } = useParams();
  const api = useApi(crmApiRef);
  const { t, fieldLabel } = useCrmT();
  const links = useCrmLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const [params, setParams] = useSearchParams();
  const access = useCrmAccess();
  // a tab the user may not read at all is left out (its list would only answer 403)
  const tabs = TABS.filter(k => k !== 'contracts' || access.can('contract', 'read'));
  const tab: TabKey = (tabs as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as TabKey)
    : 'overview';
  const data = useLoad(() => api.getCustomer(id), [api, id]);
  const canUpdate = usePermission({ permission: crmCustomerUpdatePermission, resourceRef: id });
  const canDelete = usePermission({ permission: crmCustomerDeletePermission, resourceRef: id });
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // bumps when contacts change so that graph/timeline reload
  const [revision, setRevision] = useState(0);

  if (data.loading && !data.value) return <LoadingState />;
  if (data.error && !data.value) return <ErrorState error={data.error} onRetry={data.retry} />;
  const customer = data.value as Customer;

  const remove = async () => {
    setBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteCustomer(customer.id, customer.version);
      setConfirming(false);
      notify({
        message: t('customer.deletedWithUndo', { name: customer.name }),
        action: {
          label: t('common.undo'),
          onClick: () => {
            api.restoreCustomer(customer.id).then(
              () => {
                notify({ message: t('common.restored') });
                navigate(links.customer(customer.id));
              },
              e => notify({ message: (e as Error).message, severity: 'error' }),
            );
          },
        },
      });
      navigate(links.customers);
    } catch (e) {
      setDeleteError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box data-testid="crm-customer-page">
      <Breadcrumbs sx={{ mb: 1 }}>
        <Link component={RouterLink} to={links.customers}>
          {t('customer.listTitle')}
        </Link>
        <Typography color="text.primary">{customer.name}</Typography>
      </Breadcrumbs>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, flexWrap: 'wrap' }}>
          <Box sx={{ flex: 1, minWidth: 280 }}>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
              <Typography variant="h5" component="h1" data-testid="crm-customer-name">
                {customer.name}
              </Typography>
              <LevelChip level={customer.level} />
              <StatusChip status={customer.status} />
              {customer.deletedAt && <Chip size="small" color="error" label={t('common.deleted')} />}
            </Box>
            <Typography color="text.secondary" sx={{ mt: 0.5 }}>
              {fieldLabel('number')}: {customer.number}
              {customer.shortName ? ` · ${customer.shortName}` : ''}
              {customer.accountManagers.length > 0 && (
                <>
                  {' · '}
                  {fieldLabel('accountManagers')}: <UserNames refs={customer.accountManagers} />
                </>
              )}
            </Typography>
          </Box>
          <Box sx={{ display: 'flex', gap: 1 }}>
            {canUpdate.allowed && !customer.deletedAt && (
              <Button variant="outlined" startIcon={<EditIcon />} onClick={() => setEditing(true)} data-testid="crm-edit-customer">
                {t('common.edit')}
              </Button>
            )}
            {canDelete.allowed && !customer.deletedAt && (
              <Button
                variant="outlined"
                color="error"
                startIcon={<DeleteIcon />}
                onClick={() => setConfirming(true)}
                data-testid="crm-delete-customer"
              >
                {t('common.delete')}
              </Button>
            )}
          </Box>
        </Box>
      </Paper>
      <Tabs
        value={tab}
        onChange={(_, v) =>
          setParams(
            prev => {
              const next = new URLSearchParams(prev);
              if (v === 'overview') next.delete('tab');
              else next.set('tab', v);
              return next;
            },
            { replace: true },
          )
        }
        variant="scrollable"
        sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}
      >
        {tabs.map(k => (
          <Tab key={k} value={k} label={t(`customer.tabs.${k}`)} data-testid={`crm-tab-${k}`} />
        ))}
      </Tabs>
      {tab === 'overview' && <CustomerOverview customer={customer} />}
      {tab === 'contacts' && <CustomerContactsTab customer={customer} onChanged={() => setRevision(r => r + 1)} />}
      {tab === 'graph' && <CustomerGraphTab customer={customer} revision={revision} />}
      {tab === 'visits' && <CustomerVisitsTab customer={customer} />}
      {tab === 'contracts' && <CustomerContractsTab customer={customer} />}
      {tab === 'timeline' && <CustomerTimelineTab customer={customer} revision={revision} />}
      <CustomerFormDialog
        open={editing}
        customer={customer}
        onClose={() => setEditing(false)}
        onReload={() => {
          setEditing(false);
          data.retry();
        }}
        onSaved={c => {
          setEditing(false);
          data.setValue(c);
          setRevision(r => r + 1);
          notify({ message: t('common.saved') });
        }}
      />
      <ConfirmDialog
        open={confirming}
        title={t('common.confirmDelete', { name: customer.name })}
        text={t('common.confirmDeleteText')}
        confirmLabel={t('common.delete')}
        busy={busy}
        error={deleteError}
        onClose={() => setConfirming(false)}
        onConfirm={remove}
      />
    </Box>
  );
}
