import { createContext, ReactNode, useContext, useMemo } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { AccessAction } from '@cocrm/plugin-access-common';
import { DERIVED_FIELDS } from '@cocrm/plugin-crm-common';
import type { CrmAccessView, CrmResourceKind } from '@cocrm/plugin-crm-common';
import { useLoad } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';

/** What the signed-in user may do in the CRM and which fields they may see or change. */
export interface CrmAccess {
  /** true until the first answer of `GET /access` (or its error) */
  loading: boolean;
  error: Error | undefined;
  retry: () => void;
  can: (kind: CrmResourceKind, action: AccessAction) => boolean;
  /** the backend leaves the field out of every answer and refuses sorting, filtering and writing it */
  isHidden: (kind: CrmResourceKind, field: string) => boolean;
  /** shown, but the backend refuses a changed value */
  isReadOnly: (kind: CrmResourceKind, field: string) => boolean;
}

type FieldSets = Record<CrmResourceKind, { hidden: Set<string>; readOnly: Set<string> }>;

/** Hiding a field hides what is derived from it (age from birthday …), whatever the server listed. */
function withDerived(names: string[]): Set<string> {
  return new Set(names.flatMap(n => [n, ...(DERIVED_FIELDS[n] ?? [])]));
}

function toSets(view: CrmAccessView): FieldSets {
  const sets = {} as FieldSets;
  for (const kind of ['customer', 'contact', 'visit', 'contract'] as const) {
    const f = view.fields[kind] ?? { hidden: [], readOnly: [] };
    sets[kind] = { hidden: withDerived(f.hidden), readOnly: withDerived(f.readOnly) };
  }
  return sets;
}

/**
 * Builds the access object. Until the view is known nothing is allowed, so a
 * button never flashes up for a user who may not use it.
 */
export function accessFrom(
  view: CrmAccessView | undefined,
  state: { loading: boolean; error: Error | undefined; retry: () => void },
): CrmAccess {
  const sets = view ? toSets(view) : undefined;
  return {
    ...state,
    can: (kind, action) => view?.can[kind]?.[action] === true,
    isHidden: (kind, field) => sets?.[kind].hidden.has(field) ?? false,
    isReadOnly: (kind, field) => sets?.[kind].readOnly.has(field) ?? false,
  };
}

function useAccessLoader(enabled: boolean): CrmAccess {
  const api = useApi(crmApiRef);
  const load = useLoad<CrmAccessView | undefined>(
    () => (enabled ? api.getAccess() : Promise.resolve(undefined)),
    [api, enabled],
  );
  const { value, loading, error, retry } = load;
  return useMemo(() => accessFrom(value, { loading, error, retry }), [value, loading, error, retry]);
}

const AccessContext = createContext<CrmAccess | undefined>(undefined);

/** Loads the signed-in user's CRM access once for everything below it (the CRM page). */
export function CrmAccessProvider({ children }: { children: ReactNode }) {
  const access = useAccessLoader(true);
  return <AccessContext.Provider value={access}>{children}</AccessContext.Provider>;
}

/**
 * The signed-in user's CRM access: from the surrounding CrmAccessProvider, or
 * loaded on its own where a component is used outside the CRM page.
 */
export function useCrmAccess(): CrmAccess {
  const provided = useContext(AccessContext);
  const own = useAccessLoader(provided === undefined);
  return provided ?? own;
}

/** One resource's field rules, as forms use them. */
export interface FieldRules {
  hidden: (field: string) => boolean;
  /** shown disabled: visible, but not to be changed */
  readOnly: (field: string) => boolean;
  /** may be sent: neither hidden nor read-only */
  writable: (field: string) => boolean;
}

export function fieldRulesOf(access: CrmAccess, kind: CrmResourceKind): FieldRules {
  const hidden = (field: string) => access.isHidden(kind, field);
  const readOnly = (field: string) => !hidden(field) && access.isReadOnly(kind, field);
  return { hidden, readOnly, writable: field => !hidden(field) && !readOnly(field) };
}

/**
 * `input` without the fields `drop` names. Forms send only what the user may
 * write: the backend refuses any hidden field and any changed read-only one.
 */
export function withoutFields<T extends object>(input: T, drop: (field: string) => boolean): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([field]) => !drop(field))) as Partial<T>;
}
