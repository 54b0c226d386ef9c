import { FormEvent, ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ArrowBack from '@mui/icons-material/ArrowBack';
import SaveOutlined from '@mui/icons-material/SaveOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { roleUpdateSchema } from '@cocrm/plugin-access-common';
import type { FieldMode, Role, RoleUpdate, ScopeSpec } from '@cocrm/plugin-access-common';
import { useLoad, useNotify } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessLinks } from '../../routes';
import { useAccessT } from '../common/i18n';
import { ApiErrorAlert, apiFieldErrors, ErrorState, LoadingState } from '../common/feedback';
import { useAccessModel } from '../common/model';
import { describeIssues } from '../common/validation';
import { BuiltinChip } from './RoleListPage';
import { GrantMatrix } from './GrantMatrix';
import { FieldRulesSection } from './FieldRulesSection';
import { RoleMembersSection } from './RoleMembersSection';
import { draftFromRole, draftToBody, errorsByTarget, orphanGrants, RoleDraft, sameDraft } from './roleDraft';

function Section(props: { title: string; hint?: string; children: ReactNode; testId?: string }) {
  return (
    <Box component="section" sx={{ mb: 3 }} data-testid={props.testId}>
      <Typography variant="h6" component="h2">
        {props.title}
      </Typography>
      {props.hint && (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5, maxWidth: 900 }}>
          {props.hint}
        </Typography>
      )}
      {props.children}
    </Box>
  );
}

/** Warns before the tab closes or reloads while the draft is unsaved. */
function useLeaveWarning(active: boolean, message: string) {
  useEffect(() => {
    if (!active) return undefined;
    const handler = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = message;
      return message;
    };
    window.addEventListener('beforeunload', handler);
    return () => window.removeEventListener('beforeunload', handler);
  }, [active, message]);
}

/** The role editor: grant matrix, field rules, name/description as one draft saved together; members apart. */
export function RoleDetailPage() {
  const { id = '' } = useParams();
  const { t, locale, actionLabel } = useAccessT();
  const api = useApi(accessApiRef);
  const links = useAccessLinks();
  const notify = useNotify();
  const model = useAccessModel();
  const loaded = useLoad(() => api.getRole(id), [api, id]);

  const [baseline, setBaseline] = useState<Role>();
  const [draft, setDraft] = useState<RoleDraft>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  // a fresh load (first visit or 重新加载) replaces the draft: that is what reload promises
  useEffect(() => {
    if (loaded.value) {
      setBaseline(loaded.value);
      setDraft(draftFromRole(loaded.value));
      setErrors({});
      setSaveError(undefined);
    }
  }, [loaded.value]);

  const resources = model.resources;
  const baselineDraft = useMemo(() => (baseline ? draftFromRole(baseline) : undefined), [baseline]);
  const dirty = !!draft && !!baselineDraft && !sameDraft(draft, baselineDraft, resources);
  const orphans = useMemo(
    () => (baseline && model.loaded ? orphanGrants(baseline, resources) : []),
    [baseline, resources, model.loaded],
  );
  useLeaveWarning(dirty, t('role.leaveWarning'));

  const clearError = (key: string) =>
    setErrors(e => {
      if (!e[key]) return e;
      const { [key]: _drop, ...rest } = e;
      return rest;
    });
  const setCell = (key: string, value: ScopeSpec | undefined) => {
    setDraft(d => {
      if (!d) return d;
      const cells = { ...d.cells };
      if (value) cells[key] = value;
      else delete cells[key];
      return { ...d, cells };
    });
    clearError(key);
  };
  const setField = (key: string, mode: FieldMode | undefined) => {
    setDraft(d => {
      if (!d) return d;
      const fields = { ...d.fields };
      if (mode) fields[key] = mode;
      else delete fields[key];
      return { ...d, fields };
    });
    clearError(key);
  };

  const save = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (!draft || !baseline || saving) return;
    setSaveError(undefined);
    const built = draftToBody(draft, resources);
    const patch: RoleUpdate = { version: baseline.version, ...built.body };
    const clientErrors: Record<string, string> = {};
    built.body.grants.forEach((g, i) => {
      if (g.scope === 'specified' && !g.departments?.length)
        clientErrors[`grants.${i}.departments`] = t('scope.needsDepartments');
    });
    const parsed = roleUpdateSchema.safeParse(patch);
    Object.assign(clientErrors, parsed.success ? {} : describeIssues(parsed.error.issues, patch, locale));
    if (Object.keys(clientErrors).length) {
      setErrors(errorsByTarget(clientErrors, built));
      setSaveError(new Error(t('common.validationFailed')));
      return;
    }
    setSaving(true);
    try {
      const saved = await api.updateRole(baseline.id, patch);
      setBaseline(saved);
      setDraft(draftFromRole(saved));
      setErrors({});
      notify({ message: t('common.saved') });
    } catch (e) {
      setErrors(errorsByTarget(apiFieldErrors(e), built));
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    if (!baseline) return;
    setDraft(draftFromRole(baseline));
    setErrors({});
    setSaveError(undefined);
  };

  /**
   * Adding or removing a member may bump the role's version on the server.
   * When nothing but that changed, adopt the new version so the draft stays
   * saveable; when someone else edited the role, keep the old version so that
   * saving reports the conflict instead of overwriting their change.
   */
  const onMembersChanged = useCallback(async () => {
    if (!baseline) return;
    try {
      const fresh = await api.getRole(baseline.id);
      setBaseline(b => {
        if (!b) return fresh;
        const unchanged = sameDraft(draftFromRole(fresh), draftFromRole(b), resources);
        return unchanged ? fresh : { ...b, memberCount: fresh.memberCount };
      });
    } catch {
      // the member change itself succeeded; a stale count is harmless
    }
  }, [api, baseline, resources]);

  const back = (
    <Link
      component={RouterLink}
      to={links.roles}
      sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, mb: 1 }}
      data-testid="access-role-back"
    >
      <ArrowBack fontSize="small" />
      {t('roles.back')}
    </Link>
  );
  let pending;
  if (loaded.error && !baseline) pending = <ErrorState error={loaded.error} onRetry={loaded.retry} />;
  else if (model.error && !model.loaded) pending = <ErrorState error={model.error} onRetry={model.retry} />;
  else if (!baseline || !draft || !model.loaded) pending = <LoadingState />;
  if (pending || !baseline || !draft) {
    return (
      <Box>
        {back}
        {pending}
      </Box>
    );
  }

  const reload = () => loaded.retry();

  return (
    // not one big <form>: the department and member dialogs are portalled children whose
    // submit events would bubble through React into it; Enter saves from the basics form
    <Box data-testid="access-role-editor">
      {back}
      <Box
        sx={{
          position: 'sticky',
          top: 0,
          zIndex: 3,
          bgcolor: 'background.default',
          display: 'flex',
          alignItems: 'center',
          gap: 1.5,
          flexWrap: 'wrap',
          py: 1,
          mb: 2,
          borderBottom: 1,
          borderColor: 'divider',
        }}
      >
        <Typography variant="h5" component="h1" data-testid="access-role-title">
          {baseline.name}
        </Typography>
        <Typography color="text.secondary" fontFamily="monospace">
          {baseline.key}
        </Typography>
        {baseline.builtin && <BuiltinChip />}
        <Box sx={{ flex: 1 }} />
        {dirty && <Chip color="warning" size="small" label={t('role.unsaved')} data-testid="access-role-dirty" />}
        <Button onClick={discard} disabled={!dirty || saving} data-testid="access-role-discard">
          {t('role.discard')}
        </Button>
        <Button
          variant="contained"
          onClick={() => save()}
          disabled={!dirty || saving}
          startIcon={saving ? <CircularProgress size={16} color="inherit" /> : <SaveOutlined />}
          data-testid="access-role-save"
        >
          {saving ? t('role.saving') : t('common.save')}
        </Button>
      </Box>

      {!!saveError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={saveError} onReload={reload} />
          {errors._ && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {errors._}
            </Alert>
          )}
        </Box>
      )}
      {orphans.length > 0 && (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="access-role-orphans">
          {t('role.orphanGrants', {
            list: orphans.map(g => `${g.resourceType} · ${actionLabel(g.action)}`).join('、'),
          })}
        </Alert>
      )}

      <Section title={t('role.basics')}>
        <Paper
          component="form"
          onSubmit={save}
          noValidate
          variant="outlined"
          sx={{ p: 2, display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 2fr' } }}
        >
          {/* lets Enter in either text field submit (implicit submission needs a submit control) */}
          <button type="submit" hidden aria-hidden tabIndex={-1} />
          <TextField
            size="small"
            label={t('roles.name')}
            required
            value={draft.name}
            onChange={e => {
              setDraft({ ...draft, name: e.target.value });
              clearError('name');
            }}
            error={!!errors.name}
            helperText={errors.name}
            inputProps={{ 'data-testid': 'access-role-name' }}
          />
          <TextField
            size="small"
            label={t('roles.description')}
            value={draft.description}
            onChange={e => {
              setDraft({ ...draft, description: e.target.value });
              clearError('description');
            }}
            error={!!errors.description}
            helperText={errors.description}
            inputProps={{ 'data-testid': 'access-role-description' }}
          />
        </Paper>
      </Section>

      <Section title={t('role.permissions')} hint={t('role.permissionsHint')}>
        <GrantMatrix
          resources={resources}
          cells={draft.cells}
          baseline={baselineDraft?.cells ?? {}}
          errors={errors}
          onChange={setCell}
          disabled={saving}
        />
      </Section>

      <Section title={t('role.fieldRules')} hint={t('role.fieldRulesHint')} testId="access-field-rules">
        <FieldRulesSection
          resources={resources}
          fields={draft.fields}
          baseline={baselineDraft?.fields ?? {}}
          errors={errors}
          onChange={setField}
          disabled={saving}
        />
      </Section>

      <RoleMembersSection roleId={baseline.id} roleName={baseline.name} catalogHolders={baseline.catalogHolders} onChanged={onMembersChanged} />
    </Box>
  );
}
