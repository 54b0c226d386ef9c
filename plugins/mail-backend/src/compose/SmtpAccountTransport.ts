import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { AccountTransport, SendEnvelope, SendReceipt } from './AccountTransport';
import { SendRefusedError } from './AccountTransport';
import type { SendingAccounts } from './SendingAccounts';

export interface SmtpTimeouts {
  connectionTimeout?: number;
  greetingTimeout?: number;
  /** inactivity on an open connection */
  socketTimeout?: number;
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  responseCode?: number;
}

/** Commands answered before any message data is on the wire. */
const BEFORE_DATA = new Set(['API', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'MAIL FROM', 'RCPT TO', 'RSET']);

/**
 * Whether an error of `send()` proves the server did not take the message: a
 * definite 4xx/5xx answer (to MAIL, RCPT, DATA or the final dot), or a failure
 * in a phase before the data went out. A connection lost or timed out without
 * an answer after that may follow acceptance: then nobody knows.
 */
export function refusedBeforeAcceptance(err: SmtpError): boolean {
  if (typeof err.responseCode === 'number' && err.responseCode >= 400) return true;
  return !!err.command && (BEFORE_DATA.has(err.command) || err.command.startsWith('AUTH'));
}

const describe = (err: SmtpError) => err.message || err.code || 'SMTP error';

/**
 * Sends over the account's SMTP server with nodemailer's SMTPConnection (not
 * a pooled transport): connect and login failures are certain refusals, and
 * only this level tells what phase an error happened in. One connection per
 * message; nodemailer never retries here.
 */
export class SmtpAccountTransport implements AccountTransport {
  constructor(
    private readonly accounts: SendingAccounts,
    private readonly timeouts: SmtpTimeouts = {},
  ) {}

  async send(accountId: string, mime: Buffer, envelope: SendEnvelope): Promise<SendReceipt> {
    const login = await this.accounts.smtp(accountId);
    if (!login) throw new SendRefusedError('SMTP is not configured', 'smtpNotConfigured');
    const connection = new SMTPConnection({
      host: login.host,
      port: login.port,
      secure: login.secure,
      // the domain part of the sender names us in EHLO: some servers reject a bare hostname
      name: envelope.from.split('@')[1] || undefined,
      connectionTimeout: this.timeouts.connectionTimeout ?? 30_000,
      greetingTimeout: this.timeouts.greetingTimeout ?? 30_000,
      socketTimeout: this.timeouts.socketTimeout ?? 120_000,
      logger: false,
      debug: false,
    });
    const authenticate = !!(login.user && login.password);
    let phase: 'connect' | 'login' | 'send' = 'connect';
    try {
      return await new Promise<SendReceipt>((resolve, reject) => {
        // nodemailer reports connection failures as 'error' events, not through the callbacks
        const fail = (err: SmtpError) => {
          if (phase === 'send') reject(refusedBeforeAcceptance(err) ? new SendRefusedError(describe(err)) : err);
          else reject(new SendRefusedError(describe(err), phase === 'login' ? 'smtpLoginFailed' : 'sendRefused'));
        };
        connection.on('error', fail);
        connection.once('end', () => fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' })));
        const send = () => {
          phase = 'send';
          connection.send({ from: envelope.from, to: envelope.to }, mime, (err, info) =>
            err ? fail(err) : resolve({ rejected: info?.rejected ?? [], response: info?.response }),
          );
        };
        connection.connect(err => {
          if (err) {
            fail(err);
            return;
          }
          // a relay that offers no AUTH (intranet) is used without logging in, as nodemailer's transport does
          if (!authenticate || !connection.allowsAuth) {
            send();
            return;
          }
          phase = 'login';
          connection.login({ credentials: { user: login.user!, pass: login.password! } }, loginErr => (loginErr ? fail(loginErr) : send()));
        });
      });
    } finally {
      connection.removeAllListeners('end');
      // late errors (QUIT on a dead socket) must not crash the process
      connection.on('error', () => undefined);
      try {
        connection.quit();
      } catch {
        connection.close();
      }
    }
  }
}
