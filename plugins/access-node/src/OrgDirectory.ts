import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, RELATION_CHILD_OF, RELATION_MEMBER_OF, stringifyEntityRef } from '@backstage/catalog-model';
import type { OrgView } from '@cocrm/plugin-access-common';

/** Annotations by which the catalog carries what the suite needs of the org. */
export const ORG_ANNOTATIONS = {
  /** on a Group: the department leader (user entity ref) */
  leader: 'cocrm.io/leader',
  /** on a User: the direct supervisor (user entity ref) */
  supervisor: 'cocrm.io/supervisor',
  /** on a User: comma-separated role keys (general-manager, admin, sales-manager, sales …) */
  roles: 'cocrm.io/roles',
  /** on a User: job title */
  title: 'cocrm.io/title',
} as const;

export interface OrgUser {
  ref: string;
  name: string;
  displayName: string;
  title: string | null;
  roles: string[];
  departments: string[];
  supervisor: string | null;
  /** the profile mail address, lower-cased (mail recognises a colleague by it) */
  email: string | null;
}

export interface OrgDepartment {
  ref: string;
  displayName: string;
  /** null for a root, and for a department whose ingested parent chain loops (see problems) */
  parent: string | null;
  leader: string | null;
}

export type OrgProblem = OrgView['problems'][number];

export interface OrgSnapshot {
  users: Map<string, OrgUser>;
  departments: Map<string, OrgDepartment>;
  problems: OrgProblem[];
}

/**
 * The org as the catalog has it (departments, leaders, supervisors, roles),
 * cached briefly so that permission checks stay cheap while org changes still
 * take effect within seconds, without a restart.
 */
export class OrgDirectory {
  private cached?: { at: number; value: Promise<OrgSnapshot> };

  constructor(
    private readonly catalog: Pick<CatalogService, 'getEntities'>,
    private readonly auth: Pick<AuthService, 'getOwnServiceCredentials'>,
    private readonly logger: Pick<LoggerService, 'debug' | 'warn'>,
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
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.annotations', 'spec.profile', 'relations'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const snapshot = buildOrgSnapshot(items as Entity[]);
    for (const p of snapshot.problems) this.logger.warn(`org data: ${p.message.en}`);
    this.logger.debug(`org snapshot: ${snapshot.users.size} users, ${snapshot.departments.size} departments`);
    return snapshot;
  }
}

/** Builds the snapshot from catalog entities and reports what is inconsistent instead of failing on it. */
export function buildOrgSnapshot(items: Entity[]): OrgSnapshot {
  const users = new Map<string, OrgUser>();
  const departments = new Map<string, OrgDepartment>();
  for (const e of items) {
    const ref = stringifyEntityRef(e);
    const ann = e.metadata.annotations ?? {};
    const profile = (e.spec?.profile ?? {}) as { displayName?: string; email?: string };
    const related = (type: string) => (e.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
    if (e.kind === 'User') {
      users.set(ref, {
        ref,
        name: e.metadata.name,
        displayName: profile.displayName ?? e.metadata.title ?? e.metadata.name,
        title: ann[ORG_ANNOTATIONS.title] ?? null,
        roles: (ann[ORG_ANNOTATIONS.roles] ?? '').split(',').map(s => s.trim()).filter(Boolean),
        departments: related(RELATION_MEMBER_OF),
        supervisor: ann[ORG_ANNOTATIONS.supervisor] ?? null,
        email: profile.email ? profile.email.trim().toLowerCase() : null,
      });
    } else if (e.kind === 'Group') {
      departments.set(ref, {
        ref,
        displayName: profile.displayName ?? e.metadata.title ?? e.metadata.name,
        parent: related(RELATION_CHILD_OF)[0] ?? null,
        leader: ann[ORG_ANNOTATIONS.leader] ?? null,
      });
    }
  }
  const problems: OrgProblem[] = [];
  const name = (ref: string) => departments.get(ref)?.displayName ?? users.get(ref)?.displayName ?? ref;

  // A parent chain that loops would make every subtree infinite: cut each cycle at its
  // members (they become roots) and say so, rather than guess which link is wrong.
  const reported = new Set<string>();
  for (const start of departments.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let cur: string | null = start;
    while (cur && departments.has(cur) && !onPath.has(cur) && !reported.has(cur)) {
      path.push(cur);
      onPath.add(cur);
      cur = departments.get(cur)!.parent;
    }
    if (cur && onPath.has(cur)) {
      const cycle = path.slice(path.indexOf(cur));
      cycle.forEach(ref => reported.add(ref));
      for (const ref of cycle) departments.get(ref)!.parent = null;
      const names = cycle.map(name).join(' → ');
      problems.push({
        kind: 'parentCycle',
        refs: cycle,
        message: {
          'zh-CN': `部门上级关系形成循环（${names} → ${name(cycle[0])}），已将它们视为顶级部门，请在目录源中修正`,
          en: `Department parents form a cycle (${names} → ${name(cycle[0])}); they are treated as top-level until the source is fixed`,
        },
      });
    }
  }
  for (const d of departments.values()) {
    if (d.leader && !users.has(d.leader)) {
      problems.push({
        kind: 'unknownLeader',
        refs: [d.ref, d.leader],
        message: { 'zh-CN': `部门“${d.displayName}”的负责人 ${d.leader} 不在目录中`, en: `The leader ${d.leader} of "${d.displayName}" is not in the catalog` },
      });
      d.leader = null;
    }
  }
  for (const u of users.values()) {
    if (u.supervisor && (!users.has(u.supervisor) || u.supervisor === u.ref)) {
      problems.push({
        kind: 'unknownSupervisor',
        refs: [u.ref, u.supervisor],
        message: { 'zh-CN': `“${u.displayName}”的直属上级 ${u.supervisor} 无效`, en: `The supervisor ${u.supervisor} of "${u.displayName}" is invalid` },
      });
      u.supervisor = null;
    }
  }
  const supReported = new Set<string>();
  for (const start of users.keys()) {
    const seen: string[] = [];
    let cur: string | null = start;
    while (cur && !seen.includes(cur) && !supReported.has(cur)) {
      seen.push(cur);
      cur = users.get(cur)?.supervisor ?? null;
    }
    if (cur && seen.includes(cur)) {
      const cycle = seen.slice(seen.indexOf(cur));
      cycle.forEach(ref => supReported.add(ref));
      users.get(cycle[cycle.length - 1])!.supervisor = null;
      problems.push({
        kind: 'supervisorCycle',
        refs: cycle,
        message: {
          'zh-CN': `直属上级关系形成循环（${cycle.map(name).join(' → ')}），已在 ${name(cycle[cycle.length - 1])} 处截断`,
          en: `Supervisors form a cycle (${cycle.map(name).join(' → ')}); cut at ${name(cycle[cycle.length - 1])}`,
        },
      });
    }
  }
  return { users, departments, problems };
}

/** Departments below `root` (inclusive). Cycles were cut when the snapshot was built. */
export function subtreeOf(org: OrgSnapshot, root: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const d of org.departments.values()) {
    if (d.parent) children.set(d.parent, [...(children.get(d.parent) ?? []), d.ref]);
  }
  const result = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const ref = stack.pop()!;
    if (result.has(ref)) continue;
    result.add(ref);
    stack.push(...(children.get(ref) ?? []));
  }
  return result;
}

/** `dept` and its parents up to the root, nearest first. */
export function ancestorsOf(org: OrgSnapshot, dept: string): string[] {
  const out: string[] = [];
  let cur: string | null = dept;
  while (cur && !out.includes(cur)) {
    out.push(cur);
    cur = org.departments.get(cur)?.parent ?? null;
  }
  return out;
}

/** The user's supervisors, nearest first (1st-level, 2nd-level …). */
export function supervisorChain(org: OrgSnapshot, userRef: string): string[] {
  const out: string[] = [];
  let cur = org.users.get(userRef)?.supervisor ?? null;
  while (cur && !out.includes(cur) && cur !== userRef) {
    out.push(cur);
    cur = org.users.get(cur)?.supervisor ?? null;
  }
  return out;
}

/** The department a user's records belong to by default: the first one they are a member of. */
export function primaryDepartmentOf(org: OrgSnapshot, userRef: string): string | null {
  return org.users.get(userRef)?.departments[0] ?? null;
}

/** The org in the shape of the admin API. */
export function orgView(org: OrgSnapshot): OrgView {
  const memberCount = new Map<string, number>();
  for (const u of org.users.values()) for (const d of u.departments) memberCount.set(d, (memberCount.get(d) ?? 0) + 1);
  return {
    departments: [...org.departments.values()].map(d => ({ ...d, memberCount: memberCount.get(d.ref) ?? 0 })),
    users: [...org.users.values()].map(u => ({
      ref: u.ref,
      displayName: u.displayName,
      title: u.title,
      departments: u.departments,
      supervisor: u.supervisor,
      catalogRoles: u.roles,
    })),
    problems: org.problems,
  };
}
