import type { MailAccount } from '@cocrm/plugin-mail-common';
import { mailAccountCreateSchema, mailAccountUpdateSchema } from '@cocrm/plugin-mail-common';
import type { AccountStore } from '../database/AccountStore';
import { MailError } from '../errors';
import type { PasswordCipher } from './PasswordCipher';

/**
 * Mail accounts of one owner. The password is encrypted here, before it
 * reaches the store, and no method returns it (not even encrypted).
 */
export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly cipher: PasswordCipher,
  ) {}

  async connect(owner: string, input: unknown, actor: string = owner): Promise<MailAccount> {
    const parsed = mailAccountCreateSchema.safeParse(input);
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    const { password, ...imap } = parsed.data.imap;
    return this.store.create(
      { owner, displayName: parsed.data.displayName, email: parsed.data.email, imap, passwordEncrypted: this.cipher.encrypt(password), folders: parsed.data.folders },
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

  async update(id: string, input: unknown, actor: string): Promise<MailAccount> {
    const parsed = mailAccountUpdateSchema.safeParse(input);
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    await this.get(id);
    const { version, imap, ...rest } = parsed.data;
    const password = imap?.password;
    const ok = await this.store.update(
      id,
      version,
      {
        ...rest,
        ...(imap ? { imap: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user } } : {}),
        ...(password ? { passwordEncrypted: this.cipher.encrypt(password) } : {}),
      },
      actor,
    );
    if (!ok) throw new MailError(409, 'staleAccount');
    return this.get(id);
  }

  async remove(id: string, version: number, actor: string): Promise<void> {
    await this.get(id);
    if (!(await this.store.softDelete(id, version, actor))) throw new MailError(409, 'staleAccount');
  }
}
