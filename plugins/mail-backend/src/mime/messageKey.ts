import { createHash } from 'crypto';
import { headerValues, splitEntity } from './headers';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Content address of a raw message: the RawStore's key, so storing it twice stores it once. */
export function rawRef(raw: Buffer): string {
  return `sha256:${sha256(raw)}`;
}

/**
 * Message-IDs are compared without brackets, comments or whitespace, with the
 * domain part lower-cased (domains are case-insensitive; local parts may not be).
 */
export function normaliseMessageId(value: string | undefined): string | null {
  if (!value) return null;
  const bracketed = /<([^>]*)>/.exec(value);
  const id = (bracketed ? bracketed[1] : value).replace(/\s+/g, '');
  if (!id) return null;
  const at = id.lastIndexOf('@');
  return at < 0 ? id : `${id.slice(0, at)}@${id.slice(at + 1).toLowerCase()}`;
}

/** The Message-ID header as written (for display and threading), or null. */
export function messageIdHeader(raw: Buffer): string | null {
  const { headerEnd } = splitEntity(raw);
  const value = headerValues(raw.subarray(0, headerEnd).toString('latin1'), 'message-id')[0];
  return value ? value : null;
}

/**
 * The identity of a logical message: `m:<normalised Message-ID>`, or, when
 * there is none, `h:` + a hash of headers that do not change between copies
 * (not Received/Delivered-To, which differ per mailbox) and of the body bytes.
 * The same mail in two accounts or folders therefore gets one key.
 */
export function messageKey(raw: Buffer): string {
  const { headerEnd, bodyStart } = splitEntity(raw);
  const header = raw.subarray(0, headerEnd).toString('latin1');
  const id = normaliseMessageId(headerValues(header, 'message-id')[0]);
  if (id) return id.length > 900 ? `m#${sha256(id)}` : `m:${id}`;
  const stable = ['date', 'from', 'to', 'cc', 'subject', 'in-reply-to', 'references']
    .map(name => `${name}:${headerValues(header, name).map(v => v.replace(/\s+/g, ' ')).join('|')}`)
    .join('\n');
  // trailing whitespace differs between servers that re-terminate lines
  const body = raw.subarray(bodyStart).toString('latin1').replace(/\r\n/g, '\n').replace(/\s+$/, '');
  return `h:${sha256(`${stable}\n${sha256(Buffer.from(body, 'latin1'))}`)}`;
}
