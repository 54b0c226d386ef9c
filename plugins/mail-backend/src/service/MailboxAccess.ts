import type { Knex } from 'knex';
import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { OrgDirectory, OrgSnapshot, ancestorsOf, whereInScope } from '@cocrm/plugin-access-node';
import { mailAccountReadPermission, mailMessageReadPermission } from '@cocrm/plugin-mail-common';
import { MailError } from '../errors';
import { mailboxRuleset } from '../permissions/rules';

/** The org as mail needs it: who is in which department, and colleagues' addresses. */
export interface OrgSource {
  snapshot(): Promise<Pick<OrgSnapshot, 'users' | 'departments'>>;
}

/** The org from the catalog (cached briefly by OrgDirectory); empty without a catalog (tests of single services). */
export function orgSourceFromCatalog(env: {
  catalog?: Pick<CatalogService, 'getEntities'>;
  auth?: AuthService;
  logger: { debug(m: string): void; warn(m: string): void };
}): OrgSource {
  if (!env.catalog || !env.auth) return { snapshot: async () => ({ users: new Map(), departments: new Map() }) };
  return new OrgDirectory(env.catalog, env.auth, env.logger);
}

const transform = createConditionTransformer(mailboxRuleset);

/** A fresh subquery of readable mailbox ids each time (one builder must not serve two queries). */
export interface ReadableAccounts {
  clone(): Knex.QueryBuilder;
}

function userOf(credentials: BackstageCredentials): string | undefined {
  const p = credentials.principal as { type?: string; userEntityRef?: string };
  return p.type === 'user' ? p.userEntityRef : undefined;
}

function addressList(json: string | null | undefined): string[] {
  try {
    const v = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Who may read which mailbox: the owner; members of a shared mailbox's reader
 * departments (sub-departments included); and whoever `mail.message.read`
 * (`mail.account.read` for the settings) grants by data scope — the scope as
 * SQL on the accounts' owner / owner_department.
 */
export class MailboxAccess {
  private readonly internalDomains: string[];

  constructor(
    private readonly deps: {
      knex: Knex;
      permissions?: Pick<PermissionsService, 'authorizeConditional'>;
      org: OrgSource;
      config?: RootConfigService;
    },
  ) {
    this.internalDomains = (deps.config?.getOptionalStringArray('mail.internalDomains') ?? []).map(d => d.trim().toLowerCase()).filter(Boolean);
  }

  /** The caller's departments and their parents: membership of a parent department's shared mailbox includes sub-departments. */
  async departmentsOf(userRef: string): Promise<string[]> {
    const org = await this.deps.org.snapshot();
    const own = org.users.get(userRef)?.departments ?? [];
    return [...new Set(own.flatMap(d => ancestorsOf(org as OrgSnapshot, d)))];
  }

  /** The first department of a user, recorded on a mailbox when it is connected (its IN_DEPARTMENT scope). */
  async primaryDepartmentOf(userRef: string): Promise<string | null> {
    const org = await this.deps.org.snapshot();
    return org.users.get(userRef)?.departments[0] ?? null;
  }

  /**
   * The ids of live mailboxes the caller may read (mail) or see the settings of
   * (`purpose: 'settings'`), as a subquery for SQL: `whereIn('account_id', scope.clone())`.
   * Wrapped, because a knex builder is thenable: awaiting it would run it.
   */
  async readableAccountsQuery(credentials: BackstageCredentials, purpose: 'mail' | 'settings' = 'mail'): Promise<ReadableAccounts> {
    const { knex } = this.deps;
    const user = userOf(credentials);
    const departments = user ? await this.departmentsOf(user) : [];
    const permission = purpose === 'mail' ? mailMessageReadPermission : mailAccountReadPermission;
    const qb = knex('mail_accounts as ma').whereNull('ma.deleted_at').select('ma.id');
    // the OR of every way in, applied as one group
    const conditions: Array<(b: Knex.QueryBuilder) => void> = [];
    if (user) conditions.push(b => b.orWhere('ma.owner', user));
    if (departments.length) {
      conditions.push(b =>
        b.orWhere(s =>
          s.where('ma.kind', 'shared').whereExists(
            knex('mail_account_readers as r').select(knex.raw('1')).whereRaw('r.account_id = ma.id').whereIn('r.department_ref', departments),
          ),
        ),
      );
    }
    let decision: Awaited<ReturnType<PermissionsService['authorizeConditional']>>[number] | undefined;
    if (this.deps.permissions) {
      [decision] = await this.deps.permissions.authorizeConditional([{ permission }], { credentials });
    }
    qb.where(b => {
      b.whereRaw('1 = 0');
      for (const c of conditions) c(b);
      if (decision?.result === AuthorizeResult.ALLOW) b.orWhereRaw('1 = 1');
      else if (decision?.result === AuthorizeResult.CONDITIONAL) {
        const criteria = transform(decision.conditions);
        b.orWhere(s => whereInScope(s, criteria, { owner: 'ma.owner', department: 'ma.owner_department' }));
      }
    });
    return { clone: () => qb.clone() };
  }

  /** Ids of the mailboxes whose mail the caller may read. */
  async readableAccountIds(credentials: BackstageCredentials, purpose: 'mail' | 'settings' = 'mail'): Promise<string[]> {
    const rows: Array<{ id: string }> = await (await this.readableAccountsQuery(credentials, purpose)).clone();
    return rows.map(r => r.id);
  }

  /** Throws 404 (not 403: ids do not leak) unless the caller may read the mailbox's mail. */
  async assertReadable(credentials: BackstageCredentials, accountId: string): Promise<void> {
    const q = await this.readableAccountsQuery(credentials);
    const found = await q.clone().andWhere('ma.id', accountId).first();
    if (!found) throw new MailError(404, 'accountNotFound');
  }

  /** Sending from a mailbox: its owner, or a member of a shared mailbox's reader departments. */
  async assertCanSend(credentials: BackstageCredentials, accountId: string): Promise<void> {
    const { knex } = this.deps;
    const user = userOf(credentials);
    const account: { owner: string; kind: string } | undefined = await knex('mail_accounts').where({ id: accountId }).whereNull('deleted_at').first('owner', 'kind');
    if (!account || !user) throw new MailError(404, 'accountNotFound');
    if (account.owner === user) return;
    if (account.kind === 'shared') {
      const departments = await this.departmentsOf(user);
      const reader = departments.length
        ? await knex('mail_account_readers').where({ account_id: accountId }).whereIn('department_ref', departments).first()
        : undefined;
      if (reader) return;
    }
    await this.assertReadable(credentials, accountId);
    // may read it (a supervisor by data scope) but sending in someone else's name is the owner's alone
    throw new MailError(403, 'forbidden');
  }

  /** The addresses that are the user's own: the profile address and every address of their personal mailboxes. */
  async addressesOf(userRef: string): Promise<string[]> {
    const org = await this.deps.org.snapshot();
    const rows: Array<{ email: string; aliases: string | null }> = await this.deps.knex('mail_accounts')
      .where({ owner: userRef, kind: 'personal' })
      .whereNull('deleted_at')
      .select('email', 'aliases');
    const out = new Set<string>();
    const profile = org.users.get(userRef)?.email;
    if (profile) out.add(profile);
    for (const r of rows) for (const a of [r.email, ...addressList(r.aliases)]) out.add(a.trim().toLowerCase());
    return [...out];
  }

  /** Every colleague's address (profiles, mailboxes, aliases) and the configured internal domains (mail.internalDomains). */
  async internalAddresses(): Promise<{ addresses: Set<string>; domains: Set<string> }> {
    const org = await this.deps.org.snapshot();
    const addresses = new Set<string>();
    for (const u of org.users.values()) if (u.email) addresses.add(u.email);
    const rows: Array<{ email: string; aliases: string | null }> = await this.deps.knex('mail_accounts').whereNull('deleted_at').select('email', 'aliases');
    for (const r of rows) for (const a of [r.email, ...addressList(r.aliases)]) addresses.add(a.trim().toLowerCase());
    return { addresses, domains: new Set(this.internalDomains) };
  }
}
