import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import type express from 'express';
import type { Knex } from 'knex';
import { attachmentDisposition } from '@cocrm/plugin-access-node';
import type { MailAttachmentMeta } from '@cocrm/plugin-mail-common';
import type { RawStore } from '../database/RawStore';
import { MailError } from '../errors';
import { charsetRepairStream } from '../mime/charsetRepair';
import { OpenedAttachment, openAttachment } from './attachmentStream';
import { openRaw } from './rawStream';
import { sniffContentType } from '@cocrm/plugin-access-node';

/** What the sniffer looks at: enough for every magic number and the text check. */
const SNIFF_BYTES = 8192;

/** A download from mail is never rendered by the browser: not as a page, not as our origin's content. */
function downloadHeaders(res: express.Response, contentType: string, filename: string) {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', attachmentDisposition(filename));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-store');
}

/** No path separators or control characters in a name the browser saves under. */
export function safeFilename(name: string | null, fallback: string): string {
  // eslint-disable-next-line no-control-regex -- control characters have no place in a file name
  const cleaned = (name ?? '').normalize('NFC').replace(/[\u0000-\u001f\u007f\\/]/g, '_').trim();
  return cleaned && !/^\.+$/.test(cleaned) ? cleaned.slice(0, 200) : fallback;
}

/** The sniffed head again, then whatever the iterator still has. */
async function* rest(head: Buffer, iterator: AsyncIterator<unknown> | undefined): AsyncGenerator<Buffer> {
  yield head;
  if (!iterator) return;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value as Buffer;
  }
}

/** Writes the part: its first bytes decide the type (sniffed, never the sender's claim), the rest streams with backpressure. */
async function send(res: express.Response, opened: OpenedAttachment, filename: string): Promise<void> {
  const iterator = opened.content[Symbol.asyncIterator]();
  try {
    const head: Buffer[] = [];
    let length = 0;
    let done = false;
    while (length < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      head.push(chunk);
      length += chunk.length;
    }
    const first = Buffer.concat(head);
    downloadHeaders(res, sniffContentType(first, filename), filename);
    await pipeline(Readable.from(rest(first, done ? undefined : iterator)), res);
  } finally {
    opened.close();
  }
}

/**
 * Serves the n-th attachment of a stored raw message, re-parsed with the
 * streaming parser from a streamed raw. The charset repair the sync's parser
 * saw is skipped at first (it never changes which parts are attachments);
 * should the part found not be the one recorded, the repaired message is
 * parsed instead.
 */
export async function sendStoredAttachment(
  res: express.Response,
  deps: { knex: Knex; raw: RawStore },
  source: { rawRef: string; index: number; meta: MailAttachmentMeta },
): Promise<void> {
  const { stream } = await openRaw(deps.raw, source.rawRef);
  let opened = await openAttachment(stream, source.index);
  if (opened && opened.contentType.toLowerCase() !== source.meta.contentType.toLowerCase()) {
    opened.close();
    opened = await openAttachment(charsetRepairStream((await openRaw(deps.raw, source.rawRef)).stream), source.index);
  }
  if (!opened) throw new MailError(404, 'attachmentNotFound');
  await send(res, opened, safeFilename(source.meta.filename, `attachment-${source.index + 1}`));
}

/** The message as it arrived (.eml), streamed from the store. */
export async function sendRawMessage(res: express.Response, deps: { knex: Knex; raw: RawStore }, rawRef: string, subject: string | null): Promise<void> {
  const { stream, size } = await openRaw(deps.raw, rawRef);
  downloadHeaders(res, 'message/rfc822', `${safeFilename(subject, 'message').slice(0, 150)}.eml`);
  if (size) res.setHeader('Content-Length', String(size));
  await pipeline(stream, res);
}
