import { useEffect, useMemo, useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import TextField from '@mui/material/TextField';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { CatalogApi } from '@backstage/plugin-catalog-react';
import { useCrmT } from './i18n';
import { refName } from './users';

/** A catalog Group a customer can belong to (归属部门). */
export interface DepartmentOption {
  ref: string;
  displayName: string;
}

const cache = new WeakMap<object, Promise<DepartmentOption[]>>();

/**
 * Entity refs are case-insensitive in kind and namespace; the backend writes
 * them the way stringifyEntityRef does (kind and namespace lower-cased).
 */
function groupRef(namespace: string | undefined, name: string): string {
  return `group:${(namespace ?? 'default').toLowerCase()}/${name}`;
}

function loadDepartments(catalogApi: CatalogApi): Promise<DepartmentOption[]> {
  let p = cache.get(catalogApi);
  if (!p) {
    p = catalogApi
      .getEntities({
        filter: { kind: 'Group' },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.profile.displayName'],
      })
      .then(res =>
        res.items
          .map(e => {
            const profile = ((e.spec ?? {}) as { profile?: { displayName?: string } }).profile ?? {};
            // the same fallbacks as the backend's org directory, so both show one name
            return {
              ref: groupRef(e.metadata.namespace, e.metadata.name),
              displayName: profile.displayName || e.metadata.title || e.metadata.name,
            };
          })
          .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN')),
      );
    p.catch(() => cache.delete(catalogApi));
    cache.set(catalogApi, p);
  }
  return p;
}

/** All catalog groups, loaded once per catalog API instance. Empty when no catalog API is installed. */
export function useDepartments(): { departments: DepartmentOption[]; loading: boolean } {
  const holder = useApiHolder();
  const catalogApi = holder.get(catalogApiRef);
  const [departments, setDepartments] = useState<DepartmentOption[] | undefined>();
  useEffect(() => {
    let live = true;
    if (!catalogApi) {
      setDepartments([]);
      return undefined;
    }
    loadDepartments(catalogApi).then(
      d => live && setDepartments(d),
      () => live && setDepartments([]),
    );
    return () => {
      live = false;
    };
  }, [catalogApi]);
  return { departments: departments ?? [], loading: departments === undefined };
}

const sameRef = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** group ref → display name, falling back to the entity name. */
export function useDepartmentNames(): (ref: string | null | undefined) => string {
  const { departments } = useDepartments();
  const byRef = useMemo(() => new Map(departments.map(d => [d.ref.toLowerCase(), d.displayName])), [departments]);
  return useMemo(
    () => (ref: string | null | undefined) => (ref ? byRef.get(ref.toLowerCase()) ?? refName(ref) : ''),
    [byRef],
  );
}

/** 归属部门: one catalog group, or none (the backend then takes the first account manager's department). */
export function DepartmentSelect(props: {
  label: string;
  value: string | null;
  onChange: (ref: string | null) => void;
  disabled?: boolean;
  error?: string;
  helperText?: string;
}) {
  const { t } = useCrmT();
  const { departments, loading } = useDepartments();
  const options = useMemo(() => {
    const value = props.value;
    if (!value || departments.some(d => sameRef(d.ref, value))) return departments;
    // a department the catalog no longer lists still shows as what it is
    return [{ ref: value, displayName: refName(value) }, ...departments];
  }, [departments, props.value]);
  const value = props.value;
  const selected = value ? options.find(o => sameRef(o.ref, value)) ?? null : null;
  return (
    <Autocomplete
      size="small"
      fullWidth
      loading={loading}
      options={options}
      value={selected}
      disabled={props.disabled}
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => sameRef(a.ref, b.ref)}
      onChange={(_, v) => props.onChange(v ? v.ref : null)}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          error={!!props.error}
          helperText={props.error ?? props.helperText}
          inputProps={{ ...params.inputProps, 'data-testid': 'crm-field-ownerDepartment' }}
        />
      )}
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.ref}>
          {o.displayName}
        </li>
      )}
    />
  );
}
