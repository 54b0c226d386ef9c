import { RoleStore } from '../database/RoleStore';
import { GrantStore, grantSpecOf } from '../database/GrantStore';
import { AccessData } from './compileAccess';

/**
 * How long the grant tables are reused between reads. Other plugins ask for a
 * user's compiled access on most requests (cached 3 s on their side); a short
 * reuse here turns bursts into one read while other replicas still see an
 * admin's change within about two seconds. Writes on this replica invalidate
 * at once.
 */
export const ACCESS_DATA_TTL_MS = 2_000;

/** The roles, memberships and direct grants of the installation, read as a whole and reused briefly. */
export class AccessDataCache {
  private cached?: { at: number; value: Promise<AccessData> };

  constructor(
    private readonly roles: RoleStore,
    private readonly grants: GrantStore,
    private readonly ttlMs = ACCESS_DATA_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<AccessData> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.ttlMs) {
      const value = this.load();
      this.cached = { at: now, value };
      value.catch(() => {
        if (this.cached?.value === value) this.cached = undefined;
      });
    }
    return this.cached.value;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  async load(): Promise<AccessData> {
    const { roles, members } = await this.roles.loadForCompile();
    const directGrants = (await this.grants.list()).map(g => ({
      id: g.id,
      subjectKind: g.subjectKind,
      subjectRef: g.subjectRef,
      includeSubdepartments: g.includeSubdepartments,
      grant: grantSpecOf(g),
    }));
    return { roles, members, directGrants };
  }
}
