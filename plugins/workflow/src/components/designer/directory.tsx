import { createContext, ReactNode, useContext, useMemo } from 'react';

/** A person the pickers offer (from the access plugin's org view). */
export interface DirectoryUser {
  ref: string;
  displayName: string;
  title?: string | null;
  departments: string[];
}

export interface DirectoryDepartment {
  ref: string;
  displayName: string;
  parent: string | null;
}

/** A role of the access plugin; approver rules name it by key. */
export interface DirectoryRole {
  key: string;
  name: string;
}

/**
 * Who and what the designer's pickers offer. `roles` is null when the roles
 * could not be read (they need the access settings permission): the role
 * rule then takes a typed key instead of a pick.
 */
export interface Directory {
  users: DirectoryUser[];
  departments: DirectoryDepartment[];
  roles: DirectoryRole[] | null;
  loading: boolean;
}

const EMPTY: Directory = { users: [], departments: [], roles: null, loading: false };

const DirectoryContext = createContext<Directory>(EMPTY);

export function DirectoryProvider(props: { value: Directory; children: ReactNode }) {
  return <DirectoryContext.Provider value={props.value}>{props.children}</DirectoryContext.Provider>;
}

export function useDirectory(): Directory {
  return useContext(DirectoryContext);
}

/** Display names for refs and keys, falling back to the raw value for what the directory does not know. */
export interface Names {
  user: (ref: string) => string;
  department: (ref: string) => string;
  role: (key: string) => string;
}

export function useNames(): Names {
  const dir = useDirectory();
  return useMemo(() => {
    const users = new Map(dir.users.map(u => [u.ref.toLowerCase(), u.displayName]));
    const departments = new Map(dir.departments.map(d => [d.ref.toLowerCase(), d.displayName]));
    const roles = new Map((dir.roles ?? []).map(r => [r.key, r.name]));
    return {
      user: ref => users.get(ref.toLowerCase()) ?? ref.replace(/^user:default\//, ''),
      department: ref => departments.get(ref.toLowerCase()) ?? ref.replace(/^group:default\//, ''),
      role: key => roles.get(key) ?? key,
    };
  }, [dir]);
}
