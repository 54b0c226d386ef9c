import type { MailSpecialUse } from '@cocrm/plugin-mail-common';

/*
 * Folder names and roles. The sync stores the server's special-use flag
 * (RFC 6154) when it lists folders; servers without it (older Chinese
 * providers, Courier) are recognised by the usual names, English and Chinese.
 */

const BY_NAME: Record<string, MailSpecialUse> = {
  inbox: '\\Inbox', 收件箱: '\\Inbox',
  sent: '\\Sent', 'sent items': '\\Sent', 'sent messages': '\\Sent', 'sent mail': '\\Sent', 已发送: '\\Sent', 已发送邮件: '\\Sent', 已发邮件: '\\Sent',
  drafts: '\\Drafts', draft: '\\Drafts', 草稿: '\\Drafts', 草稿箱: '\\Drafts',
  trash: '\\Trash', deleted: '\\Trash', 'deleted items': '\\Trash', 'deleted messages': '\\Trash', bin: '\\Trash', 已删除: '\\Trash', 已删除邮件: '\\Trash', 废件箱: '\\Trash',
  junk: '\\Junk', spam: '\\Junk', 'junk e-mail': '\\Junk', 'junk email': '\\Junk', 'bulk mail': '\\Junk', 垃圾邮件: '\\Junk', 垃圾箱: '\\Junk',
  archive: '\\Archive', archives: '\\Archive', 归档: '\\Archive', 存档: '\\Archive',
};

const KNOWN = new Set<string>(['\\Inbox', '\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged']);

/** The order of the special folders in the folder list; ordinary folders follow by path. */
export const SPECIAL_ORDER: MailSpecialUse[] = ['\\Inbox', '\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged'];

/** The last segment of an IMAP path ('INBOX.Sent' on Courier, '[Gmail]/Sent Mail' elsewhere). */
export function folderName(path: string): string {
  if (path.includes('/')) return path.split('/').filter(Boolean).pop() ?? path;
  if (/^inbox\./i.test(path)) return path.slice(path.lastIndexOf('.') + 1);
  return path;
}

export function specialUseOf(path: string, stored: string | null): MailSpecialUse | null {
  if (stored) {
    const name = stored.replace(/^\\/, '');
    const normalised = `\\${name.charAt(0).toUpperCase()}${name.slice(1).toLowerCase()}`;
    if (KNOWN.has(normalised)) return normalised as MailSpecialUse;
  }
  if (path.toUpperCase() === 'INBOX') return '\\Inbox';
  return BY_NAME[folderName(path).trim().toLowerCase()] ?? null;
}
