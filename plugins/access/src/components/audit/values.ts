/** Words for values that have no text of their own. */
export interface ValueWords {
  empty: string;
  yes: string;
  no: string;
  /** a user or department ref → its display name */
  refName: (ref: string) => string;
  /** text for a structured value the caller recognises (a grant, a field rule, a member), else undefined */
  describeObject?: (value: Record<string, unknown>) => string | undefined;
}

const ENTITY_REF = /^(user|group):[^/\s]+\/\S+$/i;

function isMoney(v: unknown): v is { amount: number; currency?: string } {
  return !!v && typeof v === 'object' && typeof (v as { amount?: unknown }).amount === 'number';
}

/**
 * A changed value as plain text (never markup): refs by display name, money
 * in 元 (the suite stores integer 分), lists joined, known structures in
 * words, anything else as JSON.
 */
export function formatChangeValue(value: unknown, words: ValueWords): string {
  if (value === null || value === undefined || value === '') return words.empty;
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return ENTITY_REF.test(value) ? words.refName(value) : value;
  if (Array.isArray(value)) return value.length ? value.map(v => formatChangeValue(v, words)).join('、') : words.empty;
  if (isMoney(value)) {
    const fen = Math.trunc(value.amount);
    const whole = Math.floor(Math.abs(fen) / 100).toLocaleString('en-US');
    const yuan = `${fen < 0 ? '-' : ''}${whole}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
    return !value.currency || value.currency === 'CNY' ? `¥${yuan}` : `${value.currency} ${yuan}`;
  }
  if (typeof value === 'object') {
    const described = words.describeObject?.(value as Record<string, unknown>);
    if (described !== undefined) return described;
  }
  return JSON.stringify(value);
}
