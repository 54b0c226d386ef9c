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

/** Header names whose values are the same in every copy of a mail (not Received/Delivered-To, which differ per mailbox). */
const STABLE_HEADERS = ['date', 'from', 'to', 'cc', 'subject', 'in-reply-to', 'references'];

/** The key from a header block; the body's digest is asked for only when there is no Message-ID. */
function keyOf(header: string, bodyDigest: () => string): string {
  const id = normaliseMessageId(headerValues(header, 'message-id')[0]);
  if (id) return id.length > 900 ? `m#${sha256(id)}` : `m:${id}`;
  const stable = STABLE_HEADERS.map(name => `${name}:${headerValues(header, name).map(v => v.replace(/\s+/g, ' ')).join('|')}`).join('\n');
  return `h:${sha256(`${stable}\n${bodyDigest()}`)}`;
}

/**
 * The identity of a logical message: `m:<normalised Message-ID>`, or, when
 * there is none, `h:` + a hash of headers that do not change between copies
 * and of the body bytes. The same mail in two accounts or folders therefore
 * gets one key.
 */
export function messageKey(raw: Buffer): string {
  const { headerEnd, bodyStart } = splitEntity(raw);
  return keyOf(raw.subarray(0, headerEnd).toString('latin1'), () => {
    // trailing whitespace differs between servers that re-terminate lines
    const body = raw.subarray(bodyStart).toString('latin1').replace(/\r\n/g, '\n').replace(/\s+$/, '');
    return sha256(Buffer.from(body, 'latin1'));
  });
}

/** What the store needs to know of a raw message: its content address, its logical key, its Message-ID and size. */
export interface RawIdentity {
  ref: string;
  key: string;
  messageIdHeader: string | null;
  size: number;
}

export function identityOf(raw: Buffer): RawIdentity {
  return { ref: rawRef(raw), key: messageKey(raw), messageIdHeader: messageIdHeader(raw), size: raw.length };
}

/** `\s` of a latin1 string: what `.replace(/\s+$/, '')` trims. */
const isSpace = (c: number) => (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0;

/** A header longer than this is keyed on its beginning: mailparser refuses such a message anyway. */
const MAX_HEADER = 8 * 1024 * 1024;

/**
 * The same identity as `identityOf`, computed from a message streaming past
 * in chunks: only the header block is held, the body goes through hashes.
 */
export class StreamingIdentity {
  private readonly content = createHash('sha256');
  private size = 0;
  private head: Buffer | null = Buffer.alloc(0);
  private header = '';
  private body: ReturnType<typeof createHash> | null = null;
  /** trailing whitespace seen so far: trimmed if the body ends here, hashed if more follows */
  private held = '';

  update(chunk: Buffer): void {
    this.content.update(chunk);
    this.size += chunk.length;
    if (!this.head) {
      this.bodyBytes(chunk);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    const { headerEnd, bodyStart } = splitEntity(this.head);
    if (bodyStart < this.head.length || headerEnd < this.head.length || this.head.length > MAX_HEADER) {
      this.endOfHeader(this.head, headerEnd, bodyStart);
    }
  }

  finish(): RawIdentity {
    if (this.head) {
      const { headerEnd, bodyStart } = splitEntity(this.head);
      this.endOfHeader(this.head, headerEnd, bodyStart);
    }
    const body = this.body;
    return {
      ref: `sha256:${this.content.digest('hex')}`,
      key: keyOf(this.header, () => body!.digest('hex')),
      messageIdHeader: headerValues(this.header, 'message-id')[0] || null,
      size: this.size,
    };
  }

  private endOfHeader(head: Buffer, headerEnd: number, bodyStart: number): void {
    this.header = head.subarray(0, headerEnd).toString('latin1');
    this.head = null;
    if (!normaliseMessageId(headerValues(this.header, 'message-id')[0])) this.body = createHash('sha256');
    this.bodyBytes(head.subarray(bodyStart));
  }

  private bodyBytes(chunk: Buffer): void {
    if (!this.body) return;
    const text = this.held + chunk.toString('latin1');
    let cut = text.length;
    while (cut > 0 && isSpace(text.charCodeAt(cut - 1))) cut--;
    // what precedes the held run never ends in whitespace, so no CRLF is split between the two
    this.body.update(Buffer.from(text.slice(0, cut).replace(/\r\n/g, '\n'), 'latin1'));
    this.held = text.slice(cut);
  }
}
