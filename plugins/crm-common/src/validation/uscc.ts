/**
 * GB 32100-2015 法人和其他组织统一社会信用代码 (unified social credit code).
 *
 * 18 characters: 登记管理部门码 (1) + 机构类别码 (1) + 登记管理机关行政区划码 (6)
 * + 主体标识码 (9, the old organisation code incl. its own check char) + 校验码 (1).
 * Alphabet: 0-9 and the capital letters except I, O, Z, S, V (31 symbols,
 * valued 0–30 in this order).
 */

export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const USCC_RE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/** Trim, fold full-width characters to half-width (NFKC), drop inner spaces and uppercase. */
export function normalizeUscc(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The check character for the first 17 characters; throws on bad input. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error('USCC body must be 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]);
    if (v < 0) throw new Error(`Illegal USCC character '${first17[i]}'`);
    sum += v * WEIGHTS[i];
  }
  const check = 31 - (sum % 31);
  return USCC_CHARSET[check === 31 ? 0 : check];
}

/**
 * True for a well-formed code with a correct check character. Expects the
 * normalised (uppercase, half-width) form: lowercase letters fail.
 */
export function isValidUscc(code: string): boolean {
  if (typeof code !== 'string' || !USCC_RE.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}

/** Appends the check character to a 17-character body (tests, demo data). */
export function makeUscc(body17: string): string {
  return body17 + usccCheckChar(body17);
}
