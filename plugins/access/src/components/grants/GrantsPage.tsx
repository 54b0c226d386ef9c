import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import type { DirectGrant } from '@cocrm/plugin-access-common';
import { EmptyState, useLoad, useNotify } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ConfirmDialog, ErrorState, LoadingState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { isScopedCell, useAccessModel } from '../common/model';
import { useNames } from '../common/org';
import { DepartmentPicker, UserPicker } from '../common/pickers';
import { useDepartmentSummary } from '../roles/GrantMatrix';
import { MemberKindChip } from '../roles/RoleMembersSection';
import { GrantFormDialog } from './GrantFormDialog';

type SubjectKind = 'user' | 'department';

/** 授权: grants to users and departments outside roles. */
export function GrantsPage() {
  const { t, label, actionLabel, scopeLabel } = useAccessT();
  const api = useApi(accessApiRef);
  const notify = useNotify();
  const { byType } = useAccessModel();
  const { subjectName, userName } = useNames();
  const departmentSummary = useDepartmentSummary();
  const [params, setParams] = useSearchParams();
  const subjectKind: SubjectKind = params.get('subjectKind') === 'department' ? 'department' : 'user';
  const subjectRef = params.get('subjectRef') || undefined;
  const grants = useLoad(
    () => api.listGrants(subjectRef ? { subjectKind, subjectRef } : {}),
    [api, subjectKind, subjectRef],
  );
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<DirectGrant>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const setFilter = (kind: SubjectKind, ref: string | null) =>
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        next.set('subjectKind', kind);
        if (ref) next.set('subjectRef', ref);
        else next.delete('subjectRef');
        return next;
      },
      { replace: true },
    );

  const resourceName = (type: string) => label(byType.get(type)?.label, type);
  const scopeText = (g: DirectGrant) => {
    const resource = byType.get(g.resourceType);
    if (g.scope === 'all' && resource && !isScopedCell(resource, g.action)) return t('scope.allow');
    if (g.scope === 'specified') {
      const summary = departmentSummary({
        departments: g.departments,
        includeSubdepartments: g.scopeIncludeSubdepartments,
      });
      return `${scopeLabel(g.scope)}：${summary}`;
    }
    return scopeLabel(g.scope);
  };

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteGrant(deleting.id, deleting.version);
      setDeleting(undefined);
      notify({ message: t('common.deleted') });
      grants.retry();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setBusy(false);
    }
  };

  const list = [...(grants.value ?? [])].sort(
    (a, b) =>
      subjectName(a.subjectRef).localeCompare(subjectName(b.subjectRef), 'zh-CN') ||
      a.resourceType.localeCompare(b.resourceType),
  );

  let body;
  if (grants.error && !grants.value) body = <ErrorState error={grants.error} onRetry={grants.retry} />;
  else if (!grants.value) body = <LoadingState />;
  else if (!list.length)
    body = (
      <EmptyState
        testId="access-grants-empty"
        title={t('grants.empty')}
        hint={t('grants.emptyHint')}
        action={
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            {t('grants.new')}
          </Button>
        }
      />
    );
  else
    body = (
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label={t('grants.title')} data-testid="access-grants-table">
          <TableHead>
            <TableRow>
              <TableCell>{t('grants.subject')}</TableCell>
              <TableCell>{t('grants.resource')}</TableCell>
              <TableCell>{t('grants.action')}</TableCell>
              <TableCell>{t('grants.scope')}</TableCell>
              <TableCell>{t('common.createdBy')}</TableCell>
              <TableCell>{t('common.createdAt')}</TableCell>
              <TableCell align="right" sx={{ width: 80 }}>
                {t('common.actions')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map(g => (
              <TableRow key={g.id} hover data-testid={`grant-item-${g.id}`}>
                <TableCell>
                  <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                    {subjectName(g.subjectRef)}
                    <MemberKindChip
                      kind={g.subjectKind}
                      includeSubdepartments={g.subjectKind === 'department' && g.includeSubdepartments}
                    />
                  </Box>
                </TableCell>
                <TableCell>{resourceName(g.resourceType)}</TableCell>
                <TableCell>{actionLabel(g.action)}</TableCell>
                <TableCell>{scopeText(g)}</TableCell>
                <TableCell>{userName(g.createdBy)}</TableCell>
                <TableCell>{formatDateTime(g.createdAt)}</TableCell>
                <TableCell align="right">
                  <Tooltip title={t('common.delete')}>
                    <IconButton
                      size="small"
                      aria-label={t('common.delete')}
                      onClick={() => {
                        setDeleteError(undefined);
                        setDeleting(g);
                      }}
                      data-testid={`grant-delete-${g.id}`}
                    >
                      <DeleteOutline fontSize="small" />
                    </IconButton>
                  </Tooltip>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, mb: 2 }}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="h5">{t('grants.title')}</Typography>
          <Typography color="text.secondary">{t('grants.hint')}</Typography>
        </Box>
        <Button
          variant="contained"
          startIcon={<AddIcon />}
          onClick={() => setCreating(true)}
          data-testid="access-grant-new"
        >
          {t('grants.new')}
        </Button>
      </Box>
      <Paper variant="outlined" sx={{ p: 2, mb: 2, display: 'flex', gap: 1.5, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" color="text.secondary">
          {t('grants.filterSubject')}
        </Typography>
        <ToggleButtonGroup
          exclusive
          size="small"
          value={subjectKind}
          onChange={(_, v: SubjectKind | null) => v && setFilter(v, null)}
        >
          <ToggleButton value="user">{t('common.user')}</ToggleButton>
          <ToggleButton value="department">{t('common.department')}</ToggleButton>
        </ToggleButtonGroup>
        <Box sx={{ minWidth: 260 }}>
          {subjectKind === 'department' ? (
            <DepartmentPicker
              label={t('pickers.department')}
              value={subjectRef ?? null}
              onChange={v => setFilter('department', v)}
              fullWidth
              testId="access-grants-filter-subject"
            />
          ) : (
            <UserPicker
              label={t('pickers.user')}
              value={subjectRef ?? null}
              onChange={v => setFilter('user', v)}
              fullWidth
              testId="access-grants-filter-subject"
            />
          )}
        </Box>
        {subjectRef && (
          <Button onClick={() => setFilter(subjectKind, null)} data-testid="access-grants-clear">
            {t('common.clearFilters')}
          </Button>
        )}
      </Paper>
      {body}
      <GrantFormDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          notify({ message: t('grants.created') });
          grants.retry();
        }}
      />
      <ConfirmDialog
        open={!!deleting}
        title={t('grants.confirmDelete')}
        text={
          deleting &&
          t('grants.confirmDeleteText', {
            subject: subjectName(deleting.subjectRef),
            resource: resourceName(deleting.resourceType),
            action: actionLabel(deleting.action),
          })
        }
        confirmLabel={t('common.delete')}
        busy={busy}
        error={deleteError}
        onConfirm={remove}
        onClose={() => setDeleting(undefined)}
      />
    </Box>
  );
}
