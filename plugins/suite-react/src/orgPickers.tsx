import { HTMLAttributes, useMemo } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useSuiteT } from './i18n';

/** A person of the org directory (the access plugin's `/org` users fit as they are). */
export interface OrgPickerUser {
  ref: string;
  displayName: string;
  title?: string | null;
  /** department refs */
  departments: string[];
}

export interface OrgPickerDepartment {
  ref: string;
  displayName: string;
}

/**
 * What the org pickers offer. Each plugin loads it its own way (its API
 * client, a provider it already has) and passes it in, so this library needs
 * no plugin's API.
 */
export interface OrgPickerData {
  users: OrgPickerUser[];
  departments: OrgPickerDepartment[];
  loading?: boolean;
}

export interface OrgPickerProps {
  org: OrgPickerData;
  label: string;
  error?: string;
  helperText?: string;
  size?: 'small' | 'medium';
  fullWidth?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  required?: boolean;
  /** on the input, for tests and e2e specs */
  testId?: string;
  /** refs that may not be chosen (e.g. oneself, the person handing over) */
  exclude?: string[];
}

/** The last path segment of an entity ref: what to show when the directory does not know it. */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  const j = ref.indexOf(':');
  return ref.slice(i >= 0 ? i + 1 : j + 1);
}

function matches(q: string, ...texts: Array<string | null | undefined>) {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return texts.some(s => (s ?? '').toLowerCase().includes(needle));
}

function byRef<T extends { ref: string }>(items: T[]): Map<string, T> {
  return new Map(items.map(i => [i.ref.toLowerCase(), i]));
}

/** Options in the directory's order; a chosen ref it does not know still shows (and stays removable). */
function useOptions<T extends { ref: string }>(
  known: T[],
  value: string[],
  exclude: string[] | undefined,
  unknown: (ref: string) => T,
): T[] {
  return useMemo(() => {
    const excluded = new Set((exclude ?? []).map(r => r.toLowerCase()));
    const knownRefs = new Set(known.map(k => k.ref.toLowerCase()));
    return [
      ...known.filter(k => !excluded.has(k.ref.toLowerCase())),
      ...value.filter(r => !knownRefs.has(r.toLowerCase())).map(unknown),
    ];
    // `unknown` only builds a placeholder from the ref
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [known, value, exclude]);
}

function chosen<T extends { ref: string }>(options: T[], value: string[]): T[] {
  const map = byRef(options);
  return value.map(r => map.get(r.toLowerCase())).filter((o): o is T => !!o);
}

function useUserView(org: OrgPickerData, value: string[], exclude?: string[]) {
  const { t } = useSuiteT();
  const departmentNames = useMemo(() => byRef(org.departments), [org.departments]);
  const departmentsOf = (user: OrgPickerUser) =>
    user.departments.map(d => departmentNames.get(d.toLowerCase())?.displayName ?? refName(d));
  const options = useOptions(org.users, value, exclude, (ref): OrgPickerUser => ({
    ref,
    displayName: refName(ref),
    title: null,
    departments: [],
  }));
  const filterOptions = (opts: OrgPickerUser[], state: { inputValue: string }) =>
    opts.filter(o => matches(state.inputValue, o.displayName, o.ref, o.title, ...departmentsOf(o)));
  const renderOption = (liProps: HTMLAttributes<HTMLLIElement>, user: OrgPickerUser) => {
    const sub = [departmentsOf(user).join(t('pickers.listSeparator')), user.title].filter(Boolean).join(' · ');
    return (
      <li {...liProps} key={user.ref}>
        <Box sx={{ display: 'flex', flexDirection: 'column', minWidth: 0 }}>
          <span>{user.displayName}</span>
          {sub && (
            <Typography variant="caption" color="text.secondary" noWrap>
              {sub}
            </Typography>
          )}
        </Box>
      </li>
    );
  };
  return { options, filterOptions, renderOption };
}

function PickerInput(props: OrgPickerProps & { params: object }) {
  return (
    <TextField
      {...props.params}
      label={props.label}
      required={props.required}
      // eslint-disable-next-line jsx-a11y/no-autofocus -- only callers inside dialogs ask for it
      autoFocus={props.autoFocus}
      error={!!props.error}
      helperText={props.error ?? props.helperText}
      inputProps={{ ...(props.params as { inputProps?: object }).inputProps, 'data-testid': props.testId }}
    />
  );
}

function useCommon(props: OrgPickerProps) {
  const { t } = useSuiteT();
  return {
    size: props.size ?? 'small',
    fullWidth: props.fullWidth,
    disabled: props.disabled,
    loading: !!props.org.loading,
    noOptionsText: t('pickers.noOptions'),
    loadingText: t('states.loading'),
    getOptionLabel: (o: { displayName: string }) => o.displayName,
    isOptionEqualToValue: (a: { ref: string }, b: { ref: string }) => a.ref === b.ref,
  } as const;
}

/** One user of the org directory, by display name with departments and title. */
export function UserPicker(props: OrgPickerProps & { value: string | null; onChange: (ref: string | null) => void }) {
  const common = useCommon(props);
  const view = useUserView(props.org, props.value ? [props.value] : [], props.exclude);
  const selected = chosen(view.options, props.value ? [props.value] : [])[0] ?? null;
  return (
    <Autocomplete<OrgPickerUser, false, false, false>
      {...common}
      options={view.options}
      value={selected}
      filterOptions={view.filterOptions}
      renderOption={view.renderOption}
      onChange={(_, v) => props.onChange(v ? v.ref : null)}
      renderInput={params => <PickerInput {...props} params={params} />}
    />
  );
}

/** Several users of the org directory. */
export function UserMultiPicker(props: OrgPickerProps & { value: string[]; onChange: (refs: string[]) => void }) {
  const common = useCommon(props);
  const view = useUserView(props.org, props.value, props.exclude);
  return (
    <Autocomplete<OrgPickerUser, true, false, false>
      {...common}
      multiple
      filterSelectedOptions
      options={view.options}
      value={chosen(view.options, props.value)}
      filterOptions={view.filterOptions}
      renderOption={view.renderOption}
      onChange={(_, v) => props.onChange(v.map(o => o.ref))}
      renderInput={params => <PickerInput {...props} params={params} />}
    />
  );
}

/** Several departments of the org directory. */
export function DepartmentMultiPicker(
  props: OrgPickerProps & { value: string[]; onChange: (refs: string[]) => void },
) {
  const common = useCommon(props);
  const options = useOptions(props.org.departments, props.value, props.exclude, (ref): OrgPickerDepartment => ({
    ref,
    displayName: refName(ref),
  }));
  return (
    <Autocomplete<OrgPickerDepartment, true, false, false>
      {...common}
      multiple
      filterSelectedOptions
      options={options}
      value={chosen(options, props.value)}
      filterOptions={(opts, state) => opts.filter(o => matches(state.inputValue, o.displayName, o.ref))}
      onChange={(_, v) => props.onChange(v.map(o => o.ref))}
      renderInput={params => <PickerInput {...props} params={params} />}
    />
  );
}
