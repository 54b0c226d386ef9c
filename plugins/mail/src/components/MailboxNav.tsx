import { Link as RouterLink, useLocation, useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import ListSubheader from '@mui/material/ListSubheader';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import CreateIcon from '@mui/icons-material/Create';
import DraftsIcon from '@mui/icons-material/DraftsOutlined';
import OutboxIcon from '@mui/icons-material/Outbox';
import MenuBookIcon from '@mui/icons-material/MenuBook';
import PersonSearchIcon from '@mui/icons-material/PersonSearch';
import SettingsIcon from '@mui/icons-material/Settings';
import GroupsIcon from '@mui/icons-material/Groups';
import type { Mailbox } from '../api/types';
import { useMailLinks } from '../routes';
import { ApiErrorAlert } from './common/feedback';
import { FolderIconFor, folderLabel } from './common/FolderIcon';
import { useMailT } from './common/i18n';
import { inboxOf, sortFolders, useMailboxes } from './common/mailboxes';
import { useStartCompose } from './common/useStartCompose';

function MailboxFolders(props: { mailbox: Mailbox; selectedFolderId: string; onInbox: boolean }) {
  const { t } = useMailT();
  const links = useMailLinks();
  const { mailbox } = props;
  return (
    <List
      dense
      disablePadding
      data-testid={`mail-mailbox-${mailbox.accountId}`}
      subheader={
        <ListSubheader disableSticky sx={{ lineHeight: 1.4, py: 1, bgcolor: 'transparent' }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
            {mailbox.kind === 'shared' && <GroupsIcon fontSize="inherit" titleAccess={t('nav.shared')} />}
            <Typography variant="subtitle2" component="span" noWrap title={mailbox.email}>
              {mailbox.displayName || mailbox.email}
            </Typography>
          </Box>
          <Typography variant="caption" color="text.secondary" noWrap component="div">
            {mailbox.email}
          </Typography>
        </ListSubheader>
      }
    >
      {sortFolders(mailbox.folders).map(folder => {
        const selected = props.onInbox && folder.id === props.selectedFolderId;
        const label = folderLabel(folder, t);
        return (
          <ListItemButton
            key={folder.id}
            selected={selected}
            component={RouterLink}
            to={`${links.inbox}?${new URLSearchParams({ account: mailbox.accountId, folder: folder.id }).toString()}`}
            sx={{ pl: 2, borderRadius: 1 }}
            data-testid={`mail-folder-${folder.id}`}
            aria-current={selected ? 'page' : undefined}
          >
            <ListItemIcon sx={{ minWidth: 32 }}>
              <FolderIconFor folder={folder} />
            </ListItemIcon>
            <ListItemText
              primary={label}
              primaryTypographyProps={{ noWrap: true, fontWeight: folder.unread > 0 ? 600 : undefined }}
            />
            {folder.unread > 0 && (
              <Typography
                variant="caption"
                sx={{ fontWeight: 600, ml: 1 }}
                aria-label={t('folders.unreadCount', { count: folder.unread })}
                data-testid={`mail-folder-unread-${folder.id}`}
              >
                {folder.unread}
              </Typography>
            )}
          </ListItemButton>
        );
      })}
    </List>
  );
}

/**
 * The left pane: 写邮件, every readable mailbox (own first, then shared) with
 * its folders and unread counts, and the plugin's other views.
 */
export function MailboxNav() {
  const { t } = useMailT();
  const links = useMailLinks();
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const { mailboxes, error, reload } = useMailboxes();
  const compose = useStartCompose();
  const base = links.base;
  const onInbox = pathname === links.inbox || pathname === `${base}/` || pathname.startsWith(`${base}/threads/`);
  const own = (mailboxes ?? []).filter(m => m.kind !== 'shared');
  const shared = (mailboxes ?? []).filter(m => m.kind === 'shared');
  const accountId = params.get('account') || mailboxes?.[0]?.accountId || '';
  const selectedFolderId = params.get('folder') || inboxOf(mailboxes?.find(m => m.accountId === accountId))?.id || '';

  const views = [
    { key: 'drafts', to: links.drafts, label: t('nav.drafts'), icon: <DraftsIcon fontSize="small" /> },
    { key: 'outbox', to: links.outbox, label: t('nav.outbox'), icon: <OutboxIcon fontSize="small" /> },
    { key: 'knowledge', to: links.knowledge, label: t('nav.knowledge'), icon: <MenuBookIcon fontSize="small" /> },
    { key: 'leads', to: links.leads, label: t('nav.leads'), icon: <PersonSearchIcon fontSize="small" /> },
    { key: 'accounts', to: links.accounts, label: t('nav.accounts'), icon: <SettingsIcon fontSize="small" /> },
  ];

  return (
    <Box
      component="nav"
      aria-label={t('nav.mailboxes')}
      data-testid="mail-nav"
      sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}
    >
      <Button
        variant="contained"
        startIcon={<CreateIcon />}
        disabled={compose.busy || !mailboxes?.length}
        onClick={() =>
          mailboxes?.length && compose.start({ accountId, mode: 'new', returnTo: `${pathname}?${params.toString()}` })
        }
        data-testid="mail-compose"
        sx={{ mb: 1 }}
      >
        {t('nav.compose')}
      </Button>
      {!!compose.error && <ApiErrorAlert error={compose.error} />}
      {!!error && !mailboxes && <ApiErrorAlert error={error} onReload={reload} />}
      {!mailboxes && !error && (
        <Box data-testid="mail-nav-loading">
          <Skeleton width="60%" />
          <Skeleton />
          <Skeleton />
          <Skeleton />
        </Box>
      )}
      {mailboxes && !mailboxes.length && (
        <Box sx={{ px: 1 }} data-testid="mail-nav-no-accounts">
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {t('nav.noAccounts')}
          </Typography>
          <Button component={RouterLink} to={links.accounts} size="small" variant="outlined">
            {t('nav.connectFirst')}
          </Button>
        </Box>
      )}
      {[...own, ...shared].map(m => (
        <MailboxFolders
          key={m.accountId}
          mailbox={m}
          selectedFolderId={m.accountId === accountId ? selectedFolderId : ''}
          onInbox={onInbox}
        />
      ))}
      <Divider sx={{ my: 1 }} />
      <List dense disablePadding>
        {views.map(v => (
          <ListItemButton
            key={v.key}
            component={RouterLink}
            to={v.to}
            selected={pathname.startsWith(v.to)}
            sx={{ borderRadius: 1 }}
            data-testid={`mail-nav-${v.key}`}
          >
            <ListItemIcon sx={{ minWidth: 32 }}>{v.icon}</ListItemIcon>
            <ListItemText primary={v.label} />
          </ListItemButton>
        ))}
      </List>
    </Box>
  );
}
