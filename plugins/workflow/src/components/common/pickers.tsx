import { useMemo } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { INSTANCE_STATUSES } from '@cocrm/plugin-workflow-common';
import { OrgUser, useDirectory, useNames } from './directory';
import { refName } from './format';
import { useWorkflowT } from './i18n';

function matches(q: string, ...texts: Array<string | null | undefined>) {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return texts.some(s => (s ?? '').toLowerCase().includes(needle));
}

interface CommonProps {
  label: string;
  error?: string;
  helperText?: string;
  fullWidth?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  required?: boolean;
  testId?: string;
  /** refs that may not be chosen (oneself, the node's approvers) */
  exclude?: string[];
}

function UserOption({ user }: { user: OrgUser }) {
  const { departmentName } = useNames();
  const departments = user.departments.map(departmentName).join('、');
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minWidth: 0 }}>
      <span>{user.displayName}</span>
      <Typography variant="caption" color="text.secondary" noWrap>
        {[departments, user.title].filter(Boolean).join(' · ')}
      </Typography>
    </Box>
  );
}

function useUserOptions(value: string[], exclude: string[] = []) {
  const { users, userByRef } = useDirectory();
  return useMemo(() => {
    const excluded = new Set(exclude.map(r => r.toLowerCase()));
    const options = users.filter(u => !excluded.has(u.ref.toLowerCase()));
    // a chosen ref the directory does not know still has to show (and stay removable)
    const unknown = value
      .filter(r => !userByRef.has(r.toLowerCase()))
      .map(
        (r): OrgUser => ({
          ref: r,
          displayName: refName(r),
          title: null,
          departments: [],
          supervisor: null,
          catalogRoles: [],
        }),
      );
    return [...options, ...unknown];
  }, [users, userByRef, value, exclude]);
}

function useUserFilter() {
  const { departmentName } = useNames();
  return (options: OrgUser[], state: { inputValue: string }) =>
    options.filter(o => matches(state.inputValue, o.displayName, o.ref, o.title, ...o.departments.map(departmentName)));
}

/** Several users of the org directory, by display name with department and title. */
export function UserMultiPicker(props: CommonProps & { value: string[]; onChange: (refs: string[]) => void }) {
  const { t } = useWorkflowT();
  const { usersLoading } = useDirectory();
  const options = useUserOptions(props.value, props.exclude);
  const filterOptions = useUserFilter();
  const selected = props.value
    .map(r => options.find(o => o.ref.toLowerCase() === r.toLowerCase()))
    .filter((o): o is OrgUser => !!o);
  return (
    <Autocomplete
      multiple
      size="small"
      fullWidth={props.fullWidth}
      disabled={props.disabled}
      loading={usersLoading}
      options={options}
      value={selected}
      filterSelectedOptions
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      filterOptions={filterOptions}
      onChange={(_, v) => props.onChange(v.map(o => o.ref))}
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
          <UserOption user={o} />
        </li>
      )}
    />
  );
}

/** One user of the org directory. */
export function UserPicker(props: CommonProps & { value: string | null; onChange: (ref: string | null) => void }) {
  const { t } = useWorkflowT();
  const { usersLoading } = useDirectory();
  const options = useUserOptions(props.value ? [props.value] : [], props.exclude);
  const filterOptions = useUserFilter();
  const selected = props.value ? options.find(o => o.ref.toLowerCase() === props.value!.toLowerCase()) ?? null : null;
  return (
    <Autocomplete
      size="small"
      fullWidth={props.fullWidth}
      disabled={props.disabled}
      loading={usersLoading}
      options={options}
      value={selected}
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      filterOptions={filterOptions}
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
          <UserOption user={o} />
        </li>
      )}
    />
  );
}

/** 单据类型 filter: every registered document type, or all. */
export function DocumentTypeSelect(props: { value: string; onChange: (type: string) => void; testId?: string }) {
  const { t, label } = useWorkflowT();
  const { documentTypes } = useDirectory();
  return (
    <TextField
      select
      size="small"
      label={t('filters.documentType')}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      sx={{ minWidth: 150 }}
      inputProps={{ 'data-testid': props.testId }}
    >
      <MenuItem value="">{t('common.all')}</MenuItem>
      {documentTypes.map(d => (
        <MenuItem key={d.type} value={d.type}>
          {label(d.label, d.type)}
        </MenuItem>
      ))}
      {props.value && !documentTypes.some(d => d.type === props.value) && (
        <MenuItem value={props.value}>{props.value}</MenuItem>
      )}
    </TextField>
  );
}

/** 状态 filter over the instance statuses. */
export function StatusSelect(props: { value: string; onChange: (status: string) => void; testId?: string }) {
  const { t, enumLabel } = useWorkflowT();
  return (
    <TextField
      select
      size="small"
      label={t('filters.status')}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      sx={{ minWidth: 120 }}
      inputProps={{ 'data-testid': props.testId }}
    >
      <MenuItem value="">{t('common.all')}</MenuItem>
      {INSTANCE_STATUSES.map(s => (
        <MenuItem key={s} value={s}>
          {enumLabel('instanceStatus', s)}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Two Shanghai days (yyyy-MM-dd), either may be empty. */
export function DateRange(props: {
  label: string;
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
  testId?: string;
  error?: string;
}) {
  const { t } = useWorkflowT();
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
      <TextField
        size="small"
        type="date"
        label={`${props.label} ${t('common.from')}`}
        InputLabelProps={{ shrink: true }}
        value={props.from}
        error={!!props.error}
        onChange={e => props.onChange(e.target.value, props.to)}
        inputProps={{ 'data-testid': props.testId && `${props.testId}-from` }}
      />
      <TextField
        size="small"
        type="date"
        label={t('common.to')}
        InputLabelProps={{ shrink: true }}
        value={props.to}
        error={!!props.error}
        helperText={props.error}
        onChange={e => props.onChange(props.from, e.target.value)}
        inputProps={{ 'data-testid': props.testId && `${props.testId}-to` }}
      />
    </Box>
  );
}
