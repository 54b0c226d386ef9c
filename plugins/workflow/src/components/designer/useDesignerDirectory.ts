import { useMemo } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import { useDirectory as useWorkflowDirectory } from '../common/directory';
import type { Directory, DirectoryRole } from './directory';

const collator = new Intl.Collator('zh-CN');

/**
 * The pickers' directory for the designer: users and departments from the
 * approvals page's org directory, roles from the access plugin. Roles need
 * the access settings read permission; without it the role rule takes a
 * typed key.
 */
export function useDesignerDirectory(): Directory {
  const api = useApi(workflowApiRef);
  const org = useWorkflowDirectory();
  const roles = useLoad(
    () =>
      api.listRoles().then(
        list => list.map((r): DirectoryRole => ({ key: r.key, name: r.name })).sort((a, b) => collator.compare(a.name, b.name)),
        () => null,
      ),
    [api],
  );
  return useMemo(
    () => ({
      users: org.users.map(u => ({ ref: u.ref, displayName: u.displayName, title: u.title, departments: u.departments })),
      departments: [...org.departmentNames.entries()].map(([ref, displayName]) => ({ ref, displayName, parent: null })),
      roles: roles.value ?? null,
      loading: org.usersLoading || roles.loading,
    }),
    [org.users, org.departmentNames, org.usersLoading, roles.value, roles.loading],
  );
}
