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

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
