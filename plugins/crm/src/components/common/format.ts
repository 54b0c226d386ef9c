import type { Money } from '@cocrm/plugin-crm-common';

const SHANGHAI = 'Asia/Shanghai';

function parts(iso: string | Date, withTime: boolean) {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return undefined;
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: SHANGHAI,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(d)) p[part.type] = part.value;
  return p;
}

/** yyyy-MM-dd HH:mm in Asia/Shanghai; '' for empty input. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(iso, true);
  if (!p) return iso;
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

/** yyyy-MM-dd in Asia/Shanghai. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const p = parts(iso, false);
  return p ? `${p.year}-${p.month}-${p.day}` : iso;
}

/** The value of an <input type="datetime-local"> for an ISO instant, in Asia/Shanghai. */
export function toShanghaiLocalInput(iso: string | Date): string {
  const p = parts(iso, true);
  if (!p) return '';
  return `${p.year}-${p.month}-${p.day}T${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

/** "2026-03-01T09:30" entered as Shanghai wall time → ISO instant (UTC). */
export function fromShanghaiLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number);
  // Asia/Shanghai has no DST: UTC+8 all year
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi)).toISOString();
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** ¥1,234,567.89 from integer 分, computed without floating point. */
export function formatMoney(money: Money | null | undefined): string {
  if (!money || typeof money.amount !== 'number') return '';
  const negative = money.amount < 0;
  const s = String(Math.abs(Math.trunc(money.amount))).padStart(3, '0');
  const yuan = s.slice(0, -2).replace(/^0+(?=\d)/, '');
  const fen = s.slice(-2);
  const symbol = !money.currency || money.currency === 'CNY' ? '¥' : `${money.currency} `;
  return `${negative ? '-' : ''}${symbol}${groupThousands(yuan)}.${fen}`;
}

/** 分 → "1234567.89" for editing. */
export function fenToYuanInput(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '';
  const s = String(Math.abs(Math.trunc(amount))).padStart(3, '0');
  return `${s.slice(0, -2).replace(/^0+(?=\d)/, '')}.${s.slice(-2)}`;
}

/**
 * Parses an amount in 元 as typed ("1,234.5", "１２３４.５６", "¥ 100") into integer 分 by
 * string arithmetic. Returns null for empty input and undefined when invalid.
 */
export function parseYuanToFen(input: string): number | null | undefined {
  const s = input.normalize('NFKC').replace(/[\s,，¥￥]/g, '');
  if (s === '') return null;
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return undefined;
  const intPart = m[1].replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').padEnd(2, '0');
  const fen = Number(`${intPart}${frac}`);
  if (!Number.isSafeInteger(fen)) return undefined;
  return fen;
}

/** The language tag to use with Intl for a UI locale. */
export function intlLocale(locale: string): string {
  return locale.startsWith('zh') ? 'zh-CN' : 'en-US';
}
