import { Readable, Transform } from 'stream';
import iconv from 'iconv-lite';
import { hasHighBytes, headerParam, headerValues, isValidUtf8 } from './headers';

/*
 * mailparser decodes declared charsets (GB2312/GBK/GB18030/Big5) correctly but
 * garbles two cases common in Chinese mail (measured, see ENVIRONMENT.md):
 * raw 8-bit header bytes without encoded-words, and text bodies without a
 * charset parameter. Before parsing, we therefore rewrite the message the
 * parser sees (never the stored raw): 8-bit header blocks that are not UTF-8
 * are transcoded from GB18030 to UTF-8 (which mailparser reads correctly), and
 * text parts without a charset get the one detected from their bytes (strict
 * UTF-8, else GB18030).
 *
 * The repair streams: a message is read once, front to back, and only header
 * blocks and charset-less text parts are held until they are complete. Every
 * other body (a 100 MB attachment) passes through as views of the input, so
 * a big message never sits in memory whole, and a buffer costs no copy.
 */

const MAX_DEPTH = 20;
/** A header block longer than this is passed on unrepaired (mailparser refuses such headers anyway). */
const MAX_HEADER = 4 * 1024 * 1024;
/** A charset-less text part is inspected up to this size; a longer one is decided on its beginning. */
const MAX_TEXT = 16 * 1024 * 1024;
/** An unfinished line starting with "--" is held back this long, in case it is a boundary split across chunks. */
const MAX_HELD_LINE = 1024;
/** The parser queues chunks per stage: small views keep what waits there small. */
const PIECE = 64 * 1024;

const NL = 0x0a;
const DASH = 0x2d;
const NL_DASH_DASH = Buffer.from('\n--', 'latin1');
const EMPTY = Buffer.alloc(0);

/** The fallback for 8-bit text that is not UTF-8: GB18030 is a superset of GB2312 and GBK. */
export const FALLBACK_CHARSET = 'gb18030';

function detectCharset(bytes: Buffer): string {
  if (isValidUtf8(bytes)) return 'utf-8';
  // a text part decided on its beginning may end inside a UTF-8 sequence
  for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) if (isValidUtf8(bytes.subarray(0, bytes.length - cut))) return 'utf-8';
  return FALLBACK_CHARSET;
}

function repairHeaderBlock(block: Buffer): Buffer {
  if (!hasHighBytes(block) || isValidUtf8(block)) return block;
  return Buffer.from(iconv.decode(block, FALLBACK_CHARSET), 'utf-8');
}

function decodeTransfer(body: Buffer, encoding: string): Buffer {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return body;
}

/** Adds `; charset=X` to the Content-Type header, or adds the header when there is none. */
function withCharset(header: string, charset: string, hasContentType: boolean): string {
  if (!hasContentType) {
    const eol = header.endsWith('\r\n') ? '\r\n' : '\n';
    return `${header}Content-Type: text/plain; charset=${charset}${eol}`;
  }
  return header.replace(/^(content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im, `$1; charset=${charset}`);
}

const isBlankLine = (line: Buffer) => (line.length === 1 && line[0] === NL) || (line.length === 2 && line[0] === 0x0d && line[1] === NL);

/** A charset-less text part waiting for its end, so its bytes can decide the charset. */
interface HeldText {
  header: string;
  hasContentType: boolean;
  separator: Buffer;
  body: Buffer[];
  size: number;
}

/**
 * The repair as a push parser: feed the message in chunks of any size, get
 * back what the parser should see. Reads the MIME structure line by line in
 * headers and held text parts, and jumps from "\n--" to "\n--" everywhere
 * else, since only boundary lines matter there.
 */
export class CharsetRepairer {
  private mode: 'header' | 'body' | 'text' = 'header';
  /** the delimiters (`--boundary`) of the open multiparts, outermost first */
  private readonly boundaries: Buffer[] = [];
  private header: Buffer[] = [];
  private headerSize = 0;
  private text: HeldText | null = null;
  /** an unfinished line, kept for the next chunk */
  private carry: Buffer = EMPTY;
  private atLineStart = true;

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = EMPTY;
    let pos = 0;
    while (pos < buf.length) pos = this.mode === 'body' ? this.scanBody(buf, pos, out) : this.scanLines(buf, pos, out);
    return out.filter(b => b.length > 0);
  }

  end(): Buffer[] {
    const out: Buffer[] = [];
    const rest = this.carry;
    this.carry = EMPTY;
    if (this.mode === 'header') {
      // no blank line: the whole rest is header (as a parser would take it)
      out.push(repairHeaderBlock(Buffer.concat([...this.header, rest])));
      this.header = [];
    } else if (this.mode === 'text') {
      this.text!.body.push(rest);
      this.releaseText(out);
    } else {
      out.push(rest);
    }
    return out.filter(b => b.length > 0);
  }

  private delimiterLevel(line: Buffer): number {
    if (line.length < 3 || line[0] !== DASH || line[1] !== DASH) return -1;
    // outer boundaries first: an outer delimiter ends every part inside it
    for (let i = 0; i < this.boundaries.length; i++) {
      const d = this.boundaries[i];
      if (line.length >= d.length && line.subarray(0, d.length).equals(d)) return i;
    }
    return -1;
  }

  private delimiter(line: Buffer, level: number, out: Buffer[]): void {
    out.push(line);
    const d = this.boundaries[level];
    const closing = line.length >= d.length + 2 && line[d.length] === DASH && line[d.length + 1] === DASH;
    // closing: the epilogue belongs to the enclosing part; otherwise a new part of this multipart starts
    this.boundaries.length = closing ? level : level + 1;
    this.mode = closing ? 'body' : 'header';
    this.header = [];
    this.headerSize = 0;
    this.atLineStart = true;
  }

  /** Header and held-text lines, one at a time. */
  private scanLines(buf: Buffer, from: number, out: Buffer[]): number {
    let pos = from;
    while (pos < buf.length && this.mode !== 'body') {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) {
        this.carry = Buffer.from(buf.subarray(pos));
        this.checkOverflow(out);
        return buf.length;
      }
      this.line(buf.subarray(pos, nl + 1), out);
      pos = nl + 1;
    }
    return pos;
  }

  private line(line: Buffer, out: Buffer[]): void {
    const level = this.delimiterLevel(line);
    if (this.mode === 'header') {
      if (level >= 0) {
        // a part without a blank line: all header, no body
        out.push(repairHeaderBlock(Buffer.concat(this.header)));
        this.delimiter(line, level, out);
      } else if (isBlankLine(line)) {
        this.endOfHeader(line, out);
      } else {
        this.header.push(line);
        this.headerSize += line.length;
        this.checkOverflow(out);
      }
      return;
    }
    if (level >= 0) {
      this.releaseText(out);
      this.delimiter(line, level, out);
      return;
    }
    this.text!.body.push(line);
    this.text!.size += line.length;
    this.checkOverflow(out);
  }

  private checkOverflow(out: Buffer[]): void {
    if (this.mode === 'header' && this.headerSize + this.carry.length > MAX_HEADER) {
      out.push(...this.header, this.carry);
      this.header = [];
      this.carry = EMPTY;
      this.mode = 'body';
      this.atLineStart = false;
    } else if (this.mode === 'text' && this.text!.size + this.carry.length > MAX_TEXT) {
      this.releaseText(out);
      out.push(this.carry);
      this.atLineStart = this.carry.length === 0;
      this.carry = EMPTY;
      this.mode = 'body';
    }
  }

  private endOfHeader(separator: Buffer, out: Buffer[]): void {
    const block = repairHeaderBlock(Buffer.concat(this.header));
    this.header = [];
    this.headerSize = 0;
    const header = block.toString('latin1');
    const contentType = headerValues(header, 'content-type')[0];
    const type = (contentType ?? 'text/plain').split(';')[0].trim().toLowerCase();
    const boundary = contentType ? headerParam(contentType, 'boundary') : undefined;
    this.atLineStart = true;
    if (type.startsWith('multipart/') && boundary && this.boundaries.length < MAX_DEPTH) {
      out.push(block, separator);
      this.boundaries.push(Buffer.from(`--${boundary}`, 'latin1'));
      this.mode = 'body';
    } else if (type.startsWith('text/') && !(contentType && headerParam(contentType, 'charset'))) {
      this.text = { header, hasContentType: contentType !== undefined, separator, body: [], size: 0 };
      this.mode = 'text';
    } else {
      out.push(block, separator);
      this.mode = 'body';
    }
  }

  private releaseText(out: Buffer[]): void {
    const t = this.text!;
    this.text = null;
    const body = Buffer.concat(t.body);
    const decoded = decodeTransfer(body, headerValues(t.header, 'content-transfer-encoding')[0] ?? '7bit');
    const header = hasHighBytes(decoded) ? withCharset(t.header, detectCharset(decoded), t.hasContentType) : t.header;
    out.push(Buffer.from(header, 'latin1'), t.separator, body);
    this.mode = 'body';
  }

  /** A body: passed through as views, cut only at a boundary line of an open multipart. */
  private scanBody(buf: Buffer, pos: number, out: Buffer[]): number {
    if (!this.boundaries.length) {
      out.push(buf.subarray(pos));
      return buf.length;
    }
    let first = this.atLineStart;
    let cursor = pos;
    for (;;) {
      let start: number;
      if (first) {
        start = pos;
        first = false;
      } else {
        const i = buf.indexOf(NL_DASH_DASH, cursor);
        if (i < 0) break;
        start = i + 1;
      }
      if (buf.length - start < 2 || buf[start] !== DASH || buf[start + 1] !== DASH) {
        if (buf.length - start < 2) break;
        cursor = start;
        continue;
      }
      const end = buf.indexOf(NL, start);
      if (end < 0) {
        // an unfinished line that may be a boundary: keep it for the next chunk (a long one is body)
        if (buf.length - start > MAX_HELD_LINE) break;
        out.push(buf.subarray(pos, start));
        this.carry = Buffer.from(buf.subarray(start));
        this.atLineStart = true;
        return buf.length;
      }
      const line = buf.subarray(start, end + 1);
      const level = this.delimiterLevel(line);
      if (level < 0) {
        cursor = end;
        continue;
      }
      out.push(buf.subarray(pos, start));
      this.delimiter(line, level, out);
      return end + 1;
    }
    // a chunk ending in "\n" or "\n-" may continue with a boundary line
    const lastLine = Math.max(buf.lastIndexOf(NL) + 1, pos);
    const lineStart = lastLine > pos || this.atLineStart || (lastLine === pos && pos > 0 && buf[pos - 1] === NL);
    if (lineStart && buf.length - lastLine === 1 && buf[lastLine] === DASH) {
      out.push(buf.subarray(pos, lastLine));
      this.carry = Buffer.from(buf.subarray(lastLine));
      this.atLineStart = true;
      return buf.length;
    }
    out.push(buf.subarray(pos));
    this.atLineStart = buf[buf.length - 1] === NL;
    return buf.length;
  }
}

/** The message as the parser should see it, as a list of buffers (mostly views into `raw`). */
export function repairCharsets(raw: Buffer): Buffer[] {
  const repairer = new CharsetRepairer();
  return [...repairer.push(raw), ...repairer.end()];
}

function* pieces(buffers: Buffer[]): Generator<Buffer> {
  for (const b of buffers) for (let at = 0; at < b.length; at += PIECE) yield b.subarray(at, at + PIECE);
}

/** The repair as a stream stage over a message read in chunks; an error of the source fails the stage. */
export function charsetRepairStream(source: Readable): Readable {
  const repairer = new CharsetRepairer();
  const stage = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        for (const piece of pieces(repairer.push(chunk))) this.push(piece);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        for (const piece of pieces(repairer.end())) this.push(piece);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
  source.once('error', e => stage.destroy(e));
  return source.pipe(stage);
}

/** A repaired buffer in parser-sized pieces. */
export function repairedPieces(raw: Buffer): Generator<Buffer> {
  return pieces(repairCharsets(raw));
}
