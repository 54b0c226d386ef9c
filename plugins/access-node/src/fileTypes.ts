/*
 * What a file is, decided from its bytes (CRM attachments, mail attachments and uploads): the sender's claimed
 * type is never stored or served back, so an HTML page uploaded as "image/png"
 * stays a download. Office formats are containers (ZIP, OLE2) whose magic
 * bytes say only "container"; the file name's extension then names which
 * document it is, but only among the types that container can hold.
 */

const OOXML: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};
const OLE2: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};
const OPEN_DOCUMENT: Record<string, string> = {
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};

function startsWith(buf: Buffer, bytes: number[], offset = 0): boolean {
  if (buf.length < offset + bytes.length) return false;
  return bytes.every((b, i) => buf[offset + i] === b);
}

function extensionOf(fileName: string): string {
  const i = fileName.lastIndexOf('.');
  return i >= 0 ? fileName.slice(i + 1).toLowerCase() : '';
}

/** UTF-8 text without NUL or other binary control bytes, judged on its first 8 KB. */
function looksLikeText(buf: Buffer): boolean {
  const head = buf.subarray(0, 8192);
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return false;
  }
  // a multi-byte character cut at the 8 KB boundary is still text
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const replaced = (decoded.match(/\uFFFD/g) ?? []).length;
  return replaced <= 1;
}

export function sniffContentType(buf: Buffer, fileName: string): string {
  const ext = extensionOf(fileName);
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(buf, [0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (startsWith(buf, [0x52, 0x49, 0x46, 0x46]) && startsWith(buf, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(buf, [0x42, 0x4d]) && buf.length > 14) return 'image/bmp';
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    if (OOXML[ext]) return OOXML[ext];
    if (OPEN_DOCUMENT[ext]) return OPEN_DOCUMENT[ext];
    return 'application/zip';
  }
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return OLE2[ext] ?? 'application/x-ole-storage';
  if (startsWith(buf, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return 'application/vnd.rar';
  if (startsWith(buf, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (startsWith(buf, [0x1f, 0x8b])) return 'application/gzip';
  if (startsWith(buf, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return 'application/rtf';
  if (looksLikeText(buf)) return ext === 'csv' ? 'text/csv' : 'text/plain';
  return 'application/octet-stream';
}

/**
 * The file name as stored: the last path segment, without control characters,
 * NFC-normalised, at most 200 characters (keeping the extension). Empty when
 * nothing usable is left.
 */
export function cleanFileName(raw: string): string {
  // eslint-disable-next-line no-control-regex -- control characters have no place in a file name
  const base = raw.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').split(/[\\/]/).pop() ?? '';
  const name = base.trim().replace(/^\.+$/, '');
  if (name.length <= 200) return name;
  const ext = extensionOf(name);
  const keep = ext && ext.length <= 10 ? `.${ext}` : '';
  return `${name.slice(0, 200 - keep.length)}${keep}`;
}
