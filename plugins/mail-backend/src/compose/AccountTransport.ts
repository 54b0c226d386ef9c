import type { MailMessageKey } from '@cocrm/plugin-mail-common';

/** SMTP envelope: Bcc recipients are only here, never in the MIME. */
export interface SendEnvelope {
  from: string;
  to: string[];
}

/** What the provider told us when it accepted the message. */
export interface SendReceipt {
  /** recipients refused while the others were accepted */
  rejected?: string[];
  /** the server's final answer, kept for support */
  response?: string;
}

/**
 * Hands one fully built message to the account's provider. The MIME is final:
 * a transport must send exactly these bytes (the same are stored and put in
 * the Sent folder) and must not retry on its own — the outbox decides.
 *
 * Errors decide what happens next:
 * - `SendRefusedError`: the provider certainly did not accept the message
 *   (unreachable, login refused, a 4xx/5xx answer before or instead of
 *   acceptance) → 'failed', the user may retry;
 * - anything else: it may have been accepted (connection lost after the data
 *   went out, timeout waiting for the answer, a 5xx from an HTTP API after the
 *   request was sent) → 'uncertain', never re-sent without the user's confirmation.
 *
 * SMTP accounts use `SmtpAccountTransport`; Microsoft 365 accounts the Graph
 * sender (src/graph), which must send with retries disabled (the Graph
 * client's RetryHandler re-POSTs sendMail on 429/503/504).
 */
export interface AccountTransport {
  send(accountId: string, mime: Buffer, envelope: SendEnvelope): Promise<SendReceipt | void>;
}

/** The provider certainly did not accept the message: safe to retry. */
export class SendRefusedError extends Error {
  constructor(
    /** the server's or library's own text, shown to the user as the reason */
    readonly detail: string,
    /** what the user is told; `sendRefused` shows `detail` as the reason */
    readonly key: MailMessageKey = 'sendRefused',
  ) {
    super(detail);
    this.name = 'SendRefusedError';
  }
}
