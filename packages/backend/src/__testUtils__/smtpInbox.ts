import { SMTPServer } from 'smtp-server';
import { ParsedMail, simpleParser } from 'mailparser';

/**
 * A real SMTP server on a free port that keeps what it receives: the suite's
 * relay for approval mails (no login), or a mailbox's own server (`login`:
 * accepts any login, as the mailbox's SMTP settings send one).
 */
export class SmtpInbox {
  readonly mails: ParsedMail[] = [];
  readonly server: SMTPServer;

  constructor(options: { login?: boolean } = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: !!options.login,
      disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      onAuth: (_auth, _session, done) => done(null, { user: 'mailbox' }),
      logger: false,
      onData: (stream, _session, done) => {
        simpleParser(stream).then(m => {
          this.mails.push(m);
          done();
        }, done);
      },
    });
  }

  listen(): Promise<number> {
    return new Promise(resolve => {
      this.server.listen(0, '127.0.0.1', () => resolve(this.port));
    });
  }

  get port(): number {
    return (this.server.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise(resolve => this.server.close(() => resolve()));
  }

  async waitFor(to: string, subject: RegExp): Promise<ParsedMail> {
    for (let i = 0; i < 200; i++) {
      const m = this.mails.find(x => subject.test(x.subject ?? '') && JSON.stringify(x.to).includes(to));
      if (m) return m;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`no mail to ${to} matching ${subject}; got ${this.mails.map(x => x.subject).join(' | ')}`);
  }
}

/** Polls `read` until `ok` (about 20 s), failing with the last value seen. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}
