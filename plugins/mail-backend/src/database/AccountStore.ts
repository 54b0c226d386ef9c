import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { toIso } from '@cocrm/plugin-access-node';
import type { MailAccount } from '@cocrm/plugin-mail-common';

export interface AccountRow {
  id: string;
  owner: string;
  display_name: string;
  email: string;
  imap_host: string;
  imap_port: number;
  imap_secure: boolean | number;
  imap_user: string;
  imap_password_enc: string;
  folders: string;
  last_sync_at: unknown;
  last_sync_error: string | null;
  version: number;
  created_by: string;
  created_at: unknown;
  updated_by: string;
  updated_at: unknown;
}

/** What the sync needs to connect; only the store and the sync ever see the encrypted password. */
export interface ImapConnection {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  passwordEncrypted: string;
}

export interface NewAccount {
  owner: string;
  displayName: string;
  email: string;
  imap: { host: string; port: number; secure: boolean; user: string };
  passwordEncrypted: string;
  folders: string[];
}

export interface AccountPatch {
  displayName?: string;
  email?: string;
  imap?: { host: string; port: number; secure: boolean; user: string };
  passwordEncrypted?: string;
  folders?: string[];
}

const PUBLIC_COLUMNS = [
  'id',
  'owner',
  'display_name',
  'email',
  'imap_host',
  'imap_port',
  'imap_secure',
  'imap_user',
  'folders',
  'version',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
];

/** Deliberately never selects the password column for anything the API returns. */
function toAccount(row: Omit<AccountRow, 'imap_password_enc' | 'last_sync_at' | 'last_sync_error'>): MailAccount {
  return {
    id: row.id,
    owner: row.owner,
    displayName: row.display_name,
    email: row.email,
    imap: { host: row.imap_host, port: Number(row.imap_port), secure: row.imap_secure === true || row.imap_secure === 1, user: row.imap_user },
    folders: JSON.parse(row.folders) as string[],
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toIso(row.updated_at),
  };
}

export class AccountStore {
  constructor(private readonly knex: Knex) {}

  async create(input: NewAccount, actor: string): Promise<MailAccount> {
    const now = new Date();
    const id = randomUUID();
    await this.knex('mail_accounts').insert({
      id,
      owner: input.owner,
      display_name: input.displayName,
      email: input.email,
      imap_host: input.imap.host,
      imap_port: input.imap.port,
      imap_secure: input.imap.secure,
      imap_user: input.imap.user,
      imap_password_enc: input.passwordEncrypted,
      folders: JSON.stringify(input.folders),
      version: 1,
      created_by: actor,
      created_at: now,
      updated_by: actor,
      updated_at: now,
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<MailAccount | undefined> {
    const row = await this.knex('mail_accounts').where({ id }).whereNull('deleted_at').first(PUBLIC_COLUMNS);
    return row ? toAccount(row) : undefined;
  }

  async listByOwner(owner: string): Promise<MailAccount[]> {
    const rows = await this.knex('mail_accounts').where({ owner }).whereNull('deleted_at').orderBy('created_at').select(PUBLIC_COLUMNS);
    return rows.map(toAccount);
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
      secure: row.imap_secure === true || row.imap_secure === 1,
      user: row.imap_user,
      passwordEncrypted: row.imap_password_enc,
    };
  }

  /** Optimistic locking: returns false when `version` is stale. */
  async update(id: string, version: number, patch: AccountPatch, actor: string): Promise<boolean> {
    const n = await this.knex('mail_accounts')
      .where({ id, version })
      .whereNull('deleted_at')
      .update({
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        ...(patch.imap
          ? { imap_host: patch.imap.host, imap_port: patch.imap.port, imap_secure: patch.imap.secure, imap_user: patch.imap.user }
          : {}),
        ...(patch.passwordEncrypted !== undefined ? { imap_password_enc: patch.passwordEncrypted } : {}),
        ...(patch.folders !== undefined ? { folders: JSON.stringify(patch.folders) } : {}),
        version: version + 1,
        updated_by: actor,
        updated_at: new Date(),
      });
    return n === 1;
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
