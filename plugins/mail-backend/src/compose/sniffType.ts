import { detectMimeType } from 'nodemailer/lib/mime-funcs';

const startsWith = (buf: Buffer, bytes: number[], offset = 0) => bytes.every((b, i) => buf[offset + i] === b);
const ascii = (buf: Buffer, text: string, offset = 0) => buf.subarray(offset, offset + text.length).toString('latin1') === text;

/** Containers whose real type only the file name tells (Office files are ZIP or OLE inside). */
const BY_NAME_WITHIN: Record<string, string[]> = {
  'application/zip': ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'jar', 'apk', 'epub'],
  'application/x-ole-storage': ['doc', 'xls', 'ppt', 'msg'],
};

function magic(buf: Buffer): string | undefined {
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(buf, 'GIF87a') || ascii(buf, 'GIF89a')) return 'image/gif';
  if (ascii(buf, 'RIFF') && ascii(buf, 'WEBP', 8)) return 'image/webp';
  if (startsWith(buf, [0x42, 0x4d]) && buf.length > 14) return 'image/bmp';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage';
  if (startsWith(buf, [0x1f, 0x8b])) return 'application/gzip';
  if (ascii(buf, 'Rar!')) return 'application/vnd.rar';
  if (startsWith(buf, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (ascii(buf, 'ftyp', 4)) return 'video/mp4';
  if (ascii(buf, 'ID3') || startsWith(buf, [0xff, 0xfb])) return 'audio/mpeg';
  return undefined;
}

function looksLikeText(buf: Buffer): boolean {
  const sample = buf.subarray(0, 4096);
  for (const b of sample) if (b === 0 || (b < 0x09 && b !== 0x1b)) return false;
  return true;
}

const extension = (filename: string) => /\.([a-z0-9]{1,10})$/i.exec(filename)?.[1]?.toLowerCase();

/**
 * The content type of an uploaded attachment from its bytes, not from what
 * the browser claimed: magic numbers first; for containers (ZIP, OLE) and
 * text the file name decides among the types the bytes allow; anything
 * unknown is application/octet-stream. Bytes that claim HTML/SVG by name but
 * are only text are labelled text/plain, so nothing we send is active content
 * by accident of a name.
 */
export function sniffContentType(content: Buffer, filename: string): string {
  const ext = extension(filename);
  const byName = ext ? detectMimeType(ext) : 'application/octet-stream';
  const found = magic(content);
  if (found) {
    const within = BY_NAME_WITHIN[found];
    if (within && ext && within.includes(ext)) return byName;
    return found === 'application/x-ole-storage' ? 'application/octet-stream' : found;
  }
  if (content.length && looksLikeText(content)) {
    if (byName.startsWith('text/') && byName !== 'text/html') return byName;
    return ext === 'json' ? 'application/json' : 'text/plain';
  }
  return 'application/octet-stream';
}
