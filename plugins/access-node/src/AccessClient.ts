import { AuthService, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import type { AccessModelView, CompiledAccess } from '@cocrm/plugin-access-common';

/** How long a user's compiled access is reused: as long as a permission decision is. */
const COMPILED_TTL_MS = 3_000;
const MODEL_TTL_MS = 60_000;
const MAX_CACHED = 5_000;

/**
 * Backend-to-backend client of the access plugin: the compiled access of a
 * user (permissions with data scopes, field rules) and the resource models.
 * Cached briefly, so a burst of requests (paging, typing a search) costs one
 * round trip, while grant changes still apply within seconds on every replica.
 */
export class AccessClient {
  private readonly compiledCache = new Map<string, { at: number; value: Promise<CompiledAccess> }>();
  private modelCache?: { at: number; value: Promise<AccessModelView> };

  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger?: LoggerService;
      fetch?: typeof fetch;
      now?: () => number;
    },
  ) {}

  compiled(userRef: string): Promise<CompiledAccess> {
    const now = this.now();
    const hit = this.compiledCache.get(userRef);
    if (hit && now - hit.at < COMPILED_TTL_MS) return hit.value;
    if (this.compiledCache.size >= MAX_CACHED) {
      for (const [k, v] of this.compiledCache) if (now - v.at >= COMPILED_TTL_MS) this.compiledCache.delete(k);
      if (this.compiledCache.size >= MAX_CACHED) this.compiledCache.clear();
    }
    const value = this.get<CompiledAccess>(`/users/${encodeURIComponent(userRef)}/compiled`);
    this.compiledCache.set(userRef, { at: now, value });
    value.catch(() => this.compiledCache.delete(userRef));
    return value;
  }

  /** Users holding the role with `key` (directly, through a department, or through the catalog). */
  roleHolders(key: string): Promise<string[]> {
    return this.get<string[]>(`/role-holders/${encodeURIComponent(key)}`);
  }

  model(): Promise<AccessModelView> {
    const now = this.now();
    if (!this.modelCache || now - this.modelCache.at > MODEL_TTL_MS) {
      const value = this.get<AccessModelView>('/model');
      this.modelCache = { at: now, value };
      value.catch(() => {
        this.modelCache = undefined;
      });
    }
    return this.modelCache.value;
  }

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  private async get<T>(path: string): Promise<T> {
    const { discovery, auth } = this.deps;
    const base = await discovery.getBaseUrl('access');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'access',
    });
    const res = await (this.deps.fetch ?? fetch)(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(`access plugin answered ${res.status} for ${path}: ${text.slice(0, 200)}`);
    }
    return (await res.json()) as T;
  }
}
