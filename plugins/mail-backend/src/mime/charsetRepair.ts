import iconv from 'iconv-lite';
import { hasHighBytes, headerParam, headerValues, isValidUtf8, splitEntity } from './headers';

/*
 * mailparser decodes declared charsets (GB2312/GBK/GB18030/Big5) correctly but
 * garbles two cases common in Chinese mail (measured, see ENVIRONMENT.md):
 * raw 8-bit header bytes without encoded-words, and text bodies without a
 * charset parameter. Before parsing, we therefore rewrite the message the
 * parser sees (never the stored raw): 8-bit header blocks that are not UTF-8
 * are transcoded from GB18030 to UTF-8 (which mailparser reads correctly), and
 * text parts without a charset get the one detected from their bytes (strict
 * UTF-8, else GB18030). Bodies are passed on as sub-buffers, not copied, so a
 * 100 MB attachment costs no second 100 MB.
 */

const MAX_DEPTH = 20;

/** The fallback for 8-bit text that is not UTF-8: GB18030 is a superset of GB2312 and GBK. */
export const FALLBACK_CHARSET = 'gb18030';

function detectCharset(bytes: Buffer): string {
  return isValidUtf8(bytes) ? 'utf-8' : FALLBACK_CHARSET;
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

function repairEntity(raw: Buffer, start: number, end: number, out: Buffer[], depth: number): void {
  const { headerEnd, bodyStart } = splitEntity(raw, start, end);
  const headerBytes = repairHeaderBlock(raw.subarray(start, headerEnd));
  let header = headerBytes.toString('latin1');
  const contentType = headerValues(header, 'content-type')[0];
  const type = (contentType ?? 'text/plain').split(';')[0].trim().toLowerCase();
  const boundary = contentType ? headerParam(contentType, 'boundary') : undefined;

  if (type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    out.push(headerBytes, raw.subarray(headerEnd, bodyStart));
    repairMultipartBody(raw, bodyStart, end, boundary, out, depth);
    return;
  }
  if (type.startsWith('text/') && !(contentType && headerParam(contentType, 'charset'))) {
    const body = raw.subarray(bodyStart, end);
    const decoded = decodeTransfer(body, headerValues(header, 'content-transfer-encoding')[0] ?? '7bit');
    if (hasHighBytes(decoded)) {
      header = withCharset(header, detectCharset(decoded), contentType !== undefined);
      out.push(Buffer.from(header, 'latin1'), raw.subarray(headerEnd, end));
      return;
    }
  }
  out.push(headerBytes, raw.subarray(headerEnd, end));
}

function repairMultipartBody(raw: Buffer, start: number, end: number, boundary: string, out: Buffer[], depth: number): void {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  // positions of delimiter lines (at the start of a line)
  const marks: number[] = [];
  let pos = raw.indexOf(delimiter, start);
  while (pos >= 0 && pos < end) {
    if (pos === start || raw[pos - 1] === 0x0a) marks.push(pos);
    pos = raw.indexOf(delimiter, pos + delimiter.length);
  }
  if (marks.length === 0) {
    out.push(raw.subarray(start, end));
    return;
  }
  out.push(raw.subarray(start, marks[0]));
  for (let i = 0; i < marks.length; i++) {
    const lineEnd = raw.indexOf(0x0a, marks[i]);
    const partStart = lineEnd < 0 || lineEnd >= end ? end : lineEnd + 1;
    const closing = raw.subarray(marks[i] + delimiter.length, marks[i] + delimiter.length + 2).toString('latin1') === '--';
    out.push(raw.subarray(marks[i], partStart));
    if (closing) {
      out.push(raw.subarray(partStart, end));
      return;
    }
    // the CRLF before the next delimiter belongs to the delimiter, not the part
    let partEnd = i + 1 < marks.length ? marks[i + 1] : end;
    let eol = Buffer.alloc(0);
    if (i + 1 < marks.length) {
      const crlf = raw[partEnd - 2] === 0x0d && raw[partEnd - 1] === 0x0a;
      const cut = crlf ? 2 : 1;
      if (partEnd - cut >= partStart) {
        eol = raw.subarray(partEnd - cut, partEnd);
        partEnd -= cut;
      }
    }
    repairEntity(raw, partStart, partEnd, out, depth + 1);
    out.push(eol);
  }
}

/** The message as the parser should see it, as a list of buffers (mostly views into `raw`). */
export function repairCharsets(raw: Buffer): Buffer[] {
  const out: Buffer[] = [];
  repairEntity(raw, 0, raw.length, out, 0);
  return out.filter(b => b.length > 0);
}
