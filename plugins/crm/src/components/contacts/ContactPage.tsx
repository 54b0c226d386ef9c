import { ReactNode, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import EditIcon from '@mui/icons-material/Edit';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { crmContactDeletePermission, crmContactUpdatePermission } from '@cocrm/plugin-crm-common';
import type { Contact } from '@cocrm/plugin-crm-common';
import { LoadingState, useLoad, useNotify } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { ConfirmDialog, ErrorState } from '../common/feedback';
import { useCrmAccess } from '../common/access';
import { useUserNames } from '../common/users';
import { formatFieldValue } from '../common/values';
import { VisitsTable } from '../visits/VisitsTable';
import { ContactEmails } from './ContactEmails';
import { ContactFormDialog } from './ContactFormDialog';
import { ContactMailSection } from './ContactMailSection';

const FIELDS: (keyof Contact)[] = [
  'gender',
  'department',
  'title',
  'position',
  'mobile',
  'phone',
  'emails',
  'wechat',
  'birthday',
  'age',
  'hobbies',
  'personalNeeds',
  'remark',
  'createdBy',
  'createdAt',
  'updatedBy',
  'updatedAt',
];
const WIDE = new Set(['personalNeeds', 'remark', 'hobbies']);

export function ContactPage() {
  const { id = '' } = useParams();
  const api = useApi(crmApiRef);
  const crm = useCrmT();
  const { t, fieldLabel } = crm;
  const links = useCrmLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const userName = useUserNames();
  const access = useCrmAccess();
  const data = useLoad(() => api.getContact(id), [api, id]);
  // finding visits by contact filters on 拜访对象, which the backend refuses when that field is hidden
  const showVisits = access.can('visit', 'read') && !access.isHidden('visit', 'contactIds');
  const visits = useLoad(
    () =>
      showVisits
        ? api.listVisits({ contactId: id, pageSize: 50, sort: 'visitedAt', order: 'desc' })
        : Promise.resolve(undefined),
    [api, id, showVisits],
  );
  const canUpdate = usePermission({ permission: crmContactUpdatePermission, resourceRef: id });
  const canDelete = usePermission({ permission: crmContactDeletePermission, resourceRef: id });
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();

  if (data.loading && !data.value) return <LoadingState />;
  if (data.error && !data.value) return <ErrorState error={data.error} onRetry={data.retry} />;
  const contact = data.value as Contact;

  const value = (f: keyof Contact): ReactNode => {
    if (f === 'emails') {
      return contact.emails?.length ? (
        <ContactEmails emails={contact.emails} customerId={contact.customerId} canWrite={!contact.deletedAt} />
      ) : (
        ''
      );
    }
    if (f === 'age') return contact.age === null || contact.age === undefined ? '' : t('common.age', { age: String(contact.age) });
    return formatFieldValue(f, contact[f], { t: crm, userName });
  };

  return (
    <Box data-testid="crm-contact-page">
      <Breadcrumbs sx={{ mb: 1 }}>
        <Link component={RouterLink} to={links.contacts}>
          {t('contact.listTitle')}
        </Link>
        <Link component={RouterLink} to={links.customer(contact.customerId)}>
          {contact.customerName}
        </Link>
        <Typography color="text.primary">{contact.name}</Typography>
      </Breadcrumbs>
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
          <Avatar src={contact.photo ?? undefined} sx={{ width: 64, height: 64 }}>
            {contact.name.slice(0, 1)}
          </Avatar>
          <Box sx={{ flex: 1 }}>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
              <Typography variant="h5" component="h1">
                {contact.name}
              </Typography>
              {contact.keyDecisionMaker && <Chip size="small" color="secondary" label={t('contact.kdm')} />}
              {contact.deletedAt && <Chip size="small" color="error" label={t('common.deleted')} />}
            </Box>
            <Typography color="text.secondary">
              <Link component={RouterLink} to={links.customer(contact.customerId)}>
                {contact.customerName}
              </Link>
              {contact.title ? ` · ${contact.title}` : ''}
            </Typography>
          </Box>
          {canUpdate.allowed && !contact.deletedAt && (
            <Button variant="outlined" startIcon={<EditIcon />} onClick={() => setEditing(true)}>
              {t('common.edit')}
            </Button>
          )}
          {canDelete.allowed && !contact.deletedAt && (
            <Button variant="outlined" color="error" startIcon={<DeleteIcon />} onClick={() => setConfirming(true)}>
              {t('common.delete')}
            </Button>
          )}
        </Box>
        <Grid container spacing={2} sx={{ mt: 1 }}>
          {FIELDS.filter(f => !access.isHidden('contact', f))
            .map(f => ({ f, v: value(f) }))
            .filter(x => x.v !== '' && x.v !== null)
            .map(({ f, v }) => (
              <Grid item key={f} xs={12} sm={WIDE.has(f) ? 12 : 6} md={WIDE.has(f) ? 12 : 4}>
                <Typography variant="caption" color="text.secondary" component="div">
                  {fieldLabel(f)}
                </Typography>
                <Typography
                  variant="body2"
                  component={f === 'emails' ? 'div' : 'p'}
                  sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
                >
                  {v}
                </Typography>
              </Grid>
            ))}
        </Grid>
      </Paper>
      {!contact.deletedAt && <ContactMailSection contactId={contact.id} />}
      {showVisits && (
        <>
          <Typography variant="h6" sx={{ mb: 1 }}>
            {t('contact.visits')}
          </Typography>
          {visits.error ? (
            <ErrorState error={visits.error} onRetry={visits.retry} />
          ) : (
            <Paper variant="outlined">
              <VisitsTable visits={visits.value?.items ?? []} />
            </Paper>
          )}
        </>
      )}
      <ContactFormDialog
        open={editing}
        contact={contact}
        onClose={() => setEditing(false)}
        onReload={() => {
          setEditing(false);
          data.retry();
        }}
        onSaved={c => {
          setEditing(false);
          data.setValue(c);
          notify({ message: t('common.saved') });
        }}
      />
      <ConfirmDialog
        open={confirming}
        title={t('common.confirmDelete', { name: contact.name })}
        text={t('common.confirmDeleteText')}
        confirmLabel={t('common.delete')}
        error={deleteError}
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          try {
            await api.deleteContact(contact.id, contact.version);
            setConfirming(false);
            notify({
              message: t('common.deleted'),
              action: {
                label: t('common.undo'),
                onClick: () => {
                  api.restoreContact(contact.id).then(
                    () => navigate(links.contact(contact.id)),
                    e => notify({ message: (e as Error).message, severity: 'error' }),
                  );
                },
              },
            });
            navigate(links.customer(contact.customerId));
          } catch (e) {
            setDeleteError(e);
          }
        }}
      />
    </Box>
  );
}
