/**
 * 邮箱域名: the domains a customer's staff write from. Mail from an address of
 * such a domain is routed to the customer even when the sender is no contact
 * yet, so a domain that anybody can get an address at (a free-mail
 * provider) would route strangers' mail into the customer: those are refused.
 */

/**
 * Public mail providers common in China and abroad. Addresses there say
 * nothing about the company behind them; they are matched only as contacts'
 * own addresses, never by domain.
 */
export const FREE_MAIL_DOMAINS: readonly string[] = [
  'qq.com',
  'vip.qq.com',
  'foxmail.com',
  '163.com',
  'vip.163.com',
  '126.com',
  'vip.126.com',
  'yeah.net',
  '188.com',
  'netease.com',
  'sina.com',
  'sina.cn',
  'vip.sina.com',
  'sohu.com',
  'vip.sohu.com',
  'aliyun.com',
  '139.com',
  '189.cn',
  'wo.cn',
  '21cn.com',
  'tom.com',
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.cn',
  'hotmail.com',
  'live.com',
  'live.cn',
  'msn.com',
  'yahoo.com',
  'yahoo.com.cn',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'mail.com',
  'yandex.com',
];

const FREE = new Set(FREE_MAIL_DOMAINS);

/** Most domains one customer may register. */
export const MAX_MAIL_DOMAINS = 20;

/** Lower-case, NFKC-folded (full-width letters typed with a Chinese IME), without a leading "@" or trailing dot. */
export function normalizeMailDomain(value: string): string {
  return value
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/^@+/, '')
    .replace(/\.+$/, '');
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// a top-level domain is letters, or an IDN in its ASCII (xn--) form
const TLD = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** A host name of at least two labels in ASCII form (IDNs as xn--), at most 253 characters. */
export function isValidMailDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every(l => LABEL.test(l)) && TLD.test(labels[labels.length - 1]);
}

/** A domain of a public mail provider (normalised first). */
export function isFreeMailDomain(domain: string): boolean {
  return FREE.has(normalizeMailDomain(domain));
}

/** The domain of an address, normalised ("Li.Ming@HuaXin.com" → "huaxin.com"); undefined without one. */
export function mailDomainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const domain = normalizeMailDomain(address.slice(at + 1));
  return domain || undefined;
}

/** An address as the CRM stores contacts' addresses: NFKC, trimmed, lower-case. */
export function normalizeMailAddress(address: string): string {
  return address.normalize('NFKC').trim().toLowerCase();
}
