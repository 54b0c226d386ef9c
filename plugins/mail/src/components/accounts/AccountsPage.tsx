import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import EditIcon from '@mui/icons-material/EditOutlined';
import GroupsIcon from '@mui/icons-material/Groups';
import MailOutlineIcon from '@mui/icons-material/MailOutline';
import SyncIcon from '@mui/icons-material/Sync';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { mailAccountCreatePermission } from '@cocrm/plugin-mail-common';
import { useCurrentUserRef, useLoad, useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { MailAccount } from '../../api/types';
import { ApiErrorAlert, ConfirmDialog, EmptyState, ErrorState } from '../common/feedback';
import { refName } from '../common/format';
import { useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import { AccountDialog } from './AccountDialog';
import { SyncStatePanel } from './SyncStatePanel';
import { TrustedSenders } from './TrustedSenders';

function AccountCard(props: {
  account: MailAccount;
  me: string | undefined;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const { account: a } = props;
  const [nonce, setNonce] = useState(0);
  const [syncing, setSyncing] = useState(false);
  const [error, setError] = useState<unknown>();

  const syncNow = async () => {
    setSyncing(true);
    setError(undefined);
    try {
      await api.syncNow(a.id);
      notify({ message: t('accounts.syncStarted') });
      setNonce(n => n + 1);
      // the sync runs on the server; its first results are usually in within seconds
      setTimeout(() => setNonce(n => n + 1), 5000);
    } catch (e) {
      setError(e);
    } finally {
      setSyncing(false);
    }
  };

  const shared = a.kind === 'shared';
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid={`mail-account-${a.id}`}>
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 1.5, flexWrap: 'wrap' }}>
        {shared ? <GroupsIcon color="action" /> : <MailOutlineIcon color="action" />}
        <Box sx={{ flex: 1, minWidth: 220 }}>
          <Typography variant="h6" component="h2" sx={{ lineHeight: 1.3 }}>
            {a.displayName || a.email}
          </Typography>
          <Typography color="text.secondary">{a.email}</Typography>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 1 }}>
            <Chip size="small" label={shared ? t('accounts.shared') : t('accounts.personal')} />
            <Chip
              size="small"
              variant="outlined"
              label={a.provider === 'graph' ? t('accounts.dialog.providerGraph') : `${a.imap?.host ?? ''}`}
            />
            <Chip
              size="small"
              variant="outlined"
              label={t('common.labelValue', {
                label: t('accounts.sharing.label'),
                value: t(`accounts.sharing.${a.sharing}`),
              })}
              data-testid={`mail-account-sharing-${a.id}`}
            />
            {a.syncEnabled === false && <Chip size="small" color="warning" label={t('accounts.syncDisabled')} />}
            {!!a.owner && props.me && a.owner !== props.me && (
              <Chip
                size="small"
                variant="outlined"
                label={t('common.labelValue', { label: t('accounts.owner'), value: refName(a.owner) })}
              />
            )}
          </Box>
          {(a.folders?.length ?? 0) > 0 && (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {t('common.labelValue', {
                label: t('accounts.folders'),
                value: a.folders.join(t('common.listSeparator')),
              })}
            </Typography>
          )}
        </Box>
        <Stack direction="row" spacing={1}>
          <Button
            size="small"
            variant="outlined"
            startIcon={<SyncIcon />}
            onClick={syncNow}
            disabled={syncing}
            data-testid={`mail-account-sync-${a.id}`}
          >
            {t('accounts.syncNow')}
          </Button>
          <Button
            size="small"
            startIcon={<EditIcon />}
            onClick={props.onEdit}
            data-testid={`mail-account-edit-${a.id}`}
          >
            {t('accounts.edit')}
          </Button>
          <Button
            size="small"
            color="error"
            startIcon={<DeleteOutlineIcon />}
            onClick={props.onDelete}
            data-testid={`mail-account-delete-${a.id}`}
          >
            {t('accounts.delete')}
          </Button>
        </Stack>
      </Box>
      {!!error && (
        <Box sx={{ mt: 1 }}>
          <ApiErrorAlert error={error} />
        </Box>
      )}
      <Divider sx={{ my: 1.5 }} />
      <SyncStatePanel accountId={a.id} nonce={nonce} />
    </Paper>
  );
}

/** 邮箱设置: the caller's mailboxes and the shared ones they read, with sync state; connect, edit, delete. */
export function AccountsPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const me = useCurrentUserRef();
  const { reload: reloadMailboxes } = useMailboxes();
  const canCreate = usePermission({ permission: mailAccountCreatePermission });
  const data = useLoad(() => api.listAccounts().then(r => r.items), [api]);
  // a server that does not say offers Microsoft 365 anyway: without it configured, saving answers a field error
  const providers = useLoad(() => api.getProviders().catch(() => ({ graph: true })), [api]);
  const access = useLoad(
    () => (me ? api.getOwnAccess(me).catch(() => ({ manageAll: false })) : Promise.resolve({ manageAll: false })),
    [api, me],
  );
  const [dialog, setDialog] = useState<{ account?: MailAccount } | undefined>();
  const [deleting, setDeleting] = useState<MailAccount>();
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();
  const accounts = data.value ?? [];
  const own = accounts.filter(a => a.kind !== 'shared');
  const shared = accounts.filter(a => a.kind === 'shared');

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteAccount(deleting.id, deleting.version);
      setDeleting(undefined);
      notify({ message: t('accounts.deleted') });
      data.retry();
      reloadMailboxes();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleteBusy(false);
    }
  };

  const connectButton = canCreate.allowed && (
    <Button
      variant="contained"
      startIcon={<AddIcon />}
      onClick={() => setDialog({})}
      data-testid="mail-account-connect"
    >
      {t('accounts.connect')}
    </Button>
  );

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value)
    body = (
      <Stack spacing={2} data-testid="mail-accounts-loading">
        <Skeleton variant="rectangular" height={140} />
        <Skeleton variant="rectangular" height={140} />
      </Stack>
    );
  else if (!accounts.length)
    body = (
      <EmptyState
        testId="mail-accounts-empty"
        icon={<MailOutlineIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={t('accounts.empty')}
        hint={t('accounts.emptyHint')}
        action={connectButton}
      />
    );
  else
    body = (
      <Stack spacing={2}>
        {[...own, ...shared].map(a => (
          <AccountCard
            key={a.id}
            account={a}
            me={me}
            onEdit={() => setDialog({ account: a })}
            onDelete={() => {
              setDeleteError(undefined);
              setDeleting(a);
            }}
          />
        ))}
      </Stack>
    );

  return (
    <Box sx={{ p: { xs: 1, md: 2 } }} data-testid="mail-accounts-page">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="h5" component="h1">
            {t('accounts.title')}
          </Typography>
          <Typography color="text.secondary">{t('accounts.subtitle')}</Typography>
        </Box>
        {accounts.length > 0 && connectButton}
      </Box>
      {body}
      <Box sx={{ mt: 3 }}>
        <TrustedSenders />
      </Box>
      <AccountDialog
        open={!!dialog}
        account={dialog?.account}
        manageAll={!!access.value?.manageAll}
        graphAvailable={!!providers.value?.graph}
        onClose={() => setDialog(undefined)}
        onSaved={(_, created) => {
          setDialog(undefined);
          notify({ message: created ? t('accounts.dialog.connected') : t('accounts.dialog.saved') });
          data.retry();
          reloadMailboxes();
        }}
      />
      <ConfirmDialog
        open={!!deleting}
        title={t('accounts.deleteTitle', { name: deleting?.displayName || deleting?.email || '' })}
        text={t('accounts.deleteText')}
        confirmLabel={t('accounts.delete')}
        busy={deleteBusy}
        error={deleteError}
        onConfirm={remove}
        onClose={() => setDeleting(undefined)}
        testId="mail-account-delete-confirm"
      />
    </Box>
  );
}
