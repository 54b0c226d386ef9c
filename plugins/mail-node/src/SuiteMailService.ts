import { mkdir, writeFile } from 'fs/promises';
import { join, resolve } from 'path';
import { randomUUID } from 'crypto';
import { Config } from '@backstage/config';
import nodemailer, { Transporter } from 'nodemailer';

export interface SuiteMailMessage {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  /** `<id@domain>`; given by callers that route replies back (see issue 5), generated otherwise */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface SuiteMailService {
  /** false when neither SMTP nor a drop folder is configured: callers skip mail instead of failing */
  readonly enabled: boolean;
  send(message: SuiteMailMessage): Promise<{ messageId: string }>;
}

/**
 * `mail.sending` in app-config:
 *   from: '协同客户管理 <noreply@example.com>'
 *   smtp: { host, port, secure?, user?, password? }   # production, tests (a real local SMTP server)
 *   dropFolder: ./data/outbox                          # development: each mail becomes an .eml file
 */
export function createSuiteMailService(config: Config): SuiteMailService {
  const sending = config.getOptionalConfig('mail.sending');
  const from = sending?.getOptionalString('from') ?? '协同客户管理 <noreply@cocrm.local>';
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'cocrm.local';
  const smtp = sending?.getOptionalConfig('smtp');
  const dropFolder = sending?.getOptionalString('dropFolder');
  let transport: Transporter | undefined;
  if (smtp) {
    const user = smtp.getOptionalString('user');
    transport = nodemailer.createTransport({
      host: smtp.getString('host'),
      port: smtp.getNumber('port'),
      secure: smtp.getOptionalBoolean('secure') ?? false,
      // a local relay without TLS is normal on an intranet; STARTTLS is still used when offered
      ignoreTLS: smtp.getOptionalBoolean('ignoreTLS') ?? false,
      auth: user ? { user, pass: smtp.getString('password') } : undefined,
    });
  } else if (dropFolder) {
    transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }
  return {
    enabled: !!transport,
    async send(message) {
      if (!transport) throw new Error('mail.sending is not configured');
      const messageId = message.messageId ?? `<${randomUUID()}@${domain}>`;
      const info = await transport.sendMail({ from, ...message, messageId });
      if (dropFolder && !smtp) {
        const dir = resolve(dropFolder);
        await mkdir(dir, { recursive: true });
        const raw = (info as unknown as { message: Buffer }).message;
        await writeFile(join(dir, `${Date.now()}-${randomUUID()}.eml`), raw);
      }
      return { messageId };
    },
  };
}
