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
  // some ICU versions still print 24 for midnight with h23
  if (p.hour === '24') p.hour = '00';
  return p;
}

/** yyyy-MM-dd HH:mm in Asia/Shanghai, whatever the browser's time zone; '' for empty input. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(iso, true);
  if (!p) return iso;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** yyyy-MM-dd in Asia/Shanghai. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const p = parts(iso, false);
  return p ? `${p.year}-${p.month}-${p.day}` : iso;
}

/** Today (or `now` shifted by `days`) as yyyy-MM-dd in Asia/Shanghai. */
export function shanghaiDay(now = new Date(), days = 0): string {
  const p = parts(new Date(now.getTime() + days * 86_400_000), false)!;
  return `${p.year}-${p.month}-${p.day}`;
}

/** The value of an <input type="datetime-local"> for an instant, in Asia/Shanghai. */
export function toShanghaiLocalInput(iso: string | Date): string {
  const p = parts(iso, true);
  if (!p) return '';
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** "2026-03-01T09:30" entered as Shanghai wall time → ISO instant; null when not such a value. */
export function fromShanghaiLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number);
  // Asia/Shanghai has no DST: UTC+8 all year
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi)).toISOString();
}

/** A Shanghai day (yyyy-MM-dd) → the ISO instant it starts at, or the last millisecond it ends at. */
export function shanghaiDayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = fromShanghaiLocalInput(`${day}T00:00`);
  if (!start) return undefined;
  return end ? new Date(new Date(start).getTime() + 86_400_000 - 1).toISOString() : start;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** ¥1,234,567.89 from integer 分, computed without floating point. */
export function formatMoney(amount: number | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '';
  const negative = amount < 0;
  const s = String(Math.abs(Math.trunc(amount))).padStart(3, '0');
  const yuan = s.slice(0, -2).replace(/^0+(?=\d)/, '');
  const fen = s.slice(-2);
  const symbol = !currency || currency === 'CNY' ? '¥' : `${currency} `;
  return `${negative ? '-' : ''}${symbol}${groupThousands(yuan)}.${fen}`;
}

/** A duration as whole days, hours and minutes ("2天3小时" / "2d 3h"); '' for null. */
export function formatDuration(ms: number | null | undefined, locale: 'zh-CN' | 'en'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const units = locale === 'zh-CN' ? ['天', '小时', '分钟'] : ['d ', 'h ', 'min'];
  const out: string[] = [];
  if (d) out.push(`${d}${units[0]}`);
  if (h) out.push(`${h}${units[1]}`);
  if (m || !out.length) out.push(`${m}${units[2]}`);
  // two units are precise enough for an approval's age
  return out.slice(0, 2).join('').trim();
}

/** The last path segment of an entity ref: what to show when a name is unknown. */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  const j = ref.indexOf(':');
  return ref.slice(i >= 0 ? i + 1 : j + 1);
}
