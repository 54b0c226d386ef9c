import { Readable } from 'stream';
import { MailParser } from 'mailparser';
import type { AttachmentStream, MessageText } from 'mailparser';
import { repairedPieces } from '../mime/charsetRepair';

/**
 * The bytes of some attachments of a stored message, by their index in the
 * order the sync's parser lists them (the order of `attachments_json`, which
 * the webmail's attachment URLs use too). Parsed the same way — streaming,
 * over the charset-repaired view — so indexes line up; parts not asked for are
 * drained without being kept.
 */
export function readSourceAttachments(raw: Buffer, indexes: number[]): Promise<Map<number, Buffer>> {
  const wanted = new Set(indexes);
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true });
    const found = new Map<number, Buffer>();
    const pending: Array<Promise<void>> = [];
    let index = 0;
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') return;
      const mine = index++;
      const chunks: Buffer[] = [];
      pending.push(
        new Promise<void>((done, fail) => {
          data.content.on('data', (chunk: Buffer) => {
            if (wanted.has(mine)) chunks.push(chunk);
          });
          data.content.once('error', fail);
          data.content.once('end', () => {
            data.release?.();
            if (wanted.has(mine)) found.set(mine, Buffer.concat(chunks));
            done();
          });
        }),
      );
    });
    parser.once('error', reject);
    parser.once('end', () => {
      Promise.all(pending)
        .then(() => resolve(found))
        .catch(reject);
    });
    const source = Readable.from(repairedPieces(raw));
    source.once('error', reject);
    source.pipe(parser);
  });
}
