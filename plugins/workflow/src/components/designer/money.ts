/*
 * Amounts are stored in 分 (integer minor units) and entered in 元. Parsing
 * works on the decimal text rather than multiplying a float, so 0.07 元 is
 * exactly 7 分.
 */

/** "1,500,000.5" → 150000050; undefined for text that is not an amount with at most two decimals. */
export function yuanToFen(text: string): number | undefined {
  const clean = text.replace(/[,，\s]/g, '');
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(clean);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : undefined;
}

/** 150000050 → "1500000.50"; whole 元 without decimals ("1500000"). */
export function fenToYuan(fen: number): string {
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${negative ? '-' : ''}${yuan}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
}
