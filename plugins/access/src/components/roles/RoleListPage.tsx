import { useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
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
import AddIcon from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Role } from '@cocrm/plugin-access-common';
import { EmptyState, useLoad, useNotify } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessLinks } from '../../routes';
import { useAccessT } from '../common/i18n';
import { ConfirmDialog, ErrorState, LoadingState } from '../common/feedback';
import { RoleCreateDialog } from './RoleCreateDialog';

export function BuiltinChip() {
  const { t } = useAccessT();
  return (
    <Tooltip title={t('roles.builtinHint')}>
      <Chip size="small" label={t('roles.builtin')} color="info" variant="outlined" data-testid="access-builtin" />
    </Tooltip>
  );
}

/** 角色: every role with its members count; create and delete here, edit on the detail page. */
export function RoleListPage() {
  const { t } = useAccessT();
  const api = useApi(accessApiRef);
  const links = useAccessLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const roles = useLoad(() => api.listRoles(), [api]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Role>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteRole(deleting.id, deleting.version);
      notify({ message: t('common.deleted') });
      setDeleting(undefined);
      roles.retry();
    } catch (e) {
      // 409 (built in, still has members) explains itself; it stays in the dialog next to the button
      setDeleteError(e);
    } finally {
      setBusy(false);
    }
  };

  const list = [...(roles.value ?? [])].sort(
    (a, b) => Number(b.builtin) - Number(a.builtin) || a.name.localeCompare(b.name, 'zh-CN'),
  );

  let body;
  if (roles.error && !roles.value) body = <ErrorState error={roles.error} onRetry={roles.retry} />;
  else if (!roles.value) body = <LoadingState />;
  else if (list.length === 0)
    body = (
      <EmptyState
        testId="access-roles-empty"
        title={t('roles.empty')}
        hint={t('roles.emptyHint')}
        action={
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            {t('roles.new')}
          </Button>
        }
      />
    );
  else
    body = (
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label={t('roles.title')} data-testid="access-roles-table">
          <TableHead>
            <TableRow>
              <TableCell>{t('roles.name')}</TableCell>
              <TableCell>{t('roles.key')}</TableCell>
              <TableCell align="right">{t('roles.memberCount')}</TableCell>
              <TableCell>{t('roles.description')}</TableCell>
              <TableCell align="right" sx={{ width: 80 }}>
                {t('common.actions')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map(r => (
              <TableRow key={r.id} hover data-testid={`role-row-${r.key}`}>
                <TableCell>
                  <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                    <Link
                      component={RouterLink}
                      to={links.role(r.id)}
                      fontWeight={500}
                      data-testid={`role-link-${r.key}`}
                    >
                      {r.name}
                    </Link>
                    {r.builtin && <BuiltinChip />}
                  </Box>
                </TableCell>
                <TableCell>
                  <Typography variant="body2" fontFamily="monospace">
                    {r.key}
                  </Typography>
                </TableCell>
                <TableCell align="right">{r.memberCount}</TableCell>
                <TableCell sx={{ color: 'text.secondary', maxWidth: 420 }}>{r.description}</TableCell>
                <TableCell align="right">
                  {!r.builtin && (
                    <Tooltip title={t('common.delete')}>
                      <IconButton
                        size="small"
                        aria-label={`${t('common.delete')} ${r.name}`}
                        onClick={() => {
                          setDeleteError(undefined);
                          setDeleting(r);
                        }}
                        data-testid={`role-delete-${r.key}`}
                      >
                        <DeleteOutline fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {t('roles.title')}
        </Typography>
        <Button
          variant="contained"
          startIcon={<AddIcon />}
          onClick={() => setCreating(true)}
          data-testid="access-role-new"
        >
          {t('roles.new')}
        </Button>
      </Box>
      {body}
      <RoleCreateDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={role => {
          setCreating(false);
          notify({ message: t('roles.created', { name: role.name }) });
          navigate(links.role(role.id));
        }}
      />
      <ConfirmDialog
        open={!!deleting}
        title={t('roles.confirmDelete', { name: deleting?.name ?? '' })}
        text={t('roles.confirmDeleteText')}
        confirmLabel={t('common.delete')}
        busy={busy}
        error={deleteError}
        onConfirm={remove}
        onClose={() => setDeleting(undefined)}
      />
    </Box>
  );
}
