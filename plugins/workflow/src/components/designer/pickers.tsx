import { useMemo } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { DirectoryUser, useDirectory, useNames } from './directory';
import { useDesignerT } from './i18n';

interface CommonProps {
  label: string;
  disabled?: boolean;
  error?: string;
  helperText?: string;
  testId?: string;
}

const matches = (q: string, ...texts: Array<string | null | undefined>) => {
  const needle = q.trim().toLowerCase();
  return !needle || texts.some(s => (s ?? '').toLowerCase().includes(needle));
};

/** The directory's users plus any chosen ref it does not know, so that one still shows and can be removed. */
function useUserOptions(value: string[]): DirectoryUser[] {
  const { users } = useDirectory();
  return useMemo(() => {
    const known = new Set(users.map(u => u.ref.toLowerCase()));
    const unknown = value.filter(r => !known.has(r.toLowerCase())).map(r => ({ ref: r, displayName: r, departments: [] }));
    return [...users, ...unknown];
  }, [users, value]);
}

function UserOption(props: { user: DirectoryUser }) {
  const names = useNames();
  const { t } = useDesignerT();
  const sub = [props.user.departments.map(names.department).join(t('common.listSeparator')), props.user.title].filter(Boolean).join(' · ');
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minWidth: 0 }}>
      <span>{props.user.displayName}</span>
      {sub && (
        <Typography variant="caption" color="text.secondary" noWrap>
          {sub}
        </Typography>
      )}
    </Box>
  );
}

export function UserMultiPicker(props: CommonProps & { value: string[]; onChange: (refs: string[]) => void }) {
  const { t } = useDesignerT();
  const { loading } = useDirectory();
  const names = useNames();
  const options = useUserOptions(props.value);
  const selected = props.value
    .map(r => options.find(o => o.ref.toLowerCase() === r.toLowerCase()))
    .filter((o): o is DirectoryUser => !!o);
  return (
    <Autocomplete
      multiple
      size="small"
      fullWidth
      disabled={props.disabled}
      loading={loading}
      options={options}
      value={selected}
      filterSelectedOptions
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      filterOptions={(opts, state) =>
        opts.filter(o => matches(state.inputValue, o.displayName, o.ref, o.title, ...o.departments.map(names.department)))
      }
      onChange={(_, v) => props.onChange(v.map(o => o.ref))}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          error={!!props.error}
          helperText={props.error ?? props.helperText}
          inputProps={{ ...params.inputProps, 'data-testid': props.testId }}
        />
      )}
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.ref}>
          <UserOption user={o} />
        </li>
      )}
    />
  );
}

export function UserPicker(props: CommonProps & { value: string | null; onChange: (ref: string | null) => void }) {
  return (
    <UserMultiPicker
      {...props}
      value={props.value ? [props.value] : []}
      // one person: the newest pick replaces the previous
      onChange={refs => props.onChange(refs.length ? refs[refs.length - 1] : null)}
    />
  );
}

export function DepartmentMultiPicker(props: CommonProps & { value: string[]; onChange: (refs: string[]) => void }) {
  const { t } = useDesignerT();
  const { departments, loading } = useDirectory();
  const options = useMemo(() => {
    const known = new Set(departments.map(d => d.ref.toLowerCase()));
    return [
      ...departments,
      ...props.value.filter(r => !known.has(r.toLowerCase())).map(r => ({ ref: r, displayName: r, parent: null })),
    ];
  }, [departments, props.value]);
  const selected = props.value.map(r => options.find(o => o.ref.toLowerCase() === r.toLowerCase())).filter(<T,>(o: T | undefined): o is T => !!o);
  return (
    <Autocomplete
      multiple
      size="small"
      fullWidth
      disabled={props.disabled}
      loading={loading}
      options={options}
      value={selected}
      filterSelectedOptions
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      filterOptions={(opts, state) => opts.filter(o => matches(state.inputValue, o.displayName, o.ref))}
      onChange={(_, v) => props.onChange(v.map(o => o.ref))}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          error={!!props.error}
          helperText={props.error ?? props.helperText}
          inputProps={{ ...params.inputProps, 'data-testid': props.testId }}
        />
      )}
    />
  );
}

/**
 * A role by key: a choice among the access plugin's roles when they could be
 * read, otherwise the key typed in.
 */
export function RolePicker(props: CommonProps & { value: string; onChange: (key: string) => void }) {
  const { t } = useDesignerT();
  const { roles } = useDirectory();
  if (!roles) {
    return (
      <TextField
        size="small"
        fullWidth
        label={props.label}
        value={props.value}
        disabled={props.disabled}
        onChange={e => props.onChange(e.target.value.trim())}
        error={!!props.error}
        helperText={props.error ?? t('rules.rolesUnavailable')}
        inputProps={{ 'data-testid': props.testId }}
      />
    );
  }
  const known = roles.some(r => r.key === props.value);
  return (
    <TextField
      select
      size="small"
      fullWidth
      label={props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={e => props.onChange(e.target.value)}
      error={!!props.error}
      helperText={props.error ?? props.helperText}
      SelectProps={{ native: true }}
      inputProps={{ 'data-testid': props.testId }}
      InputLabelProps={{ shrink: true }}
    >
      <option value="" disabled>
        —
      </option>
      {!known && props.value && <option value={props.value}>{props.value}</option>}
      {roles.map(r => (
        <option key={r.key} value={r.key}>
          {r.name}
        </option>
      ))}
    </TextField>
  );
}

/** A native select over fixed options (native so that keyboard users and tests change it in one step). */
export function NativeSelect<V extends string>(
  props: CommonProps & { value: V; options: Array<{ value: V; label: string }>; onChange: (v: V) => void },
) {
  return (
    <TextField
      select
      size="small"
      fullWidth
      label={props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={e => props.onChange(e.target.value as V)}
      error={!!props.error}
      helperText={props.error ?? props.helperText}
      SelectProps={{ native: true }}
      inputProps={{ 'data-testid': props.testId }}
      InputLabelProps={{ shrink: true }}
    >
      {props.options.map(o => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </TextField>
  );
}
