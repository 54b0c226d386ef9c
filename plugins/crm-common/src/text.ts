/**
 * Search normalisation shared by the store (what is indexed) and the client
 * (what is highlighted): NFKC folds full-width Latin letters, digits and
 * punctuation to half-width, then case is folded.
 */
export function normalizeSearchText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Free text (names, addresses, 付款约定 …) as the user typed it, trimmed;
 * empty strings become null. Chinese text keeps its full-width punctuation
 * (，（）：); search and duplicate checks fold it through their own keys.
 */
export function trimText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  return t === '' ? null : t;
}

/** Trims and folds full-width forms, for codes, phones and dates typed with a Chinese IME; empty strings become null. */
export function cleanText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.normalize('NFKC').trim();
  return t === '' ? null : t;
}

/** Age in whole years on `today` (both YYYY-MM-DD), null when unknown. */
export function ageOn(birthday: string | null, today: string): number | null {
  if (!birthday) return null;
  const [by, bm, bd] = birthday.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age >= 0 ? age : null;
}

/** Today's date in Asia/Shanghai as YYYY-MM-DD. */
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
