import { useEffect, useMemo, useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import TextField from '@mui/material/TextField';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { CatalogApi } from '@backstage/plugin-catalog-react';
import { useCrmT } from './i18n';

export interface UserOption {
  ref: string;
  name: string;
  displayName: string;
  email?: string;
}

const cache = new WeakMap<object, Promise<UserOption[]>>();

function loadUsers(catalogApi: CatalogApi): Promise<UserOption[]> {
  let p = cache.get(catalogApi);
  if (!p) {
    p = catalogApi
      .getEntities({
        filter: { kind: 'User' },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.profile.displayName', 'spec.profile.email'],
      })
      .then(res =>
        res.items
          .map(e => {
            const ns = e.metadata.namespace ?? 'default';
            const profile = ((e.spec ?? {}) as { profile?: { displayName?: string; email?: string } }).profile ?? {};
            return {
              ref: `user:${ns}/${e.metadata.name}`.toLowerCase(),
              name: e.metadata.name,
              displayName: profile.displayName || e.metadata.name,
              email: profile.email,
            };
          })
          .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN')),
      );
    p.catch(() => cache.delete(catalogApi));
    cache.set(catalogApi, p);
  }
  return p;
}

/** All catalog users (cached per catalog API instance). Empty when no catalog API is installed. */
export function useUsers(): { users: UserOption[]; loading: boolean } {
  const holder = useApiHolder();
  const catalogApi = holder.get(catalogApiRef);
  const [users, setUsers] = useState<UserOption[] | undefined>();
  useEffect(() => {
    let live = true;
    if (!catalogApi) {
      setUsers([]);
      return undefined;
    }
    loadUsers(catalogApi).then(
      u => live && setUsers(u),
      () => live && setUsers([]),
    );
    return () => {
      live = false;
    };
  }, [catalogApi]);
  return { users: users ?? [], loading: users === undefined };
}

export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  const j = ref.indexOf(':');
  return ref.slice(i >= 0 ? i + 1 : j + 1);
}

/** ref → display name, falling back to the entity name. */
export function useUserNames(): (ref: string | null | undefined) => string {
  const { users } = useUsers();
  const byRef = useMemo(() => new Map(users.map(u => [u.ref, u.displayName])), [users]);
  return (ref: string | null | undefined) => {
    if (!ref) return '';
    return byRef.get(ref.toLowerCase()) ?? refName(ref);
  };
}


export function UserNames({ refs }: { refs: string[] | null | undefined }) {
  const name = useUserNames();
  return <>{(refs ?? []).map(name).join('、')}</>;
}

interface UserPickerProps {
  label: string;
  value: string[];
  onChange: (refs: string[]) => void;
  error?: string;
  size?: 'small' | 'medium';
  fullWidth?: boolean;
  'data-testid'?: string;
  disabled?: boolean;
  /** shown under the field when there is no error (e.g. 只读) */
  hint?: string;
}

/** Multi user picker over the catalog's users; the value is a list of entity refs. */
export function UserPicker(props: UserPickerProps) {
  const { t } = useCrmT();
  const { users, loading } = useUsers();
  const options = useMemo(() => {
    const known = new Set(users.map(u => u.ref));
    const extra = props.value
      .filter(r => !known.has(r.toLowerCase()))
      .map((r): UserOption => ({ ref: r, name: refName(r), displayName: refName(r) }));
    return [...users, ...extra];
  }, [users, props.value]);
  const selected = props.value
    .map(r => options.find(o => o.ref === r.toLowerCase() || o.ref === r))
    .filter((o): o is UserOption => !!o);
  return (
    <Autocomplete
      multiple
      size={props.size ?? 'small'}
      fullWidth={props.fullWidth}
      loading={loading}
      options={options}
      value={selected}
      disabled={props.disabled}
      filterSelectedOptions
      noOptionsText={t('common.noOptions')}
      loadingText={t('common.loading')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      filterOptions={(opts, state) => {
        const q = state.inputValue.trim().toLowerCase();
        if (!q) return opts;
        return opts.filter(
          o => o.displayName.toLowerCase().includes(q) || o.name.toLowerCase().includes(q) || (o.email ?? '').includes(q),
        );
      }}
      onChange={(_, v) => props.onChange(v.map(o => o.ref))}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          error={!!props.error}
          helperText={props.error ?? props.hint}
          inputProps={{ ...params.inputProps, 'data-testid': props['data-testid'] }}
        />
      )}
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.ref}>
          {o.displayName}
          <span style={{ opacity: 0.6, marginLeft: 8 }}>{o.name}</span>
        </li>
      )}
    />
  );
}

/** Single-user variant. */
export function SingleUserPicker(props: Omit<UserPickerProps, 'value' | 'onChange'> & {
  value: string | null;
  onChange: (ref: string | null) => void;
}) {
  const { t } = useCrmT();
  const { users, loading } = useUsers();
  const selected = props.value
    ? users.find(u => u.ref === props.value!.toLowerCase()) ?? {
        ref: props.value,
        name: refName(props.value),
        displayName: refName(props.value),
      }
    : null;
  return (
    <Autocomplete
      size={props.size ?? 'small'}
      fullWidth={props.fullWidth}
      loading={loading}
      options={users}
      value={selected}
      disabled={props.disabled}
      noOptionsText={t('common.noOptions')}
      getOptionLabel={o => o.displayName}
      isOptionEqualToValue={(a, b) => a.ref === b.ref}
      onChange={(_, v) => props.onChange(v ? v.ref : null)}
      renderInput={params => (
        <TextField {...params} label={props.label} error={!!props.error} helperText={props.error ?? props.hint} />
      )}
      renderOption={(liProps, o) => (
        <li {...liProps} key={o.ref}>
          {o.displayName}
        </li>
      )}
    />
  );
}
