import type { Knex } from 'knex';
import { toBool } from '@cocrm/plugin-access-node';
import type { PasswordCipher } from '../service/PasswordCipher';
import type { ImapLogin } from '../service/imapClient';

/** A mailbox as sending needs it; passwords decrypted only when a connection is about to be made. */
export interface SendingAccount {
  id: string;
  owner: string;
  provider: 'imap' | 'graph';
  displayName: string;
  email: string;
  /** lower-cased: the email and every alias, the mailbox's own addresses (left out of reply-all) */
  ownAddresses: string[];
  sentFolder: string | null;
}

export interface SmtpLogin {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
}

function aliasesOf(json: unknown): string[] {
  try {
    const v: unknown = JSON.parse(typeof json === 'string' ? json : '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Reads the account columns compose and send need (identity, SMTP, IMAP for
 * the Sent copy). Kept apart from AccountStore so the API's account shape
 * never carries anything password-related.
 */
export class SendingAccounts {
  constructor(
    private readonly knex: Knex,
    private readonly cipher: PasswordCipher,
  ) {}

  async get(id: string): Promise<SendingAccount | undefined> {
    const row = await this.knex('mail_accounts')
      .where({ id })
      .whereNull('deleted_at')
      .first('id', 'owner', 'provider', 'display_name', 'email', 'aliases', 'sent_folder');
    if (!row) return undefined;
    const email = String(row.email).trim().toLowerCase();
    return {
      id: row.id,
      owner: row.owner,
      provider: row.provider === 'graph' ? 'graph' : 'imap',
      displayName: row.display_name,
      email: row.email,
      ownAddresses: [...new Set([email, ...aliasesOf(row.aliases).map(a => a.trim().toLowerCase())])],
      sentFolder: row.sent_folder ?? null,
    };
  }

  /** SMTP settings; user and password default to the IMAP ones. undefined = not configured. */
  async smtp(id: string): Promise<SmtpLogin | undefined> {
    const row = await this.knex('mail_accounts')
      .where({ id })
      .whereNull('deleted_at')
      .first('smtp_host', 'smtp_port', 'smtp_secure', 'smtp_user', 'smtp_password_enc', 'imap_user', 'imap_password_enc');
    if (!row?.smtp_host) return undefined;
    const encrypted: string | null = row.smtp_password_enc || row.imap_password_enc || null;
    return {
      host: row.smtp_host,
      port: Number(row.smtp_port ?? (toBool(row.smtp_secure) ? 465 : 587)),
      secure: toBool(row.smtp_secure),
      user: row.smtp_user || row.imap_user || null,
      password: encrypted ? this.cipher.decrypt(encrypted) : null,
    };
  }

  /** IMAP login for appending to the Sent folder; undefined for accounts without IMAP. */
  async imap(id: string): Promise<ImapLogin | undefined> {
    const row = await this.knex('mail_accounts')
      .where({ id })
      .whereNull('deleted_at')
      .first('provider', 'imap_host', 'imap_port', 'imap_secure', 'imap_user', 'imap_password_enc');
    if (!row || row.provider === 'graph' || !row.imap_host || !row.imap_password_enc) return undefined;
    return {
      host: row.imap_host,
      port: Number(row.imap_port),
      secure: toBool(row.imap_secure),
      user: row.imap_user,
      password: this.cipher.decrypt(row.imap_password_enc),
    };
  }
}
