import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import DraftsIcon from '@mui/icons-material/DraftsOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { Draft } from '../../api/types';
import { useMailLinks } from '../../routes';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState } from '../common/feedback';
import { formatAddresses, formatDateTime } from '../common/format';
import { MailMessageKey, useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import { Pager } from '../common/Pager';

/** 草稿箱: drafts saved in the portal, newest first; open to go on writing, or delete. */
export function DraftsPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const links = useMailLinks();
  const { mailboxes } = useMailboxes();
  const list = useUrlListState({ sort: 'updatedAt', order: 'desc', pageSize: 25 });
  const data = useLoad(
    () => api.listDrafts({ page: list.page, pageSize: list.pageSize }),
    [api, list.page, list.pageSize],
  );
  const [deleting, setDeleting] = useState<Draft>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const items = data.value?.items ?? [];

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteDraft(deleting.id, deleting.version);
      setDeleting(undefined);
      notify({ message: t('drafts.deleted') });
      data.retry();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value) body = <LoadingState />;
  else if (!items.length)
    body = (
      <EmptyState
        testId="mail-drafts-empty"
        icon={<DraftsIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={t('drafts.empty')}
        hint={t('drafts.emptyHint')}
      />
    );
  else
    body = (
      <Paper variant="outlined">
        <TableContainer>
          <Table size="small" data-testid="mail-drafts-table">
            <TableHead>
              <TableRow>
                <TableCell>{t('drafts.subject')}</TableCell>
                <TableCell>{t('drafts.to')}</TableCell>
                <TableCell>{t('drafts.account')}</TableCell>
                <TableCell>{t('drafts.updatedAt')}</TableCell>
                <TableCell align="right">{t('common.actions')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(d => (
                <TableRow key={d.id} hover data-testid={`mail-draft-${d.id}`}>
                  <TableCell sx={{ maxWidth: 360 }}>
                    <Link
                      component={RouterLink}
                      to={links.compose(d.id)}
                      state={{ returnTo: links.drafts }}
                      noWrap
                      sx={{ display: 'block' }}
                    >
                      {d.subject || t('common.noSubject')}
                    </Link>
                    {d.mode !== 'new' && (
                      <Typography variant="caption" color="text.secondary">
                        {t(`compose.mode.${d.mode}` as MailMessageKey)}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell sx={{ maxWidth: 260 }}>
                    <Typography variant="body2" noWrap>
                      {formatAddresses(d.to) || t('common.none')}
                    </Typography>
                  </TableCell>
                  <TableCell>{mailboxes?.find(m => m.accountId === d.accountId)?.email ?? ''}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(d.updatedAt)}</TableCell>
                  <TableCell align="right">
                    <Tooltip title={t('common.delete')}>
                      <IconButton
                        size="small"
                        aria-label={t('common.delete')}
                        onClick={() => {
                          setError(undefined);
                          setDeleting(d);
                        }}
                        data-testid={`mail-draft-delete-${d.id}`}
                      >
                        <DeleteOutlineIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <Pager list={list} totalCount={data.value.totalCount} />
      </Paper>
    );

  return (
    <Box sx={{ p: { xs: 1, md: 2 } }} data-testid="mail-drafts-page">
      <Typography variant="h5" component="h1" sx={{ mb: 2 }}>
        {t('drafts.title')}
      </Typography>
      {body}
      <ConfirmDialog
        open={!!deleting}
        title={t('drafts.deleteTitle')}
        text={deleting?.subject || t('common.noSubject')}
        confirmLabel={t('common.delete')}
        busy={busy}
        error={error}
        onConfirm={remove}
        onClose={() => setDeleting(undefined)}
        testId="mail-draft-delete-confirm"
      />
    </Box>
  );
}
