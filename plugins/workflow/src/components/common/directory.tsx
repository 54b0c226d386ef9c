import { createContext, ReactNode, useCallback, useContext, useMemo } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { OrgView } from '@cocrm/plugin-access-common';
import type { DocumentTypeSpec } from '@cocrm/plugin-workflow-common';
import { useLoad } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import { refName } from './format';
import { useWorkflowT } from './i18n';

export type OrgUser = OrgView['users'][number];
export type OrgDepartment = OrgView['departments'][number];

interface DirectoryState {
  users: OrgUser[];
  usersLoading: boolean;
  userByRef: Map<string, OrgUser>;
  departments: OrgDepartment[];
  departmentNames: Map<string, string>;
  documentTypes: DocumentTypeSpec[];
  typeByName: Map<string, DocumentTypeSpec>;
}

const EMPTY: DirectoryState = {
  users: [],
  usersLoading: false,
  userByRef: new Map(),
  departments: [],
  departmentNames: new Map(),
  documentTypes: [],
  typeByName: new Map(),
};

const DirectoryContext = createContext<DirectoryState | undefined>(undefined);

const collator = new Intl.Collator('zh-CN');

function useDirectoryLoader(enabled: boolean): DirectoryState {
  const api = useApi(workflowApiRef);
  // names are a nicety: a failed load leaves refs to show instead of breaking the page
  const org = useLoad(
    () => (enabled ? api.getOrg().catch(() => undefined) : Promise.resolve(undefined)),
    [api, enabled],
  );
  const types = useLoad(
    () => (enabled ? api.listDocumentTypes().catch(() => [] as DocumentTypeSpec[]) : Promise.resolve([])),
    [api, enabled],
  );
  return useMemo(() => {
    const users = [...(org.value?.users ?? [])].sort((a, b) => collator.compare(a.displayName, b.displayName));
    const departments = org.value?.departments ?? [];
    const documentTypes = types.value ?? [];
    return {
      users,
      usersLoading: org.loading,
      userByRef: new Map(users.map(u => [u.ref.toLowerCase(), u])),
      departments,
      departmentNames: new Map(departments.map(d => [d.ref.toLowerCase(), d.displayName])),
      documentTypes,
      typeByName: new Map(documentTypes.map(d => [d.type, d])),
    };
  }, [org.value, org.loading, types.value]);
}

/** Loads the org directory and the document types once for every view of the approvals page. */
export function DirectoryProvider({ children }: { children: ReactNode }) {
  const state = useDirectoryLoader(true);
  return <DirectoryContext.Provider value={state}>{children}</DirectoryContext.Provider>;
}

/** The directory from the surrounding provider, or loaded on its own where a component is used outside the page. */
export function useDirectory(): DirectoryState {
  const provided = useContext(DirectoryContext);
  const own = useDirectoryLoader(provided === undefined);
  return provided ?? own ?? EMPTY;
}

/** Display names of users, departments and document types; the raw ref when the directory does not know it. */
export function useNames() {
  const { userByRef, departmentNames, typeByName } = useDirectory();
  const { t, label } = useWorkflowT();
  const userName = useCallback(
    (ref: string | null | undefined) => {
      if (!ref) return '';
      if (ref === 'system') return t('common.system');
      return userByRef.get(ref.toLowerCase())?.displayName ?? refName(ref);
    },
    [userByRef, t],
  );
  const departmentName = useCallback(
    (ref: string | null | undefined) => (ref ? departmentNames.get(ref.toLowerCase()) ?? refName(ref) : ''),
    [departmentNames],
  );
  const typeLabel = useCallback(
    (type: string | null | undefined) => (type ? label(typeByName.get(type)?.label, type) : ''),
    [typeByName, label],
  );
  return { userName, departmentName, typeLabel };
}

/** The document's own page for a type's `link` template (`/crm/contracts/{id}`), if the type declares one. */
export function documentLink(spec: DocumentTypeSpec | undefined, documentId: string): string | undefined {
  if (!spec?.link) return undefined;
  return spec.link.replace(/\{id\}/g, encodeURIComponent(documentId));
}
