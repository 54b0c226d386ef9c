import {
  AccessModelView,
  CompiledAccess,
  EffectiveAccess,
  OrgView,
  accessSettingsReadPermission,
} from '@cocrm/plugin-access-common';
import { OrgDirectory, orgView } from '@cocrm/plugin-access-node';
import { AccessError } from '../errors';
import { AccessDataCache } from './AccessDataCache';
import { Guard } from './Guard';
import { ModelRegistry } from './ModelRegistry';
import { RequestContext } from './RequestContext';
import { CompileInput, compileAccess, explainAccess, holdersOfRole } from './compileAccess';

/** What a user may do ("compiled", for other plugins) and why ("effective", for admins). */
export class UserAccessService {
  constructor(
    private readonly models: ModelRegistry,
    private readonly org: OrgDirectory,
    private readonly cache: AccessDataCache,
    private readonly guard: Guard,
  ) {}

  model(): AccessModelView {
    return { resources: this.models.all() };
  }

  async orgView(): Promise<OrgView> {
    return orgView(await this.org.snapshot());
  }

  /** Other plugins (service principals) ask on every request; a user may see their own. */
  async compiled(userRef: string, ctx: RequestContext): Promise<CompiledAccess> {
    if (ctx.userRef && ctx.userRef !== userRef) throw new AccessError(403, 'forbidden');
    return this.found(userRef, compileAccess(await this.input(userRef)));
  }

  /** Needs the settings' read permission, except for one's own. */
  async effective(userRef: string, ctx: RequestContext): Promise<EffectiveAccess> {
    if (ctx.userRef !== userRef) await this.guard.require(accessSettingsReadPermission, ctx);
    return this.found(userRef, explainAccess(await this.input(userRef)));
  }

  /** Who holds a role: for other plugins (approval flows route to "role X"), and for admins. */
  async roleHolders(key: string, ctx: RequestContext): Promise<string[]> {
    if (ctx.userRef) await this.guard.require(accessSettingsReadPermission, ctx);
    const org = await this.org.snapshot();
    return holdersOfRole({ org, data: await this.cache.get(), models: this.models.all() }, key);
  }

  /** A user's compiled access for internal checks (handover receivers); undefined for unknown users. */
  async compiledFor(userRef: string): Promise<CompiledAccess | undefined> {
    return compileAccess(await this.input(userRef));
  }

  private async input(userRef: string): Promise<CompileInput> {
    const org = await this.org.snapshot();
    const data = await this.cache.get();
    return { org, userRef, data, models: this.models.all() };
  }

  private found<T>(userRef: string, value: T | undefined): T {
    if (!value) throw new AccessError(404, 'userNotFound', { ref: userRef });
    return value;
  }
}
