import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, RELATION_CHILD_OF, RELATION_MEMBER_OF, stringifyEntityRef } from '@backstage/catalog-model';

/** Annotations by which the catalog carries what the suite needs of the org. */
export const ORG_ANNOTATIONS = {
  /** on a Group: the department leader (user entity ref) */
  leader: 'cocrm.io/leader',
  /** on a User: the direct supervisor (user entity ref) */
  supervisor: 'cocrm.io/supervisor',
  /** on a User: comma-separated role ids (general-manager, admin, sales-manager, sales …) */
  roles: 'cocrm.io/roles',
} as const;

export interface OrgUser {
  ref: string;
  name: string;
  displayName: string;
  title: string | null;
  roles: string[];
  departments: string[];
  supervisor: string | null;
}

export interface OrgDepartment {
  ref: string;
  displayName: string;
  parent: string | null;
  leader: string | null;
}

export interface OrgSnapshot {
  users: Map<string, OrgUser>;
  departments: Map<string, OrgDepartment>;
}

/**
 * The org as the catalog has it (departments, leaders, supervisors, roles),
 * cached briefly so that permission checks stay cheap while org changes still
 * take effect within seconds, without a restart.
 */
export class OrgDirectory {
  private cached?: { at: number; value: Promise<OrgSnapshot> };

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly ttlMs = 15_000,
  ) {}

  snapshot(): Promise<OrgSnapshot> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const value = this.load();
      this.cached = { at: now, value };
      value.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.value;
  }

  private async load(): Promise<OrgSnapshot> {
    const { items } = await this.catalog.getEntities(
      {
        filter: [{ kind: 'User' }, { kind: 'Group' }],
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations', 'spec.profile', 'relations'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const users = new Map<string, OrgUser>();
    const departments = new Map<string, OrgDepartment>();
    for (const e of items as Entity[]) {
      const ref = stringifyEntityRef(e);
      const ann = e.metadata.annotations ?? {};
      const profile = (e.spec?.profile ?? {}) as { displayName?: string };
      const related = (type: string) => (e.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
      if (e.kind === 'User') {
        users.set(ref, {
          ref,
          name: e.metadata.name,
          displayName: profile.displayName ?? e.metadata.name,
          title: ann['cocrm.io/title'] ?? null,
          roles: (ann[ORG_ANNOTATIONS.roles] ?? '').split(',').map(s => s.trim()).filter(Boolean),
          departments: related(RELATION_MEMBER_OF),
          supervisor: ann[ORG_ANNOTATIONS.supervisor] ?? null,
        });
      } else {
        departments.set(ref, {
          ref,
          displayName: profile.displayName ?? e.metadata.name,
          parent: related(RELATION_CHILD_OF)[0] ?? null,
          leader: ann[ORG_ANNOTATIONS.leader] ?? null,
        });
      }
    }
    this.logger.debug(`org snapshot: ${users.size} users, ${departments.size} departments`);
    return { users, departments };
  }
}

/** Departments below `root` (inclusive); a cycle in ingested data cannot loop forever. */
export function subtreeOf(org: OrgSnapshot, root: string): Set<string> {
  const result = new Set<string>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of org.departments.values()) {
      if (d.parent && result.has(d.parent) && !result.has(d.ref)) {
        result.add(d.ref);
        grew = true;
      }
    }
  }
  return result;
}

/** The user plus every member of the department subtrees the user leads. */
export function usersVisibleTo(org: OrgSnapshot, userRef: string): string[] {
  const depts = new Set<string>();
  for (const d of org.departments.values()) {
    if (d.leader === userRef) subtreeOf(org, d.ref).forEach(x => depts.add(x));
  }
  const result = new Set<string>([userRef]);
  for (const u of org.users.values()) {
    if (u.departments.some(d => depts.has(d))) result.add(u.ref);
  }
  return [...result].sort();
}
