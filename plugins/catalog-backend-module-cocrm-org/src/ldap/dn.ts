/** One `type=value` pair of a relative distinguished name, the value unescaped. */
export interface AttributeValueAssertion {
  type: string;
  value: string;
}

/** A relative distinguished name: usually one pair, several for multi-valued RDNs (`cn=a+uid=b`). */
export type Rdn = AttributeValueAssertion[];

/**
 * Parses a distinguished name as RFC 4514 writes it, leftmost RDN first.
 *
 * Directories differ in how they escape (OpenLDAP writes `\2C`, Active Directory `\,`, both
 * escape non-ASCII as UTF-8 hex pairs only sometimes), so values are unescaped here and two
 * spellings of one DN compare equal through {@link dnKey}.
 *
 * @returns undefined when the text is not a DN this parser understands (including the rare
 *   BER-encoded `#hex` values), so callers treat it like a missing reference.
 */
export function parseDn(dn: string): Rdn[] | undefined {
  const rdns: Rdn[] = [];
  let current: Rdn = [];
  const n = dn.length;
  let i = 0;
  if (dn.trim() === '') {
    return undefined;
  }
  for (;;) {
    while (i < n && dn[i] === ' ') i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) {
      return undefined;
    }
    const type = dn.slice(i, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9-]*$|^[0-9]+(\.[0-9]+)*$/.test(type)) {
      return undefined;
    }
    i = eq + 1;
    while (i < n && dn[i] === ' ') i++;
    if (dn[i] === '#') {
      return undefined;
    }

    const bytes: number[] = [];
    // unescaped trailing spaces are insignificant (RFC 4514 §3); escaped ones are kept
    let trailingSpaces = 0;
    let separator: string | undefined;
    for (; i < n; i++) {
      const c = dn[i];
      if (c === '\\') {
        const hex = dn.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else if (i + 1 < n) {
          i += 1;
          i += pushCodePoint(dn, i, bytes) - 1;
        } else {
          return undefined;
        }
        trailingSpaces = 0;
        continue;
      }
      if (c === ',' || c === ';' || c === '+') {
        separator = c;
        break;
      }
      trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
      i += pushCodePoint(dn, i, bytes) - 1;
    }
    const value = Buffer.from(
      bytes.slice(0, bytes.length - trailingSpaces),
    ).toString('utf8');
    if (value === '') {
      return undefined;
    }
    current.push({ type, value });
    if (separator === '+') {
      i++;
      continue;
    }
    rdns.push(current);
    current = [];
    if (separator === undefined) {
      return rdns;
    }
    i++;
  }
}

function pushCodePoint(text: string, index: number, bytes: number[]): number {
  const codePoint = text.codePointAt(index) ?? 0;
  const char = String.fromCodePoint(codePoint);
  bytes.push(...Buffer.from(char, 'utf8'));
  return char.length;
}

/**
 * A comparison key for a DN: attribute types and values compared case-insensitively (true
 * for the naming attributes in use: uid, cn, ou, dc), escapes and spacing ignored.
 */
export function dnKey(dn: string): string | undefined {
  const rdns = parseDn(dn);
  return rdns ? rdnsKey(rdns) : undefined;
}

export function rdnsKey(rdns: readonly Rdn[]): string {
  return JSON.stringify(
    rdns.map(rdn =>
      rdn
        .map(ava => `${ava.type.toLowerCase()}=${ava.value.toLowerCase()}`)
        .sort(),
    ),
  );
}

/** Whether `dn` lies strictly below `base` (both parsed). */
export function isBelow(dn: readonly Rdn[], base: readonly Rdn[]): boolean {
  if (dn.length <= base.length) {
    return false;
  }
  return rdnsKey(dn.slice(dn.length - base.length)) === rdnsKey(base);
}
