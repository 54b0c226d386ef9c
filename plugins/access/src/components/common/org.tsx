import { createContext, ReactNode, useCallback, useContext, useMemo } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useApi } from '@backstage/frontend-plugin-api';
import type { OrgView } from '@cocrm/plugin-access-common';
import { useLoad } from '@cocrm/suite-react';
import { accessApiRef } from '../../api/AccessClient';
import { useAccessT } from './i18n';

export type OrgUser = OrgView['users'][number];
export type OrgDepartment = OrgView['departments'][number];

/** A department in display order (parents before children), with its depth for indenting. */
export interface DepartmentNode extends OrgDepartment {
  depth: number;
  /** names from the root down, e.g. 上海示例科技有限公司 / 销售部 / 销售一部 */
  path: string[];
}

interface OrgState {
  org: OrgView | undefined;
  loading: boolean;
  error: Error | undefined;
  retry: () => void;
  users: OrgUser[];
  departmentTree: DepartmentNode[];
  userByRef: Map<string, OrgUser>;
  departmentByRef: Map<string, DepartmentNode>;
}

const EMPTY: OrgState = {
  org: undefined,
  loading: false,
  error: undefined,
  retry: () => undefined,
  users: [],
  departmentTree: [],
  userByRef: new Map(),
  departmentByRef: new Map(),
};

const OrgContext = createContext<OrgState>(EMPTY);

/** The last path segment of an entity ref: what to show when a name is unknown. */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  const j = ref.indexOf(':');
  return ref.slice(i >= 0 ? i + 1 : j + 1);
}

const collator = new Intl.Collator('zh-CN');

/**
 * Parents before children, siblings by name. Departments whose parent is
 * unknown become roots; a visited set guards against parent loops the
 * backend has not cut.
 */
export function buildDepartmentTree(departments: OrgDepartment[]): DepartmentNode[] {
  const byRef = new Map(departments.map(d => [d.ref, d]));
  const children = new Map<string | null, OrgDepartment[]>();
  for (const d of departments) {
    const parent = d.parent && byRef.has(d.parent) && d.parent !== d.ref ? d.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  for (const list of children.values()) list.sort((a, b) => collator.compare(a.displayName, b.displayName));
  const out: DepartmentNode[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number, path: string[]) => {
    for (const d of children.get(parent) ?? []) {
      if (seen.has(d.ref)) continue;
      seen.add(d.ref);
      const node = { ...d, depth, path: [...path, d.displayName] };
      out.push(node);
      walk(d.ref, depth + 1, node.path);
    }
  };
  walk(null, 0, []);
  // members of a loop nobody reaches from a root still need to be listed
  for (const d of departments) {
    if (!seen.has(d.ref)) {
      seen.add(d.ref);
      out.push({ ...d, depth: 0, path: [d.displayName] });
      walk(d.ref, 1, [d.displayName]);
    }
  }
  return out;
}

/** Loads `/org` once for every tab of the settings page. */
export function OrgProvider({ children }: { children: ReactNode }) {
  const api = useApi(accessApiRef);
  const load = useLoad(() => api.getOrg(), [api]);
  const org = load.value;
  const value = useMemo<OrgState>(() => {
    const users = [...(org?.users ?? [])].sort((a, b) => collator.compare(a.displayName, b.displayName));
    const departmentTree = buildDepartmentTree(org?.departments ?? []);
    return {
      org,
      loading: load.loading,
      error: load.error,
      retry: load.retry,
      users,
      departmentTree,
      userByRef: new Map(users.map(u => [u.ref.toLowerCase(), u])),
      departmentByRef: new Map(departmentTree.map(d => [d.ref.toLowerCase(), d])),
    };
  }, [org, load.loading, load.error, load.retry]);
  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}

export function useOrg(): OrgState {
  return useContext(OrgContext);
}

/** Display names for refs; the raw name part only when the directory does not know the ref. */
export function useNames() {
  const { userByRef, departmentByRef } = useOrg();
  const userName = useCallback(
    (ref: string | null | undefined) => (ref ? userByRef.get(ref.toLowerCase())?.displayName ?? refName(ref) : ''),
    [userByRef],
  );
  const departmentName = useCallback(
    (ref: string | null | undefined) =>
      ref ? departmentByRef.get(ref.toLowerCase())?.displayName ?? refName(ref) : '',
    [departmentByRef],
  );
  /** a user or a department, whichever the ref is */
  const subjectName = useCallback(
    (ref: string | null | undefined) => {
      if (!ref) return '';
      const lower = ref.toLowerCase();
      if (lower.startsWith('group:')) return departmentName(ref);
      return userName(ref);
    },
    [userName, departmentName],
  );
  const userDepartments = useCallback(
    (ref: string) => (userByRef.get(ref.toLowerCase())?.departments ?? []).map(departmentName),
    [userByRef, departmentName],
  );
  return { userName, departmentName, subjectName, userDepartments };
}

/** Problems in the ingested org data (e.g. a department parent cycle), shown on every settings tab. */
export function OrgProblemsBanner() {
  const { t, label } = useAccessT();
  const { org, error, retry } = useOrg();
  if (error && !org) {
    return (
      <Alert
        severity="warning"
        sx={{ mb: 2 }}
        data-testid="access-org-error"
        action={
          <Button color="inherit" size="small" onClick={retry}>
            {t('common.retry')}
          </Button>
        }
      >
        {error.message}
      </Alert>
    );
  }
  const problems = org?.problems ?? [];
  if (!problems.length) return null;
  return (
    <Alert severity="warning" sx={{ mb: 2 }} data-testid="access-org-problems">
      <AlertTitle>{t('common.orgProblemsTitle')}</AlertTitle>
      <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
        {problems.map((p, i) => (
          <li key={`${p.kind}-${i}`}>{label(p.message)}</li>
        ))}
      </Box>
      <Box sx={{ mt: 0.5, opacity: 0.85 }}>{t('common.orgProblemsHint')}</Box>
    </Alert>
  );
}
