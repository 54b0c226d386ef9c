import TextField from '@mui/material/TextField';
import * as suite from '@cocrm/suite-react';
import { useDirectory } from './directory';
import { useDesignerT } from './i18n';

interface CommonProps {
  label: string;
  disabled?: boolean;
  error?: string;
  helperText?: string;
  testId?: string;
}

type OrgPickerProps = CommonProps & { fullWidth?: boolean };

/** The designer's fields span their form, so its pickers do too. */
export function UserMultiPicker(props: OrgPickerProps & { value: string[]; onChange: (refs: string[]) => void }) {
  return <suite.UserMultiPicker fullWidth {...props} org={useDirectory()} />;
}

export function UserPicker(props: OrgPickerProps & { value: string | null; onChange: (ref: string | null) => void }) {
  return <suite.UserPicker fullWidth {...props} org={useDirectory()} />;
}

export function DepartmentMultiPicker(props: OrgPickerProps & { value: string[]; onChange: (refs: string[]) => void }) {
  return <suite.DepartmentMultiPicker fullWidth {...props} org={useDirectory()} />;
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
