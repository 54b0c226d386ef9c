import { FormEvent, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import PersonAddAlt from '@mui/icons-material/PersonAddAlt';
import GroupAdd from '@mui/icons-material/GroupAdd';
import PersonOutline from '@mui/icons-material/PersonOutline';
import GroupsOutlined from '@mui/icons-material/GroupsOutlined';
import RemoveCircleOutline from '@mui/icons-material/RemoveCircleOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import type { RoleMember } from '@cocrm/plugin-access-common';
import { EmptyState, useLoad, useNotify } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ApiErrorAlert, apiFieldErrors, ConfirmDialog, ErrorState, LoadingState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useNames } from '../common/org';
import { DepartmentPicker, UserPicker } from '../common/pickers';

type MemberKind = RoleMember['kind'];

export function MemberKindChip(props: { kind: MemberKind; includeSubdepartments?: boolean }) {
  const { t } = useAccessT();
  const label =
    props.kind === 'user'
      ? t('common.user')
      : `${t('common.department')}${
          props.includeSubdepartments ? `（${t('common.includeSubdepartmentsShort')}）` : ''
        }`;
  return (
    <Chip
      size="small"
      variant="outlined"
      icon={props.kind === 'user' ? <PersonOutline /> : <GroupsOutlined />}
      label={label}
    />
  );
}

function AddMemberDialog(props: {
  kind: MemberKind | undefined;
  roleId: string;
  roleName: string;
  existing: RoleMember[];
  onClose: () => void;
  onAdded: () => void;
}) {
  const { t } = useAccessT();
  const api = useApi(accessApiRef);
  const [ref, setRef] = useState<string | null>(null);
  const [includeSub, setIncludeSub] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setRef(null);
    setIncludeSub(false);
    setErrors({});
    setError(undefined);
  }, [props.kind]);
  const exclude = props.existing.filter(m => m.kind === props.kind).map(m => m.ref);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    // dialogs are portalled: keep the submit from bubbling into a form of the page behind
    e?.stopPropagation();
    if (!props.kind || busy) return;
    if (!ref) {
      setErrors({ ref: t('common.required') });
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.addRoleMember(props.roleId, {
        kind: props.kind,
        ref,
        includeSubdepartments: props.kind === 'department' && includeSub,
      });
      props.onAdded();
    } catch (err) {
      setErrors(apiFieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={!!props.kind}
      onClose={() => !busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      aria-labelledby="access-member-add-title"
    >
      <form onSubmit={submit} noValidate data-testid="access-member-form">
        <DialogTitle id="access-member-add-title">
          {props.kind === 'department'
            ? t('members.addDepartmentTitle', { role: props.roleName })
            : t('members.addUserTitle', { role: props.roleName })}
        </DialogTitle>
        <DialogContent dividers>
          {!!error && (
            <Box sx={{ mb: 2 }}>
              <ApiErrorAlert error={error} />
            </Box>
          )}
          {props.kind === 'user' && (
            <UserPicker
              label={t('pickers.user')}
              value={ref}
              onChange={v => {
                setRef(v);
                setErrors({});
              }}
              exclude={exclude}
              error={errors.ref}
              required
              // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
              autoFocus
              fullWidth
              testId="access-member-user"
            />
          )}
          {props.kind === 'department' && (
            <>
              <DepartmentPicker
                label={t('pickers.department')}
                value={ref}
                onChange={v => {
                  setRef(v);
                  setErrors({});
                }}
                error={errors.ref}
                required
                // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
                autoFocus
                fullWidth
                testId="access-member-department"
              />
              <FormControlLabel
                sx={{ mt: 1 }}
                control={
                  <Checkbox
                    checked={includeSub}
                    onChange={e => setIncludeSub(e.target.checked)}
                    inputProps={{ 'data-testid': 'access-member-include-sub' } as Record<string, string>}
                  />
                }
                label={
                  <span>
                    {t('common.includeSubdepartments')}
                    <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1 }}>
                      {t('members.subdepartmentsHint')}
                    </Typography>
                  </span>
                }
              />
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={busy}
            startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
            data-testid="access-member-submit"
          >
            {t('common.add')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** 成员: users and departments given the role; changes apply at once, apart from the role's draft. */
export function RoleMembersSection(props: { roleId: string; roleName: string; catalogHolders: string[]; onChanged: () => void }) {
  const { t } = useAccessT();
  const api = useApi(accessApiRef);
  const notify = useNotify();
  const { subjectName, userName } = useNames();
  const members = useLoad(() => api.listRoleMembers(props.roleId), [api, props.roleId]);
  const [adding, setAdding] = useState<MemberKind>();
  const [removing, setRemoving] = useState<RoleMember>();
  const [removeError, setRemoveError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setRemoveError(undefined);
    try {
      await api.removeRoleMember(props.roleId, removing.id);
      setRemoving(undefined);
      notify({ message: t('members.removed') });
      members.retry();
      props.onChanged();
    } catch (e) {
      setRemoveError(e);
    } finally {
      setBusy(false);
    }
  };

  const list = members.value ?? [];
  let body;
  if (members.error && !members.value) body = <ErrorState error={members.error} onRetry={members.retry} />;
  else if (!members.value) body = <LoadingState compact />;
  else if (!list.length && !props.catalogHolders.length)
    body = <EmptyState testId="access-members-empty" title={t('members.empty')} hint={t('members.emptyHint')} />;
  else
    body = (
      <Table size="small" aria-label={t('members.title')} data-testid="access-members-table">
        <TableHead>
          <TableRow>
            <TableCell>{t('members.member')}</TableCell>
            <TableCell>{t('members.kind')}</TableCell>
            <TableCell>{t('common.createdBy')}</TableCell>
            <TableCell>{t('common.createdAt')}</TableCell>
            <TableCell align="right" sx={{ width: 80 }}>
              {t('common.actions')}
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {list.map(m => (
            <TableRow key={m.id} data-testid={`access-member-${m.ref}`}>
              <TableCell>{subjectName(m.ref)}</TableCell>
              <TableCell>
                <MemberKindChip kind={m.kind} includeSubdepartments={m.includeSubdepartments} />
              </TableCell>
              <TableCell>{userName(m.createdBy)}</TableCell>
              <TableCell>{formatDateTime(m.createdAt)}</TableCell>
              <TableCell align="right">
                <Tooltip title={t('common.remove')}>
                  <IconButton
                    size="small"
                    aria-label={`${t('common.remove')} ${subjectName(m.ref)}`}
                    onClick={() => {
                      setRemoveError(undefined);
                      setRemoving(m);
                    }}
                    data-testid={`access-member-remove-${m.ref}`}
                  >
                    <RemoveCircleOutline fontSize="small" />
                  </IconButton>
                </Tooltip>
              </TableCell>
            </TableRow>
          ))}
          {/* held through the directory (cocrm.io/roles): shown so nobody is overlooked, changed at the source */}
          {props.catalogHolders.map(ref => (
            <TableRow key={`catalog:${ref}`} data-testid={`access-member-catalog-${ref}`}>
              <TableCell>{subjectName(ref)}</TableCell>
              <TableCell>
                <Chip size="small" variant="outlined" label={t('members.fromCatalog')} />
              </TableCell>
              <TableCell colSpan={3}>
                <Typography variant="body2" color="text.secondary">
                  {t('members.fromCatalogHint')}
                </Typography>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );

  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap', mb: 1 }}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="h6" component="h2">
            {t('members.title')}
            {members.value && (
              <Typography component="span" color="text.secondary" sx={{ ml: 1 }}>
                {list.length + props.catalogHolders.length}
              </Typography>
            )}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {t('members.hint')}
          </Typography>
        </Box>
        <Button startIcon={<PersonAddAlt />} onClick={() => setAdding('user')} data-testid="access-member-add-user">
          {t('members.addUser')}
        </Button>
        <Button
          startIcon={<GroupAdd />}
          onClick={() => setAdding('department')}
          data-testid="access-member-add-department"
        >
          {t('members.addDepartment')}
        </Button>
      </Box>
      {body}
      <AddMemberDialog
        kind={adding}
        roleId={props.roleId}
        roleName={props.roleName}
        existing={list}
        onClose={() => setAdding(undefined)}
        onAdded={() => {
          setAdding(undefined);
          notify({ message: t('members.added') });
          members.retry();
          props.onChanged();
        }}
      />
      <ConfirmDialog
        open={!!removing}
        title={t('members.confirmRemove', { name: removing ? subjectName(removing.ref) : '' })}
        confirmLabel={t('common.remove')}
        busy={busy}
        error={removeError}
        onConfirm={remove}
        onClose={() => setRemoving(undefined)}
      />
    </Paper>
  );
}
