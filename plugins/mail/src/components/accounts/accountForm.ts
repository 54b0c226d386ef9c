import type { MailAccountInput, MailAccount, MailboxKind, MailProvider, MailSharing } from '../../api/types';
import { isValidAddress } from '../common/addresses';
import type { MailTranslate } from '../common/i18n';

/** The connect / edit form as typed (ports as text, the SMTP login possibly the IMAP one). */
export interface AccountForm {
  provider: MailProvider;
  kind: MailboxKind;
  displayName: string;
  email: string;
  imapHost: string;
  imapPort: string;
  imapSecure: boolean;
  imapUser: string;
  imapPassword: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecure: boolean;
  /** SMTP logs in as the IMAP user with the IMAP password (the server stores no SMTP password then) */
  smtpSame: boolean;
  smtpUser: string;
  smtpPassword: string;
  graphMailbox: string;
  folders: string[];
  aliases: string[];
  sharing: MailSharing;
  readerDepartments: string[];
  suggestLeads: boolean;
}

export const IMAP_PORTS = { secure: '993', plain: '143' };
export const SMTP_PORTS = { secure: '465', plain: '587' };

export function emptyAccountForm(): AccountForm {
  return {
    provider: 'imap',
    kind: 'personal',
    displayName: '',
    email: '',
    imapHost: '',
    imapPort: IMAP_PORTS.secure,
    imapSecure: true,
    imapUser: '',
    imapPassword: '',
    smtpHost: '',
    smtpPort: SMTP_PORTS.secure,
    smtpSecure: true,
    smtpSame: true,
    smtpUser: '',
    smtpPassword: '',
    graphMailbox: '',
    folders: [],
    aliases: [],
    sharing: 'everything',
    readerDepartments: [],
    suggestLeads: false,
  };
}

export function accountFormOf(a: MailAccount): AccountForm {
  const smtp = a.smtp ?? null;
  return {
    ...emptyAccountForm(),
    provider: a.provider ?? 'imap',
    kind: a.kind ?? 'personal',
    displayName: a.displayName,
    email: a.email,
    imapHost: a.imap?.host ?? '',
    imapPort: String(a.imap?.port ?? IMAP_PORTS.secure),
    imapSecure: a.imap?.secure ?? true,
    imapUser: a.imap?.user ?? '',
    smtpHost: smtp?.host ?? '',
    smtpPort: String(smtp?.port ?? SMTP_PORTS.secure),
    smtpSecure: smtp?.secure ?? true,
    smtpSame: !smtp || !smtp.user || smtp.user === a.imap?.user,
    smtpUser: smtp?.user ?? '',
    graphMailbox: a.graphMailbox ?? '',
    folders: a.folders ?? [],
    aliases: a.aliases ?? [],
    sharing: a.sharing ?? 'everything',
    readerDepartments: a.readerDepartments ?? [],
    suggestLeads: a.suggestLeads ?? false,
  };
}

/** What the API takes; passwords left empty are left out (on edit: keep the stored ones). */
export function toAccountInput(f: AccountForm): MailAccountInput {
  const imap = f.provider === 'imap';
  return {
    provider: f.provider,
    kind: f.kind,
    displayName: f.displayName.trim(),
    email: f.email.trim(),
    ...(imap
      ? {
          imap: {
            host: f.imapHost.trim(),
            port: Number(f.imapPort),
            secure: f.imapSecure,
            user: f.imapUser.trim(),
            ...(f.imapPassword ? { password: f.imapPassword } : {}),
          },
          smtp: {
            host: f.smtpHost.trim(),
            port: Number(f.smtpPort),
            secure: f.smtpSecure,
            user: f.smtpSame ? f.imapUser.trim() : f.smtpUser.trim(),
            ...(!f.smtpSame && f.smtpPassword ? { password: f.smtpPassword } : {}),
          },
        }
      : { graphMailbox: f.graphMailbox.trim() }),
    folders: f.folders,
    aliases: f.aliases,
    sharing: f.sharing,
    readerDepartments: f.kind === 'shared' ? f.readerDepartments : [],
    suggestLeads: f.suggestLeads,
  };
}

function validPort(p: string): boolean {
  const n = Number(p);
  return /^\d+$/.test(p.trim()) && n >= 1 && n <= 65535;
}

/**
 * What can be told before asking the server, keyed by the API's field paths
 * ("imap.host") so the server's own field errors land on the same fields.
 */
export function checkAccountForm(f: AccountForm, editing: boolean, t: MailTranslate): Record<string, string> {
  const out: Record<string, string> = {};
  const required = t('accounts.dialog.required');
  if (!f.displayName.trim()) out.displayName = required;
  if (!isValidAddress(f.email)) out.email = f.email.trim() ? t('accounts.dialog.invalidEmail') : required;
  f.aliases.forEach((a, i) => {
    if (!isValidAddress(a)) out[`aliases.${i}`] = t('accounts.dialog.invalidEmail');
  });
  if (f.provider === 'graph') {
    if (!isValidAddress(f.graphMailbox))
      out.graphMailbox = f.graphMailbox.trim() ? t('accounts.dialog.invalidEmail') : required;
    return out;
  }
  if (!f.imapHost.trim()) out['imap.host'] = required;
  if (!validPort(f.imapPort)) out['imap.port'] = t('accounts.dialog.invalidPort');
  if (!f.imapUser.trim()) out['imap.user'] = required;
  if (!editing && !f.imapPassword) out['imap.password'] = required;
  if (!f.smtpHost.trim()) out['smtp.host'] = required;
  if (!validPort(f.smtpPort)) out['smtp.port'] = t('accounts.dialog.invalidPort');
  if (!f.smtpSame && !f.smtpUser.trim()) out['smtp.user'] = required;
  if (!editing && !f.smtpSame && !f.smtpPassword) out['smtp.password'] = required;
  return out;
}

/** The first message at or under a path ("aliases" matches "aliases.2"). */
export function fieldMessage(fields: Record<string, string>, path: string): string | undefined {
  if (fields[path]) return fields[path];
  const key = Object.keys(fields).find(k => k.startsWith(`${path}.`));
  return key ? fields[key] : undefined;
}
