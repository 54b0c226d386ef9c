import type { MailAddress } from '../../api/types';

// RFC 5322 is far wider; this is what a mail client should accept from a person typing.
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]{2,}$/;

export function isValidAddress(address: string): boolean {
  return ADDRESS.test(address.trim());
}

/**
 * One typed recipient: `张三 <zhang@x.cn>`, `"Zhang, San" <zhang@x.cn>` or a
 * bare address. An unparseable entry keeps its text as the address, so it
 * shows as an invalid chip the user can fix.
 */
export function parseAddress(text: string): MailAddress {
  const s = text.trim();
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(s);
  if (m) {
    const name = m[1]
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    return { name, address: m[2].trim() };
  }
  return { name: '', address: s.replace(/^mailto:/i, '') };
}

/**
 * Several recipients pasted at once (`a@x.cn; 李四 <li@y.cn>, c@z.cn`),
 * separated by commas, semicolons, full-width separators or new lines —
 * but not the comma inside a quoted display name.
 */
export function parseAddressList(text: string): MailAddress[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === '<') angle = true;
    if (ch === '>') angle = false;
    if (!quoted && !angle && /[,;，；、\n\r]/.test(ch)) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out
    .map(s => s.trim())
    .filter(Boolean)
    .map(parseAddress);
}

function addressKey(a: MailAddress | string): string {
  return (typeof a === 'string' ? parseAddress(a).address : a.address ?? '').trim().toLowerCase();
}

/** The same mailbox, whatever the display names (a typed entry may still be a string). */
export function sameAddress(a: MailAddress | string, b: MailAddress | string): boolean {
  return addressKey(a) === addressKey(b);
}
