import {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { AccessFilter } from '../permissions/query';
import { contactResourceRef, contractResourceRef, customerResourceRef, visitResourceRef } from '../permissions/rules';
import { CrmError } from '../errors';

type Decision = Awaited<ReturnType<PermissionsService['authorizeConditional']>>[number];

/** How long a user's decision for one permission is reused (paging, typing a search). */
const DECISION_TTL_MS = 3_000;
const MAX_CACHED_DECISIONS = 5_000;

/**
 * Turns the permission framework's decision into what the stores need: a data
 * scope filter for resource permissions, or a yes/no for basic ones.
 *
 * Each decision is a round trip to the permission backend (about 5 ms, most of
 * a fast list request, bench/README.md), so a user's decision is reused for a
 * few seconds — no longer than the org snapshot behind the policy is cached.
 */
export class Access {
  private readonly transformers: Record<string, ReturnType<typeof createConditionTransformer<any>>>;
  private readonly decisions = new Map<string, { at: number; decision: Promise<Decision> }>();

  constructor(
    private readonly permissions: PermissionsService,
    registry: PermissionsRegistryService,
    private readonly now: () => number = Date.now,
  ) {
    this.transformers = Object.fromEntries(
      [customerResourceRef, contactResourceRef, visitResourceRef, contractResourceRef].map(ref => [
        ref.resourceType,
        createConditionTransformer(registry.getPermissionRuleset(ref)),
      ]),
    );
  }

  /** The caller's data scope for a resource permission; 403 when they have none. */
  async filter(permission: ResourcePermission, credentials: BackstageCredentials): Promise<AccessFilter> {
    const decision = await this.decide(permission, credentials);
    if (decision.result === AuthorizeResult.ALLOW) return undefined;
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return this.transformers[permission.resourceType](decision.conditions);
    }
    throw new CrmError(403, 'forbidden');
  }

  /**
   * A record about to be changed: `read` loads it within the read scope (its
   * 404 when unseen); the action's own scope must cover it too, else 403.
   */
  async forAction<T>(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    read: () => Promise<T>,
    loadScoped: (filter: AccessFilter) => Promise<unknown>,
  ): Promise<T> {
    const record = await read();
    const filter = await this.filter(permission, credentials);
    if (filter && !(await loadScoped(filter))) throw new CrmError(403, 'forbidden');
    return record;
  }

  async check(permission: BasicPermission, credentials: BackstageCredentials): Promise<void> {
    const decision = await this.decide(permission, credentials);
    if (decision.result !== AuthorizeResult.ALLOW) throw new CrmError(403, 'forbidden');
  }

  private decide(permission: BasicPermission | ResourcePermission, credentials: BackstageCredentials): Promise<Decision> {
    const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
    const who = principal.userEntityRef ?? (principal.type === 'service' ? `service:${principal.subject}` : undefined);
    const ask = () =>
      permission.type === 'resource'
        ? this.permissions.authorizeConditional([{ permission }], { credentials }).then(([d]) => d)
        : this.permissions.authorize([{ permission }], { credentials }).then(([d]) => d as Decision);
    if (!who) return ask();
    const key = `${who}\u0000${permission.name}`;
    const now = this.now();
    const hit = this.decisions.get(key);
    if (hit && now - hit.at < DECISION_TTL_MS) return hit.decision;
    if (this.decisions.size >= MAX_CACHED_DECISIONS) {
      for (const [k, v] of this.decisions) if (now - v.at >= DECISION_TTL_MS) this.decisions.delete(k);
      if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
    }
    const decision = ask();
    this.decisions.set(key, { at: now, decision });
    decision.catch(() => this.decisions.delete(key));
    return decision;
  }
}
