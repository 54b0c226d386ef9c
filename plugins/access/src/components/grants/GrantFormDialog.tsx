import { FormEvent, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { directGrantCreateSchema } from '@cocrm/plugin-access-common';
import type { AccessAction, DataScope, DirectGrantCreate } from '@cocrm/plugin-access-common';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ApiErrorAlert, apiFieldErrors } from '../common/feedback';
import { isScopedCell, scopeOptionsFor, useAccessModel } from '../common/model';
import { DepartmentChecklist, DepartmentPicker, UserPicker } from '../common/pickers';
import { describeIssues, fieldError } from '../common/validation';

type SubjectKind = 'user' | 'department';

interface FormState {
  subjectKind: SubjectKind;
  subjectRef: string | null;
  resourceType: string;
  action: AccessAction | '';
  scope: DataScope | '';
  departments: string[];
  /** the subject's: members of sub-departments get the grant too */
  includeSubdepartments: boolean;
  /** the 指定部门 scope's: the named departments' sub-departments count too */
  scopeIncludeSubdepartments: boolean;
}

const INITIAL: FormState = {
  subjectKind: 'user',
  subjectRef: null,
  resourceType: '',
  action: '',
  scope: '',
  departments: [],
  includeSubdepartments: false,
  scopeIncludeSubdepartments: false,
};

function SubdepartmentsCheckbox(props: {
  checked: boolean;
  onChange: (v: boolean) => void;
  hint: string;
  testId: string;
}) {
  const { t } = useAccessT();
  return (
    <FormControlLabel
      control={
        <Checkbox
          checked={props.checked}
          onChange={e => props.onChange(e.target.checked)}
          inputProps={{ 'data-testid': props.testId } as Record<string, string>}
        />
      }
      label={
        <span>
          {t('common.includeSubdepartments')}
          <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1 }}>
            {props.hint}
          </Typography>
        </span>
      }
    />
  );
}

/** 新建直接授权: subject, resource, action, scope (and departments for 指定部门). */
export function GrantFormDialog(props: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t, locale, label, actionLabel, scopeLabel } = useAccessT();
  const api = useApi(accessApiRef);
  const { resources, byType } = useAccessModel();
  const [form, setForm] = useState<FormState>(INITIAL);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.open) {
      setForm(INITIAL);
      setErrors({});
      setSubmitError(undefined);
    }
  }, [props.open]);

  const set = (changes: Partial<FormState>) => {
    setForm(f => ({ ...f, ...changes }));
    setErrors(e => {
      const next = { ...e };
      for (const k of Object.keys(changes)) delete next[k];
      return next;
    });
  };

  const resource = byType.get(form.resourceType);
  const scoped = resource && form.action ? isScopedCell(resource, form.action) : true;
  const scopes =
    resource && form.action ? scopeOptionsFor(resource, form.action).filter((s): s is DataScope => s !== 'none') : [];
  const specified = form.scope === 'specified';
  const department = form.subjectKind === 'department';

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    // dialogs are portalled: keep the submit from bubbling into a form of the page behind
    ev?.stopPropagation();
    if (busy) return;
    setSubmitError(undefined);
    const input: DirectGrantCreate = {
      subjectKind: form.subjectKind,
      subjectRef: form.subjectRef ?? '',
      includeSubdepartments: department && form.includeSubdepartments,
      resourceType: form.resourceType,
      action: form.action as AccessAction,
      scope: form.scope as DataScope,
      ...(specified
        ? { departments: form.departments, scopeIncludeSubdepartments: form.scopeIncludeSubdepartments }
        : {}),
    };
    const parsed = directGrantCreateSchema.safeParse(input);
    const clientErrors = parsed.success ? {} : describeIssues(parsed.error.issues, input, locale);
    // empty selects are '' which zod calls invalid; to the admin they are simply missing
    for (const k of ['subjectRef', 'resourceType', 'action', 'scope'] as const) {
      if (!input[k]) clientErrors[k] = t('common.required');
    }
    if (specified && !form.departments.length) clientErrors.departments = t('scope.needsDepartments');
    if (Object.keys(clientErrors).length) {
      setErrors(clientErrors);
      setSubmitError(new Error(t('common.validationFailed')));
      return;
    }
    setBusy(true);
    try {
      await api.createGrant(input);
      props.onCreated();
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={() => !busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      aria-labelledby="access-grant-title"
    >
      <form onSubmit={submit} noValidate data-testid="access-grant-form">
        <DialogTitle id="access-grant-title">{t('grants.createTitle')}</DialogTitle>
        <DialogContent dividers>
          {!!submitError && (
            <Box sx={{ mb: 2 }}>
              <ApiErrorAlert error={submitError} />
            </Box>
          )}
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            <Box>
              <FormLabel component="div" sx={{ mb: 0.5, fontSize: 13 }}>
                {t('grants.subjectKind')}
              </FormLabel>
              <ToggleButtonGroup
                exclusive
                size="small"
                value={form.subjectKind}
                onChange={(_, v: SubjectKind | null) => v && set({ subjectKind: v, subjectRef: null })}
              >
                <ToggleButton value="user" data-testid="access-grant-kind-user">
                  {t('common.user')}
                </ToggleButton>
                <ToggleButton value="department" data-testid="access-grant-kind-department">
                  {t('common.department')}
                </ToggleButton>
              </ToggleButtonGroup>
            </Box>
            {department ? (
              <DepartmentPicker
                label={t('grants.subject')}
                value={form.subjectRef}
                onChange={v => set({ subjectRef: v })}
                error={errors.subjectRef}
                required
                fullWidth
                testId="access-grant-subject"
              />
            ) : (
              <UserPicker
                label={t('grants.subject')}
                value={form.subjectRef}
                onChange={v => set({ subjectRef: v })}
                error={errors.subjectRef}
                required
                // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
                autoFocus
                fullWidth
                testId="access-grant-subject"
              />
            )}
            <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '2fr 1fr 1.5fr' } }}>
              <TextField
                select
                size="small"
                required
                label={t('grants.resource')}
                value={form.resourceType}
                onChange={e => set({ resourceType: e.target.value, action: '', scope: '' })}
                error={!!errors.resourceType}
                helperText={errors.resourceType}
                inputProps={{ 'data-testid': 'access-grant-resource' }}
              >
                {resources.map(r => (
                  <MenuItem key={r.resourceType} value={r.resourceType}>
                    {label(r.label, r.resourceType)}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                select
                size="small"
                required
                disabled={!resource}
                label={t('grants.action')}
                value={form.action}
                onChange={e => set({ action: e.target.value as AccessAction, scope: '' })}
                error={!!errors.action}
                helperText={errors.action}
                inputProps={{ 'data-testid': 'access-grant-action' }}
              >
                {(resource?.actions ?? []).map(a => (
                  <MenuItem key={a} value={a}>
                    {actionLabel(a)}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                select
                size="small"
                required
                disabled={!form.action}
                label={t('grants.scope')}
                value={form.scope}
                onChange={e => set({ scope: e.target.value as DataScope })}
                error={!!errors.scope}
                helperText={errors.scope}
                inputProps={{ 'data-testid': 'access-grant-scope' }}
              >
                {scopes.map(s => (
                  <MenuItem key={s} value={s}>
                    {s === 'all' && !scoped ? t('scope.allow') : scopeLabel(s)}
                  </MenuItem>
                ))}
              </TextField>
            </Box>
            {specified && (
              <Box>
                <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
                  {t('scope.departmentsTitle')}
                </Typography>
                <DepartmentChecklist value={form.departments} onChange={v => set({ departments: v })} />
                <SubdepartmentsCheckbox
                  checked={form.scopeIncludeSubdepartments}
                  onChange={v => set({ scopeIncludeSubdepartments: v })}
                  hint={t('grants.specifiedSubdepartments')}
                  testId="access-grant-scope-include-sub"
                />
                {fieldError(errors, 'departments') && (
                  <FormHelperText error>{fieldError(errors, 'departments')}</FormHelperText>
                )}
              </Box>
            )}
            {department && (
              <SubdepartmentsCheckbox
                checked={form.includeSubdepartments}
                onChange={v => set({ includeSubdepartments: v })}
                hint={t('grants.subjectSubdepartments')}
                testId="access-grant-include-sub"
              />
            )}
          </Box>
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
            data-testid="access-grant-submit"
          >
            {t('common.add')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
