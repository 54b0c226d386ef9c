/*
 * Copy flags are stored as a sorted JSON array of IMAP flags
 * (`["\\Flagged","\\Seen"]`), as MessageStore writes them. Queries look for
 * \Seen with LIKE on that text; the escape character is '!' so that the
 * backslashes of the JSON are literal on both databases.
 */

export const SEEN = '\\Seen';
export const FLAGGED = '\\Flagged';

/** LIKE pattern (ESCAPE '!') matching a flags column that holds \Seen. */
export const SEEN_LIKE = `%${JSON.stringify(SEEN)}%`;

export function parseFlags(json: unknown): string[] {
  if (typeof json !== 'string') return [];
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

/** The stored form: without \Recent (one session's), sorted — equal sets give equal text. */
export function flagsJson(flags: Iterable<string>): string {
  return JSON.stringify([...new Set([...flags].filter(f => f.toLowerCase() !== '\\recent'))].sort());
}

export function hasFlag(flags: string[], flag: string): boolean {
  return flags.some(f => f.toLowerCase() === flag.toLowerCase());
}

export function withFlag(flags: string[], flag: string, on: boolean): string[] {
  const rest = flags.filter(f => f.toLowerCase() !== flag.toLowerCase());
  return on ? [...rest, flag] : rest;
}
