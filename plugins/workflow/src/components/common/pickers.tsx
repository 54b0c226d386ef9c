import { ComponentProps, useMemo } from 'react';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { INSTANCE_STATUSES } from '@cocrm/plugin-workflow-common';
import * as suite from '@cocrm/suite-react';
import { useDirectory } from './directory';
import { useWorkflowT } from './i18n';

/** The directory as the suite's org pickers take it. */
function usePickerOrg(): suite.OrgPickerData {
  const { users, departments, usersLoading } = useDirectory();
  return useMemo(() => ({ users, departments, loading: usersLoading }), [users, departments, usersLoading]);
}

type UserPickerProps = Omit<ComponentProps<typeof suite.UserPicker>, 'org'>;
type UserMultiPickerProps = Omit<ComponentProps<typeof suite.UserMultiPicker>, 'org'>;

/** Several users of the org directory, by display name with department and title. */
export function UserMultiPicker(props: UserMultiPickerProps) {
  return <suite.UserMultiPicker {...props} org={usePickerOrg()} />;
}

/** One user of the org directory. */
export function UserPicker(props: UserPickerProps) {
  return <suite.UserPicker {...props} org={usePickerOrg()} />;
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
