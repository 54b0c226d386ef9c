import { FormEvent, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import { roleCreateSchema } from '@cocrm/plugin-access-common';
import type { Role, RoleCreate } from '@cocrm/plugin-access-common';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from '../common/i18n';
import { ApiErrorAlert, apiFieldErrors } from '../common/feedback';
import { describeIssues } from '../common/validation';

/** 新建角色: key, name and description; permissions are set on the detail page that opens next. */
export function RoleCreateDialog(props: { open: boolean; onClose: () => void; onCreated: (role: Role) => void }) {
  const { t, locale } = useAccessT();
  const api = useApi(accessApiRef);
  const [form, setForm] = useState({ key: '', name: '', description: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.open) {
      setForm({ key: '', name: '', description: '' });
      setErrors({});
      setSubmitError(undefined);
    }
  }, [props.open]);

  const set = (key: keyof typeof form, value: string) => {
    setForm(f => ({ ...f, [key]: value }));
    setErrors(e => {
      const { [key]: _drop, ...rest } = e;
      return rest;
    });
  };

  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    // dialogs are portalled: keep the submit from bubbling into a form of the page behind
    ev?.stopPropagation();
    if (busy) return;
    setSubmitError(undefined);
    const input: RoleCreate = {
      key: form.key.trim(),
      name: form.name.trim(),
      description: form.description.trim() || null,
    };
    const parsed = roleCreateSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(describeIssues(parsed.error.issues, input, locale));
      setSubmitError(new Error(t('common.validationFailed')));
      return;
    }
    setBusy(true);
    try {
      props.onCreated(await api.createRole(input));
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
      aria-labelledby="access-role-create-title"
    >
      <form onSubmit={submit} noValidate data-testid="access-role-create-form">
        <DialogTitle id="access-role-create-title">{t('roles.createTitle')}</DialogTitle>
        <DialogContent dividers>
          {!!submitError && (
            <Box sx={{ mb: 2 }}>
              <ApiErrorAlert error={submitError} />
            </Box>
          )}
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            <TextField
              size="small"
              label={t('roles.name')}
              required
              // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
              autoFocus
              value={form.name}
              onChange={e => set('name', e.target.value)}
              error={!!errors.name}
              helperText={errors.name}
              inputProps={{ 'data-testid': 'access-role-create-name' }}
            />
            <TextField
              size="small"
              label={t('roles.key')}
              required
              value={form.key}
              onChange={e => set('key', e.target.value)}
              error={!!errors.key}
              helperText={errors.key ?? t('roles.keyHelp')}
              inputProps={{ 'data-testid': 'access-role-create-key', spellCheck: false, autoCapitalize: 'off' }}
            />
            <TextField
              size="small"
              label={t('roles.description')}
              multiline
              minRows={2}
              value={form.description}
              onChange={e => set('description', e.target.value)}
              error={!!errors.description}
              helperText={errors.description}
              inputProps={{ 'data-testid': 'access-role-create-description' }}
            />
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
            data-testid="access-role-create-submit"
          >
            {t('common.create')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
