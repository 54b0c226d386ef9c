import { ComponentProps, FormEvent, useEffect, useMemo, useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import SearchIcon from '@mui/icons-material/Search';
import * as suite from '@cocrm/suite-react';
import { useAccessT } from './i18n';
import { DepartmentNode, useOrg } from './org';

function matches(q: string, ...texts: Array<string | null | undefined>) {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return texts.some(s => (s ?? '').toLowerCase().includes(needle));
}

/** The props every picker of the suite takes; the directory comes from the org provider. */
type CommonProps = Omit<suite.OrgPickerProps, 'org'>;

/** The directory as the suite's org pickers take it. */
function usePickerOrg(): suite.OrgPickerData {
  const { org, users, loading } = useOrg();
  return useMemo(() => ({ users, departments: org?.departments ?? [], loading }), [org, users, loading]);
}

type UserPickerProps = Omit<ComponentProps<typeof suite.UserPicker>, 'org'>;
type UserMultiPickerProps = Omit<ComponentProps<typeof suite.UserMultiPicker>, 'org'>;

/** One user from `/org`, shown by display name with department and title. */
export function UserPicker(props: UserPickerProps) {
  return <suite.UserPicker {...props} org={usePickerOrg()} />;
}

/** Several users from `/org`. */
export function UserMultiPicker(props: UserMultiPickerProps) {
  return <suite.UserMultiPicker {...props} org={usePickerOrg()} />;
}

/** One department, listed as an indented tree. */
export function DepartmentPicker(
  props: CommonProps & { value: string | null; onChange: (ref: string | null) => void },
) {
  const { t } = useAccessT();
  const { departmentTree, loading } = useOrg();
  const options = useMemo(() => {
    const excluded = new Set((props.exclude ?? []).map(r => r.toLowerCase()));
    return departmentTree.filter(d => !excluded.has(d.ref.toLowerCase()));
  }, [departmentTree, props.exclude]);
  const selected = props.value ? options.find(o => o.ref.toLowerCase() === props.value!.toLowerCase()) ?? null : null;
  return (
    <Autocomplete
      size={props.size ?? 'small'}
      fullWidth={props.fullWidth}
      disabled={props.disabled}
      loading={loading}
      options={options}
      value={selected}
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      filterOptions={(opts, state) =>
        opts.filter(o => matches(state.inputValue, o.displayName, o.ref, o.path.join('/')))
      }
      onChange={(_, v) => props.onChange(v ? v.ref : null)}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          required={props.required}
          // eslint-disable-next-line jsx-a11y/no-autofocus -- only callers inside dialogs ask for it
          autoFocus={props.autoFocus}
          error={!!props.error}
          helperText={props.error ?? props.helperText}
          inputProps={{ ...params.inputProps, 'data-testid': props.testId }}
        />
      )}
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.ref}>
          <Box sx={{ pl: o.depth * 2 }}>
            {o.displayName}
            <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
              {t('pickers.members', { count: o.memberCount })}
            </Typography>
          </Box>
        </li>
      )}
    />
  );
}

/** Checkboxes over the department tree, with a search box that keeps the tree's order. */
export function DepartmentChecklist(props: {
  value: string[];
  onChange: (refs: string[]) => void;
  autoFocus?: boolean;
}) {
  const { t } = useAccessT();
  const { departmentTree } = useOrg();
  const [q, setQ] = useState('');
  const chosen = new Set(props.value.map(r => r.toLowerCase()));
  const visible: DepartmentNode[] = departmentTree.filter(d => matches(q, d.displayName, d.path.join('/')));
  const toggle = (ref: string, on: boolean) =>
    props.onChange(on ? [...props.value, ref] : props.value.filter(r => r.toLowerCase() !== ref.toLowerCase()));
  return (
    <Box>
      <TextField
        size="small"
        fullWidth
        type="search"
        value={q}
        // eslint-disable-next-line jsx-a11y/no-autofocus -- only callers inside dialogs ask for it
        autoFocus={props.autoFocus}
        onChange={e => setQ(e.target.value)}
        onKeyDown={e => {
          // Enter while searching picks the single match instead of submitting the surrounding form
          if (e.key === 'Enter' && q.trim()) {
            e.preventDefault();
            if (visible.length === 1) toggle(visible[0].ref, !chosen.has(visible[0].ref.toLowerCase()));
          }
        }}
        placeholder={t('pickers.searchDepartments')}
        inputProps={{ 'aria-label': t('pickers.searchDepartments'), 'data-testid': 'access-departments-search' }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      <Box
        role="group"
        aria-label={t('pickers.departments')}
        sx={{ mt: 1, maxHeight: 320, overflowY: 'auto', border: 1, borderColor: 'divider', borderRadius: 1, py: 0.5 }}
      >
        {departmentTree.length === 0 && (
          <Typography color="text.secondary" sx={{ p: 2 }}>
            {t('pickers.noDepartments')}
          </Typography>
        )}
        {departmentTree.length > 0 && visible.length === 0 && (
          <Typography color="text.secondary" sx={{ p: 2 }}>
            {t('common.noOptions')}
          </Typography>
        )}
        {visible.map(d => (
          <Box key={d.ref} sx={{ pl: 1 + (q ? 0 : d.depth * 2.5) }}>
            <FormControlLabel
              sx={{ my: -0.25 }}
              control={
                <Checkbox
                  size="small"
                  checked={chosen.has(d.ref.toLowerCase())}
                  onChange={e => toggle(d.ref, e.target.checked)}
                  inputProps={{ 'data-testid': `dept-option-${d.ref}` } as Record<string, string>}
                />
              }
              label={
                <span>
                  {q ? d.path.join(' / ') : d.displayName}
                  <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                    {t('pickers.members', { count: d.memberCount })}
                  </Typography>
                </span>
              }
            />
          </Box>
        ))}
      </Box>
    </Box>
  );
}

export interface DepartmentSelection {
  departments: string[];
  includeSubdepartments: boolean;
}

/** The 指定部门 dialog: several departments plus "含下级部门". */
export function DepartmentScopeDialog(props: {
  open: boolean;
  title?: string;
  initial: DepartmentSelection;
  onConfirm: (selection: DepartmentSelection) => void;
  onCancel: () => void;
}) {
  const { t } = useAccessT();
  const [departments, setDepartments] = useState<string[]>(props.initial.departments);
  const [includeSub, setIncludeSub] = useState(props.initial.includeSubdepartments);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (props.open) {
      setDepartments(props.initial.departments);
      setIncludeSub(props.initial.includeSubdepartments);
      setError(undefined);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.open]);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    // dialogs are portalled: keep the submit from bubbling into a form of the page behind
    e?.stopPropagation();
    if (!departments.length) {
      setError(t('scope.needsDepartments'));
      return;
    }
    props.onConfirm({ departments, includeSubdepartments: includeSub });
  };
  return (
    <Dialog
      open={props.open}
      onClose={props.onCancel}
      maxWidth="sm"
      fullWidth
      aria-labelledby="access-departments-title"
      data-testid="access-departments-dialog"
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="access-departments-title">{props.title ?? t('scope.departmentsTitle')}</DialogTitle>
        <DialogContent dividers>
          <DialogContentText sx={{ mb: 1.5 }}>{t('scope.departmentsHint')}</DialogContentText>
          <DepartmentChecklist
            value={departments}
            onChange={v => {
              setDepartments(v);
              setError(undefined);
            }}
            // eslint-disable-next-line jsx-a11y/no-autofocus -- dialogs focus their first field (WAI-ARIA)
            autoFocus
          />
          {error && (
            <FormHelperText error data-testid="access-departments-error">
              {error}
            </FormHelperText>
          )}
          <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mt: 1 }}>
            <FormControlLabel
              control={
                <Checkbox
                  checked={includeSub}
                  onChange={e => setIncludeSub(e.target.checked)}
                  inputProps={{ 'data-testid': 'access-departments-include-sub' } as Record<string, string>}
                />
              }
              label={t('common.includeSubdepartments')}
            />
            <Typography variant="body2" color="text.secondary">
              {t('pickers.selectedCount', { count: departments.length })}
            </Typography>
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onCancel} data-testid="access-departments-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="contained" data-testid="access-departments-confirm">
            {t('common.confirm')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
