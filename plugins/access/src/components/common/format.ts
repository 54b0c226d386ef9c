const SHANGHAI = 'Asia/Shanghai';

function parts(iso: string | Date, withSeconds: boolean) {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return undefined;
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: SHANGHAI,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' as const } : {}),
    hourCycle: 'h23',
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(d)) p[part.type] = part.value;
  // some ICU versions still print 24 for midnight with h23
  if (p.hour === '24') p.hour = '00';
  return p;
}

/** yyyy-MM-dd HH:mm (or HH:mm:ss) in Asia/Shanghai, whatever the browser's time zone; '' for empty input. */
export function formatDateTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '';
  const p = parts(iso, withSeconds);
  if (!p) return iso;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** Today as yyyy-MM-dd in Asia/Shanghai (the audit API's days are Shanghai days). */
export function shanghaiToday(now = new Date()): string {
  const p = parts(now, false)!;
  return `${p.year}-${p.month}-${p.day}`;
}
