import type { MailAddress } from '../../api/types';
import type { MailTranslate } from './i18n';

const SHANGHAI = 'Asia/Shanghai';

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

function parts(d: Date): Parts | undefined {
  if (Number.isNaN(d.getTime())) return undefined;
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: SHANGHAI,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(d)) p[part.type] = part.value;
  // some ICU versions still print 24 for midnight with h23
  if (p.hour === '24') p.hour = '00';
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
}

/** yyyy-MM-dd HH:mm in Asia/Shanghai, whatever the browser's time zone; '' for empty input. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(new Date(iso));
  if (!p) return iso;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** HH:mm in Asia/Shanghai. */
export function formatTime(iso: string): string {
  const p = parts(new Date(iso));
  return p ? `${p.hour}:${p.minute}` : '';
}

/**
 * How a mail client shows when a message came, on the Shanghai calendar:
 * 刚刚 / N 分钟前 within the hour, the time today, 昨天 HH:mm, the month and
 * day this year, the full date before.
 */
export function formatRelative(iso: string | null | undefined, t: MailTranslate, now: Date = new Date()): string {
  if (!iso) return '';
  const at = new Date(iso);
  const p = parts(at);
  const n = parts(now);
  if (!p || !n) return iso ?? '';
  const diff = now.getTime() - at.getTime();
  if (diff >= 0 && diff < 60_000) return t('time.justNow');
  if (diff >= 0 && diff < 3_600_000) return t('time.minutesAgo', { count: Math.floor(diff / 60_000) });
  const day = `${p.year}-${p.month}-${p.day}`;
  if (day === `${n.year}-${n.month}-${n.day}`) return `${p.hour}:${p.minute}`;
  const y = parts(new Date(now.getTime() - 86_400_000))!;
  if (day === `${y.year}-${y.month}-${y.day}`) return t('time.yesterday', { time: `${p.hour}:${p.minute}` });
  if (p.year === n.year) return t('time.monthDay', { month: Number(p.month), day: Number(p.day) });
  return `${p.year}-${p.month}-${p.day}`;
}

/** 1.2 MB, 340 KB, 12 B. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "张三 <zhang@x.cn>" or the bare address. */
export function formatAddress(a: MailAddress): string {
  return a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address;
}

/** The name if there is one, else the address. */
export function addressLabel(a: MailAddress | undefined | null): string {
  if (!a) return '';
  return a.name || a.address;
}

export function formatAddresses(list: MailAddress[] | null | undefined, separator = ', '): string {
  return (list ?? []).map(formatAddress).join(separator);
}

/** The last path segment of an entity ref: what to show when a name is unknown. */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  const j = ref.indexOf(':');
  return ref.slice(i >= 0 ? i + 1 : j + 1);
}
