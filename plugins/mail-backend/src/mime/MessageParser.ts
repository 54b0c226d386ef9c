import { Readable } from 'stream';
import { MailParser } from 'mailparser';
import type { AddressObject, AttachmentStream, EmailAddress, HeaderValue, Headers, MessageText } from 'mailparser';
import type { MailAddress, MailAttachmentMeta } from '@cocrm/plugin-mail-common';
import { canStream, RawStore } from '../database/RawStore';
import { charsetRepairStream, repairedPieces } from './charsetRepair';

/** What parsing yields; the date is deliberately absent (it comes from IMAP INTERNALDATE). */
export interface ParsedMail {
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  text: string | null;
  html: string | null;
  attachments: MailAttachmentMeta[];
  inReplyTo: string | null;
  references: string[];
}

/** Injected so tests (and a future parser) can replace it; a throw marks the message failed. */
export interface MessageParser {
  parse(raw: Buffer): Promise<ParsedMail>;
  /** The raw message as a stream of its bytes: what a big message is parsed from, so it is never in memory whole. */
  parseStream?(raw: Readable): Promise<ParsedMail>;
}

function flatten(list: EmailAddress[]): MailAddress[] {
  return list.flatMap(a => {
    if (a.group) return flatten(a.group);
    return a.address ? [{ name: a.name ?? '', address: a.address.toLowerCase() }] : [];
  });
}

function isAddressObject(v: unknown): v is AddressObject {
  return typeof v === 'object' && v !== null && Array.isArray((v as AddressObject).value);
}

function addresses(value: HeaderValue | undefined): MailAddress[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter(isAddressObject).flatMap(a => flatten(a.value));
}

function strings(value: HeaderValue | undefined): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Counts an attachment's bytes without keeping them, then lets the parser go on. */
function drain(attachment: AttachmentStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    attachment.content.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    attachment.content.once('error', reject);
    attachment.content.once('end', () => {
      attachment.release?.();
      resolve(size);
    });
  });
}

/**
 * mailparser's streaming parser over the charset-repaired message: attachments
 * are streamed and released (only their metadata is kept for now), which keeps
 * memory flat for big messages where `simpleParser` would buffer everything.
 */
export class StreamingMessageParser implements MessageParser {
  parse(raw: Buffer): Promise<ParsedMail> {
    // already whole: repaired at once, handed over in pieces (one 137 MB chunk costs the parser several hundred MB more)
    return this.run(Readable.from(repairedPieces(raw)));
  }

  parseStream(raw: Readable): Promise<ParsedMail> {
    return this.run(charsetRepairStream(raw));
  }

  private run(source: Readable): Promise<ParsedMail> {
    return new Promise((resolve, reject) => {
      const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true });
      let headers: Headers = new Map();
      let text: MessageText | undefined;
      const pending: Array<Promise<void>> = [];
      const attachments: MailAttachmentMeta[] = [];
      parser.on('headers', h => {
        headers = h;
      });
      parser.on('data', (data: AttachmentStream | MessageText) => {
        if (data.type === 'text') {
          text = data;
          return;
        }
        const meta: MailAttachmentMeta = {
          filename: data.filename ?? null,
          contentType: data.contentType,
          size: 0,
          contentId: data.contentId ?? null,
          inline: data.contentDisposition === 'inline',
        };
        attachments.push(meta);
        pending.push(
          drain(data).then(size => {
            meta.size = size;
          }),
        );
      });
      parser.once('error', reject);
      parser.once('end', () => {
        Promise.all(pending)
          .then(() => {
            const subject = headers.get('subject');
            const inReplyTo = headers.get('in-reply-to');
            resolve({
              subject: typeof subject === 'string' ? subject : null,
              from: addresses(headers.get('from')),
              to: addresses(headers.get('to')),
              cc: addresses(headers.get('cc')),
              replyTo: addresses(headers.get('reply-to')),
              text: text?.text ?? null,
              html: typeof text?.html === 'string' ? text.html : null,
              attachments,
              inReplyTo: typeof inReplyTo === 'string' ? inReplyTo : null,
              references: strings(headers.get('references')),
            });
          })
          .catch(reject);
      });
      source.once('error', reject);
      source.pipe(parser);
    });
  }
}

/** Parses a stored raw message: streamed from the store when both store and parser can, so a big one is never whole in memory. */
export async function parseRaw(raw: RawStore, parser: MessageParser, ref: string): Promise<ParsedMail> {
  if (canStream(raw) && parser.parseStream) return parser.parseStream((await raw.stream(ref)).stream);
  return parser.parse(await raw.get(ref));
}
