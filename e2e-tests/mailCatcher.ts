import { SMTPServer } from 'smtp-server';
import { simpleParser, ParsedMail } from 'mailparser';

/**
 * A real SMTP server on the port app-config.e2e.yaml sends to; it keeps
 * every mail it receives so a test can open the links an approver got.
 */
export class MailCatcher {
  readonly mails: ParsedMail[] = [];
  private server?: SMTPServer;

  /** `login`: accept any login, as a mailbox's own SMTP server would ask for one (the suite's relay does not). */
  constructor(private readonly options: { login?: boolean } = {}) {}

  async start(port = 2526) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: this.options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: !!this.options.login,
      onAuth: (_auth, _session, done) => done(null, { user: 'mailbox' }),
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then(mail => {
            this.mails.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async stop() {
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits for a mail to `address` whose subject matches. */
  async waitFor(address: string, subject: RegExp, timeoutMs = 60_000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.find(m => {
        const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap(a => a.value.map(v => v.address));
        return to.includes(address) && subject.test(m.subject ?? '');
      });
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${address} matching ${subject} (got: ${this.mails.map(m => m.subject).join(' | ')})`);
      await new Promise(r => setTimeout(r, 500));
    }
  }
}
