import { ImapFlow } from 'imapflow';
import type { Readable } from 'stream';

export interface ImapLogin {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
}

/** A new client per run: imapflow does not reconnect after a close. */
export type ImapClientFactory = (login: ImapLogin) => ImapFlow;

export const defaultImapClientFactory = (login: ImapLogin, overrides: { qresync?: boolean } = {}): ImapFlow =>
  new ImapFlow({
    host: login.host,
    port: login.port,
    secure: login.secure,
    auth: { user: login.user, pass: login.password },
    // QRESYNC gives expunges (VANISHED) and flag changes since our MODSEQ on select
    qresync: true,
    logger: false,
    // never let the library print the login (and with it the password)
    emitLogs: false,
    ...overrides,
  });

export async function readAll(stream: Readable, expectedSize = 0): Promise<Buffer> {
  // copied into one buffer of the announced size as it arrives: Buffer.concat holds every chunk and the result at once
  let out = Buffer.allocUnsafe(expectedSize);
  let length = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    if (length + buf.length > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, length + buf.length));
      out.copy(grown, 0, 0, length);
      out = grown;
    }
    buf.copy(out, length);
    length += buf.length;
  }
  return out.subarray(0, length);
}
