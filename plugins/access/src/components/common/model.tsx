import { createContext, ReactNode, useContext, useMemo } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { DATA_SCOPES, isBasicAction } from '@cocrm/plugin-access-common';
import type { AccessAction, DataScope, ResourceModel } from '@cocrm/plugin-access-common';
import { useLoad } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';

interface ModelState {
  resources: ResourceModel[];
  byType: Map<string, ResourceModel>;
  loaded: boolean;
  loading: boolean;
  error: Error | undefined;
  retry: () => void;
}

const ModelContext = createContext<ModelState>({
  resources: [],
  byType: new Map(),
  loaded: false,
  loading: false,
  error: undefined,
  retry: () => undefined,
});

/** Loads `/model` (what every plugin declares about its resources) once for the settings page. */
export function ModelProvider({ children }: { children: ReactNode }) {
  const api = useApi(accessApiRef);
  const load = useLoad(() => api.getModel(), [api]);
  const value = useMemo<ModelState>(() => {
    const resources = load.value?.resources ?? [];
    return {
      resources,
      byType: new Map(resources.map(r => [r.resourceType, r])),
      loaded: !!load.value,
      loading: load.loading,
      error: load.error,
      retry: load.retry,
    };
  }, [load.value, load.loading, load.error, load.retry]);
  return <ModelContext.Provider value={value}>{children}</ModelContext.Provider>;
}

export function useAccessModel(): ModelState {
  return useContext(ModelContext);
}

/** What a grant cell may hold: "none" stands for no grant at all. */
export type CellScope = 'none' | DataScope;

/**
 * Data scopes only mean something for records that have owners and
 * departments, and `create` happens before there is a record: those cells
 * are a plain yes/no.
 */
export function isScopedCell(resource: Pick<ResourceModel, 'scoped'>, action: AccessAction): boolean {
  return resource.scoped && !isBasicAction(action);
}

export function scopeOptionsFor(resource: Pick<ResourceModel, 'scoped'>, action: AccessAction): CellScope[] {
  return isScopedCell(resource, action) ? ['none', ...DATA_SCOPES] : ['none', 'all'];
}
