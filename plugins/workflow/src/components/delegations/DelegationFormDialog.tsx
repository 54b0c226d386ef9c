import { FormEvent, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Delegation } from '@cocrm/plugin-workflow-common';
import { workflowApiRef } from '../../api/WorkflowClient';
import { useDirectory } from '../common/directory';
import { ApiErrorAlert, apiFieldErrors } from '../common/feedback';
import { shanghaiDay, toShanghaiLocalInput } from '../common/format';
import { useWorkflowT } from '../common/i18n';
import { UserPicker } from '../common/pickers';
import { checkDelegation, DelegationDraft } from './validation';

function initialDraft(now: Date): DelegationDraft {
  return {
    delegate: null,
    allTypes: true,
    documentTypes: [],
    startsAt: toShanghaiLocalInput(now),
    // a week away, at the end of that day
    endsAt: `${shanghaiDay(now, 7)}T18:00`,
  };
}

/** 新建委托: to whom, for which document types, from when to when. */
export function DelegationFormDialog(props: {
  open: boolean;
  me: string | undefined;
  onClose: () => void;
  onSaved: (d: Delegation) => void;
}) {
  const { t, label } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const { documentTypes } = useDirectory();
  const [draft, setDraft] = useState<DelegationDraft>(() => initialDraft(new Date()));
  const [errors, setErrors] = useState<ReturnType<typeof checkDelegation>['errors']>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (props.open) {
      setDraft(initialDraft(new Date()));
      setErrors({});
      setError(undefined);
    }
  }, [props.open]);

  const change = (patch: Partial<DelegationDraft>) => {
    setDraft(d => ({ ...d, ...patch }));
    setErrors(e => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[k as keyof typeof next];
      if ('allTypes' in patch) delete next.documentTypes;
      return next;
    });
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    e?.stopPropagation();
    if (busy) return;
    const check = checkDelegation(draft, { me: props.me, now: new Date(), t });
    setErrors(check.errors);
    if (Object.keys(check.errors).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.createDelegation({
        delegate: draft.delegate!,
        documentTypes: draft.allTypes ? null : draft.documentTypes,
        startsAt: check.startsAt!,
        endsAt: check.endsAt!,
      });
      props.onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const server = apiFieldErrors(error);
  const fieldError = (k: 'delegate' | 'documentTypes' | 'startsAt' | 'endsAt') =>
    errors[k] ?? server[k] ?? Object.entries(server).find(([path]) => path.startsWith(`${k}.`))?.[1];

  return (
    <Dialog
      open={props.open}
      onClose={() => !busy && props.onClose()}
      maxWidth="sm"
      fullWidth
      aria-labelledby="workflow-delegation-title"
      data-testid="workflow-delegation-dialog"
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="workflow-delegation-title">{t('delegations.new')}</DialogTitle>
        <DialogContent dividers sx={{ display: 'flex', flexDirection: 'column', gap: 2.5 }}>
          <DialogContentText>{t('delegations.formHint')}</DialogContentText>
          <UserPicker
            label={t('delegations.delegate')}
            value={draft.delegate}
            onChange={v => change({ delegate: v })}
            exclude={props.me ? [props.me] : []}
            required
            // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
            autoFocus
            error={fieldError('delegate')}
            testId="workflow-delegation-delegate"
          />
          <FormControl error={!!fieldError('documentTypes')}>
            <FormLabel id="workflow-delegation-scope">{t('delegations.scope')}</FormLabel>
            <RadioGroup
              row
              aria-labelledby="workflow-delegation-scope"
              value={draft.allTypes ? 'all' : 'some'}
              onChange={e => change({ allTypes: e.target.value === 'all' })}
            >
              <FormControlLabel
                value="all"
                control={
                  <Radio
                    size="small"
                    inputProps={{ 'data-testid': 'workflow-delegation-all' } as Record<string, string>}
                  />
                }
                label={t('delegations.allTypes')}
              />
              <FormControlLabel
                value="some"
                control={
                  <Radio
                    size="small"
                    inputProps={{ 'data-testid': 'workflow-delegation-some' } as Record<string, string>}
                  />
                }
                label={t('delegations.someTypes')}
              />
            </RadioGroup>
            {!draft.allTypes && (
              <FormGroup sx={{ pl: 1 }}>
                {documentTypes.map(d => (
                  <FormControlLabel
                    key={d.type}
                    control={
                      <Checkbox
                        size="small"
                        checked={draft.documentTypes.includes(d.type)}
                        onChange={e =>
                          change({
                            documentTypes: e.target.checked
                              ? [...draft.documentTypes, d.type]
                              : draft.documentTypes.filter(x => x !== d.type),
                          })
                        }
                        inputProps={{ 'data-testid': `workflow-delegation-type-${d.type}` } as Record<string, string>}
                      />
                    }
                    label={label(d.label, d.type)}
                  />
                ))}
                {documentTypes.length === 0 && <FormHelperText>{t('delegations.noTypes')}</FormHelperText>}
              </FormGroup>
            )}
            {fieldError('documentTypes') && (
              <FormHelperText data-testid="workflow-delegation-types-error">
                {fieldError('documentTypes')}
              </FormHelperText>
            )}
          </FormControl>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
            <TextField
              type="datetime-local"
              size="small"
              label={t('delegations.startsAt')}
              InputLabelProps={{ shrink: true }}
              value={draft.startsAt}
              onChange={e => change({ startsAt: e.target.value })}
              required
              error={!!fieldError('startsAt')}
              helperText={fieldError('startsAt')}
              inputProps={{ 'data-testid': 'workflow-delegation-starts' }}
              sx={{ flex: 1, minWidth: 200 }}
            />
            <TextField
              type="datetime-local"
              size="small"
              label={t('delegations.endsAt')}
              InputLabelProps={{ shrink: true }}
              value={draft.endsAt}
              onChange={e => change({ endsAt: e.target.value })}
              required
              error={!!fieldError('endsAt')}
              helperText={fieldError('endsAt')}
              inputProps={{ 'data-testid': 'workflow-delegation-ends' }}
              sx={{ flex: 1, minWidth: 200 }}
            />
          </Box>
          {error !== undefined && <ApiErrorAlert error={error} />}
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
            data-testid="workflow-delegation-save"
          >
            {t('common.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
