import type { Readable } from 'stream';
import { MailParser } from 'mailparser';
import type { AttachmentStream, MessageText } from 'mailparser';

export interface OpenedAttachment {
  content: Readable;
  contentType: string;
  filename: string | null;
  /** stops reading the rest of the message (called once the part was sent, or on abort) */
  close(): void;
}

/**
 * Finds the n-th attachment of a message by parsing its raw stream with the
 * streaming parser — the same order as when the message was parsed — and
 * hands out its decoded bytes as a stream with backpressure. Parts before it
 * are read and discarded; nothing after it is parsed.
 */
export function openAttachment(source: Readable, index: number): Promise<OpenedAttachment | undefined> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true, checksumAlgo: false });
    let seen = 0;
    let found = false;
    let settled = false;
    const close = () => {
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
    };
    const fail = (e: Error) => {
      if (!settled) {
        settled = true;
        close();
        reject(e);
      }
    };
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type !== 'attachment') return;
      if (found || seen++ !== index) {
        // drained and let go: the parser goes on without holding the part
        data.content.resume();
        data.release?.();
        return;
      }
      found = true;
      settled = true;
      data.content.once('end', close);
      resolve({ content: data.content, contentType: data.contentType, filename: data.filename ?? null, close });
    });
    parser.once('end', () => {
      if (!settled) {
        settled = true;
        resolve(undefined);
      }
    });
    parser.once('error', fail);
    source.once('error', e => (settled ? parser.destroy(e) : fail(e)));
    source.pipe(parser);
  });
}
