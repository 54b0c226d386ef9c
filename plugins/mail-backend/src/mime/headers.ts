/*
 * Just enough MIME header reading for what mailparser cannot be trusted with:
 * finding a message's identity and repairing charsets before it parses.
 * Header bytes are handled as latin1 strings so every byte round-trips.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

/** Where the header block of the entity in raw[start, end) ends, and where its body starts. */
export function splitEntity(raw: Buffer, start = 0, end = raw.length): { headerEnd: number; bodyStart: number } {
  const a = raw.subarray(start, end).indexOf(CRLFCRLF);
  const b = raw.subarray(start, end).indexOf(LFLF);
  if (a < 0 && b < 0) return { headerEnd: end, bodyStart: end };
  if (a >= 0 && (b < 0 || a < b)) return { headerEnd: start + a + 2, bodyStart: start + a + 4 };
  return { headerEnd: start + b + 1, bodyStart: start + b + 2 };
}

/** The unfolded values of one header (case-insensitive name), in order, as latin1 strings. */
export function headerValues(headerBlock: string, name: string): string[] {
  const unfolded = headerBlock.replace(/\r?\n[ \t]+/g, ' ');
  const out: string[] = [];
  const prefix = `${name.toLowerCase()}:`;
  for (const line of unfolded.split(/\r?\n/)) {
    if (line.toLowerCase().startsWith(prefix)) out.push(line.slice(prefix.length).trim());
  }
  return out;
}

/** A parameter of a structured header value (`text/plain; charset="gbk"`). */
export function headerParam(value: string, param: string): string | undefined {
  const m = new RegExp(`;\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function hasHighBytes(buf: Buffer): boolean {
  for (const byte of buf) if (byte >= 0x80) return true;
  return false;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 validity: the test that decides between UTF-8 and the GB18030 fallback. */
export function isValidUtf8(buf: Buffer): boolean {
  try {
    strictUtf8.decode(buf);
    return true;
  } catch {
    return false;
  }
}
