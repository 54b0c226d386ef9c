import nodemailer from 'nodemailer';
import type { MailAccount } from '@cocrm/plugin-mail-common';
import { mailAccountCreateSchema, mailAccountTestSchema, mailAccountUpdateSchema, withDefaultProvider } from '@cocrm/plugin-mail-common';
import type { AccountStore } from '../database/AccountStore';
import { MailError } from '../errors';
import type { ImapClientFactory } from './imapClient';
import type { MailboxAccess } from './MailboxAccess';
import type { PasswordCipher } from './PasswordCipher';

/** Who connects or changes a mailbox, as the service needs it: shared mailboxes are for admins. */
export interface AccountActor {
  userRef: string;
  /** may manage every mailbox (mail.account.update unconditionally) */
  admin: boolean;
}

/**
 * Mailboxes: personal ones of their owner, shared ones (admins). Passwords
 * are encrypted here, before they reach the store, and no method returns one.
 */
export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly cipher: PasswordCipher,
    private readonly access: MailboxAccess,
    private readonly options: { graphConfigured?: boolean; clientFactory?: ImapClientFactory } = {},
  ) {}

  async connect(owner: string, input: unknown, actor: string = owner, admin = false): Promise<MailAccount> {
    const parsed = mailAccountCreateSchema.safeParse(withDefaultProvider(input));
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    const data = parsed.data;
    if (data.kind === 'shared' && !admin) throw new MailError(403, 'sharedNeedsAdmin');
    if (data.provider === 'graph' && !this.options.graphConfigured) {
      throw new MailError(400, 'validationFailed', {}, [{ path: 'provider', key: 'graphNotConfigured' }]);
    }
    if ((await this.store.listByOwner(owner)).some(a => a.email === data.email)) {
      throw new MailError(409, 'validationFailed', {}, [{ path: 'email', key: 'addressTaken' }]);
    }
    const base = {
      owner,
      ownerDepartment: await this.access.primaryDepartmentOf(owner),
      kind: data.kind,
      displayName: data.displayName,
      email: data.email,
      aliases: data.aliases,
      folders: data.folders,
      sentFolder: data.sentFolder ?? null,
      sharing: data.sharing,
      readerDepartments: data.kind === 'shared' ? data.readerDepartments : [],
      suggestLeads: data.suggestLeads,
      syncEnabled: data.syncEnabled,
    };
    if (data.provider === 'graph') {
      return this.store.create(
        { ...base, provider: 'graph', imap: null, passwordEncrypted: null, smtp: null, smtpPasswordEncrypted: null, graphMailbox: data.graphMailbox },
        actor,
      );
    }
    const { password, ...imap } = data.imap;
    const smtp = data.smtp ? { host: data.smtp.host, port: data.smtp.port, secure: data.smtp.secure, user: data.smtp.user || imap.user } : null;
    return this.store.create(
      {
        ...base,
        provider: 'imap',
        imap,
        passwordEncrypted: this.cipher.encrypt(password),
        smtp,
        smtpPasswordEncrypted: data.smtp?.password ? this.cipher.encrypt(data.smtp.password) : null,
        graphMailbox: null,
      },
      actor,
    );
  }

  async get(id: string): Promise<MailAccount> {
    const account = await this.store.get(id);
    if (!account) throw new MailError(404, 'accountNotFound');
    return account;
  }

  list(owner: string): Promise<MailAccount[]> {
    return this.store.listByOwner(owner);
  }

  listByIds(ids: string[]): Promise<MailAccount[]> {
    return this.store.listWhereIdIn(ids);
  }

  async update(id: string, input: unknown, actor: string, admin = false): Promise<MailAccount> {
    const parsed = mailAccountUpdateSchema.safeParse(input);
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    const current = await this.get(id);
    if (current.kind === 'shared' && !admin) throw new MailError(403, 'sharedNeedsAdmin');
    const { version, imap, smtp, readerDepartments, graphMailbox, ...rest } = parsed.data;
    if ((imap || smtp) && current.provider !== 'imap') throw new MailError(400, 'providerImmutable');
    if (graphMailbox && current.provider !== 'graph') throw new MailError(400, 'providerImmutable');
    const ok = await this.store.update(
      id,
      version,
      {
        ...rest,
        ...(imap ? { imap: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user } } : {}),
        ...(imap?.password ? { passwordEncrypted: this.cipher.encrypt(imap.password) } : {}),
        ...(smtp !== undefined
          ? { smtp: smtp ? { host: smtp.host, port: smtp.port, secure: smtp.secure, user: smtp.user || (imap?.user ?? current.imap?.user ?? '') } : null }
          : {}),
        ...(smtp?.password ? { smtpPasswordEncrypted: this.cipher.encrypt(smtp.password) } : {}),
        ...(smtp === null ? { smtpPasswordEncrypted: null } : {}),
        ...(graphMailbox ? { graphMailbox } : {}),
        ...(readerDepartments !== undefined && current.kind === 'shared' ? { readerDepartments } : {}),
      },
      actor,
    );
    if (!ok) throw new MailError(409, 'staleAccount');
    return this.get(id);
  }

  async remove(id: string, version: number, actor: string, admin = false): Promise<void> {
    const current = await this.get(id);
    if (current.kind === 'shared' && !admin) throw new MailError(403, 'sharedNeedsAdmin');
    if (!(await this.store.softDelete(id, version, actor))) throw new MailError(409, 'staleAccount');
  }

  /**
   * Tries the IMAP login (and SMTP when given) before an account is saved, so a
   * typo shows on the form, not as a failing sync later. A stored password is
   * used when none is typed (editing an account the caller may manage).
   */
  async test(input: unknown, storedAccount?: MailAccount): Promise<{ imap: 'ok'; smtp: 'ok' | 'skipped'; folders: string[] }> {
    const parsed = mailAccountTestSchema.safeParse(input);
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    const { imap, smtp } = parsed.data;
    const stored = storedAccount ? await this.store.connection(storedAccount.id) : undefined;
    const imapPassword = imap.password || (stored?.passwordEncrypted ? this.cipher.decrypt(stored.passwordEncrypted) : '');
    if (!imapPassword) throw new MailError(400, 'validationFailed', {}, [{ path: 'imap.password', key: 'required' }]);
    const factory = this.options.clientFactory;
    if (!factory) throw new Error('no IMAP client factory');
    const client = factory({ host: imap.host, port: imap.port, secure: imap.secure, user: imap.user, password: imapPassword });
    client.on('error', () => undefined);
    let folders: string[];
    try {
      await client.connect();
      folders = (await client.list()).map(f => f.path);
    } catch (e) {
      throw new MailError(400, 'imapLoginFailed', { reason: reasonOf(e) });
    } finally {
      await client.logout().catch(() => client.close());
    }
    if (!smtp) return { imap: 'ok', smtp: 'skipped', folders };
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: { user: smtp.user || imap.user, pass: smtp.password || imapPassword },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
    });
    try {
      await transport.verify();
    } catch (e) {
      throw new MailError(400, 'smtpLoginFailed', { reason: reasonOf(e) });
    } finally {
      transport.close();
    }
    return { imap: 'ok', smtp: 'ok', folders };
  }
}

function reasonOf(e: unknown): string {
  const err = e as { responseText?: string; response?: string; message?: string; code?: string };
  return err.responseText || err.response || err.message || err.code || String(e);
}
