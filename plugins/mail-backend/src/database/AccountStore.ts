import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { toBool, toIso, toIsoOrNull } from '@cocrm/plugin-access-node';
import type { MailAccount, MailAccountKind, MailProvider, MailServerSettings, MailSharing } from '@cocrm/plugin-mail-common';

export interface AccountRow {
  id: string;
  owner: string;
  kind: string;
  provider: string;
  owner_department: string | null;
  display_name: string;
  email: string;
  aliases: string;
  imap_host: string;
  imap_port: number;
  imap_secure: boolean | number;
  imap_user: string;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_secure: boolean | number | null;
  smtp_user: string | null;
  graph_mailbox: string | null;
  folders: string;
  sent_folder: string | null;
  sharing: string;
  suggest_leads: boolean | number;
  sync_enabled: boolean | number;
  last_sync_at: unknown;
  last_sync_error: string | null;
  version: number;
  created_by: string;
  created_at: unknown;
  updated_by: string;
  updated_at: unknown;
}

/** What the sync needs to connect; only the store, the sync and the sender ever see the encrypted password. */
export interface ImapConnection {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  passwordEncrypted: string;
}

export type SmtpConnection = ImapConnection;

export interface NewAccount {
  owner: string;
  ownerDepartment: string | null;
  kind: MailAccountKind;
  provider: MailProvider;
  displayName: string;
  email: string;
  aliases: string[];
  imap: MailServerSettings | null;
  passwordEncrypted: string | null;
  smtp: MailServerSettings | null;
  smtpPasswordEncrypted: string | null;
  graphMailbox: string | null;
  folders: string[];
  sentFolder: string | null;
  sharing: MailSharing;
  readerDepartments: string[];
  suggestLeads: boolean;
  syncEnabled: boolean;
}

export interface AccountPatch {
  displayName?: string;
  email?: string;
  aliases?: string[];
  imap?: MailServerSettings;
  passwordEncrypted?: string;
  smtp?: MailServerSettings | null;
  /** null = use the IMAP password again */
  smtpPasswordEncrypted?: string | null;
  graphMailbox?: string;
  folders?: string[];
  sentFolder?: string | null;
  sharing?: MailSharing;
  readerDepartments?: string[];
  suggestLeads?: boolean;
  syncEnabled?: boolean;
}

/** Every column the API may show: never a password column. */
const PUBLIC_COLUMNS = [
  'id', 'owner', 'kind', 'provider', 'owner_department', 'display_name', 'email', 'aliases',
  'imap_host', 'imap_port', 'imap_secure', 'imap_user', 'smtp_host', 'smtp_port', 'smtp_secure', 'smtp_user',
  'graph_mailbox', 'folders', 'sent_folder', 'sharing', 'suggest_leads', 'sync_enabled',
  'last_sync_at', 'last_sync_error', 'version', 'created_by', 'created_at', 'updated_by', 'updated_at',
].map(c => `mail_accounts.${c}`);

function toAccount(row: AccountRow, readers: string[]): MailAccount {
  const provider = row.provider === 'graph' ? 'graph' : 'imap';
  return {
    id: row.id,
    owner: row.owner,
    kind: row.kind === 'shared' ? 'shared' : 'personal',
    provider,
    displayName: row.display_name,
    email: row.email,
    aliases: JSON.parse(row.aliases || '[]') as string[],
    imap: provider === 'imap' ? { host: row.imap_host, port: Number(row.imap_port), secure: toBool(row.imap_secure), user: row.imap_user } : null,
    smtp: row.smtp_host ? { host: row.smtp_host, port: Number(row.smtp_port), secure: toBool(row.smtp_secure), user: row.smtp_user ?? row.imap_user } : null,
    graphMailbox: row.graph_mailbox,
    folders: JSON.parse(row.folders) as string[],
    sentFolder: row.sent_folder,
    sharing: (['everything', 'subject', 'nothing'] as const).find(s => s === row.sharing) ?? 'nothing',
    readerDepartments: readers,
    suggestLeads: toBool(row.suggest_leads),
    syncEnabled: toBool(row.sync_enabled),
    ownerDepartment: row.owner_department,
    lastSyncAt: toIsoOrNull(row.last_sync_at),
    lastSyncError: row.last_sync_error,
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toIso(row.updated_at),
  };
}

export class AccountStore {
  constructor(private readonly knex: Knex) {}

  private async hydrate(rows: AccountRow[]): Promise<MailAccount[]> {
    const ids = rows.map(r => r.id);
    const readers: Array<{ account_id: string; department_ref: string }> = ids.length
      ? await this.knex('mail_account_readers').whereIn('account_id', ids).orderBy('department_ref')
      : [];
    return rows.map(r => toAccount(r, readers.filter(x => x.account_id === r.id).map(x => x.department_ref)));
  }

  async create(input: NewAccount, actor: string): Promise<MailAccount> {
    const now = new Date();
    const id = randomUUID();
    await this.knex.transaction(async trx => {
      await trx('mail_accounts').insert({
        id,
        owner: input.owner,
        owner_department: input.ownerDepartment,
        kind: input.kind,
        provider: input.provider,
        display_name: input.displayName,
        email: input.email,
        aliases: JSON.stringify(input.aliases),
        // Microsoft 365 mailboxes have no IMAP server: the columns stay empty rather than null (older schema)
        imap_host: input.imap?.host ?? '',
        imap_port: input.imap?.port ?? 0,
        imap_secure: input.imap?.secure ?? true,
        imap_user: input.imap?.user ?? '',
        imap_password_enc: input.passwordEncrypted ?? '',
        smtp_host: input.smtp?.host ?? null,
        smtp_port: input.smtp?.port ?? null,
        smtp_secure: input.smtp?.secure ?? null,
        smtp_user: input.smtp?.user ?? null,
        smtp_password_enc: input.smtpPasswordEncrypted,
        graph_mailbox: input.graphMailbox,
        folders: JSON.stringify(input.folders),
        sent_folder: input.sentFolder,
        sharing: input.sharing,
        suggest_leads: input.suggestLeads,
        sync_enabled: input.syncEnabled,
        version: 1,
        created_by: actor,
        created_at: now,
        updated_by: actor,
        updated_at: now,
      });
      await this.replaceReaders(trx, id, input.readerDepartments);
    });
    return (await this.get(id))!;
  }

  private async replaceReaders(trx: Knex.Transaction, accountId: string, departments: string[]) {
    await trx('mail_account_readers').where({ account_id: accountId }).delete();
    const unique = [...new Set(departments)];
    if (unique.length) await trx('mail_account_readers').insert(unique.map(d => ({ account_id: accountId, department_ref: d })));
  }

  async get(id: string): Promise<MailAccount | undefined> {
    const row = await this.knex('mail_accounts').where({ id }).whereNull('deleted_at').first(PUBLIC_COLUMNS);
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  async listByOwner(owner: string): Promise<MailAccount[]> {
    const rows = await this.knex('mail_accounts').where({ owner }).whereNull('deleted_at').orderBy('created_at').select(PUBLIC_COLUMNS);
    return this.hydrate(rows);
  }

  /** The accounts whose ids `ids` selects (a subquery of what the caller may see), oldest first. */
  async listWhereIdIn(ids: Knex.QueryBuilder | string[]): Promise<MailAccount[]> {
    const rows = await this.knex('mail_accounts').whereIn('id', ids).whereNull('deleted_at').orderBy('created_at').orderBy('id').select(PUBLIC_COLUMNS);
    return this.hydrate(rows);
  }

  /** Accounts the scheduler syncs. */
  async syncable(): Promise<Array<{ id: string; provider: MailProvider }>> {
    const rows: Array<{ id: string; provider: string }> = await this.knex('mail_accounts')
      .whereNull('deleted_at')
      .where('sync_enabled', true)
      .orderBy('last_sync_at', 'asc')
      .select('id', 'provider');
    return rows.map(r => ({ id: r.id, provider: r.provider === 'graph' ? 'graph' : 'imap' }));
  }

  async connection(id: string): Promise<ImapConnection | undefined> {
    const row = await this.knex('mail_accounts')
      .where({ id })
      .whereNull('deleted_at')
      .first('imap_host', 'imap_port', 'imap_secure', 'imap_user', 'imap_password_enc');
    if (!row) return undefined;
    return {
      host: row.imap_host,
      port: Number(row.imap_port),
      secure: toBool(row.imap_secure),
      user: row.imap_user,
      passwordEncrypted: row.imap_password_enc,
    };
  }

  /** SMTP for sending: the user and password default to the IMAP ones. */
  async smtpConnection(id: string): Promise<SmtpConnection | undefined> {
    const row = await this.knex('mail_accounts')
      .where({ id })
      .whereNull('deleted_at')
      .first('smtp_host', 'smtp_port', 'smtp_secure', 'smtp_user', 'smtp_password_enc', 'imap_user', 'imap_password_enc');
    if (!row?.smtp_host) return undefined;
    return {
      host: row.smtp_host,
      port: Number(row.smtp_port),
      secure: toBool(row.smtp_secure),
      user: row.smtp_user || row.imap_user,
      passwordEncrypted: row.smtp_password_enc || row.imap_password_enc,
    };
  }

  /** Optimistic locking: returns false when `version` is stale. */
  async update(id: string, version: number, patch: AccountPatch, actor: string): Promise<boolean> {
    return this.knex.transaction(async trx => {
      const n = await trx('mail_accounts')
        .where({ id, version })
        .whereNull('deleted_at')
        .update({
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.email !== undefined ? { email: patch.email } : {}),
          ...(patch.aliases !== undefined ? { aliases: JSON.stringify(patch.aliases) } : {}),
          ...(patch.imap
            ? { imap_host: patch.imap.host, imap_port: patch.imap.port, imap_secure: patch.imap.secure, imap_user: patch.imap.user }
            : {}),
          ...(patch.passwordEncrypted !== undefined ? { imap_password_enc: patch.passwordEncrypted } : {}),
          ...(patch.smtp !== undefined
            ? {
                smtp_host: patch.smtp?.host ?? null,
                smtp_port: patch.smtp?.port ?? null,
                smtp_secure: patch.smtp?.secure ?? null,
                smtp_user: patch.smtp?.user ?? null,
              }
            : {}),
          ...(patch.smtpPasswordEncrypted !== undefined ? { smtp_password_enc: patch.smtpPasswordEncrypted } : {}),
          ...(patch.graphMailbox !== undefined ? { graph_mailbox: patch.graphMailbox } : {}),
          ...(patch.folders !== undefined ? { folders: JSON.stringify(patch.folders) } : {}),
          ...(patch.sentFolder !== undefined ? { sent_folder: patch.sentFolder } : {}),
          ...(patch.sharing !== undefined ? { sharing: patch.sharing } : {}),
          ...(patch.suggestLeads !== undefined ? { suggest_leads: patch.suggestLeads } : {}),
          ...(patch.syncEnabled !== undefined ? { sync_enabled: patch.syncEnabled } : {}),
          version: version + 1,
          updated_by: actor,
          updated_at: new Date(),
        });
      if (n !== 1) return false;
      if (patch.readerDepartments !== undefined) await this.replaceReaders(trx, id, patch.readerDepartments);
      return true;
    });
  }

  async softDelete(id: string, version: number, actor: string): Promise<boolean> {
    const now = new Date();
    const n = await this.knex('mail_accounts')
      .where({ id, version })
      .whereNull('deleted_at')
      .update({ deleted_at: now, deleted_by: actor, version: version + 1, updated_by: actor, updated_at: now });
    return n === 1;
  }

  async recordSync(id: string, at: Date, error: string | null): Promise<void> {
    await this.knex('mail_accounts').where({ id }).update({ last_sync_at: at, last_sync_error: error });
  }

  async syncStatus(id: string): Promise<{ lastSyncAt: unknown; lastError: string | null } | undefined> {
    const row = await this.knex('mail_accounts').where({ id }).first('last_sync_at', 'last_sync_error');
    return row ? { lastSyncAt: row.last_sync_at, lastError: row.last_sync_error } : undefined;
  }
}
