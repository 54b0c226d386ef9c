import { mkdtemp, readFile, readdir, rm } from 'fs/promises';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigReader } from '@backstage/config';
import { SMTPServer } from 'smtp-server';
import { createSuiteMailService } from './SuiteMailService';

interface Received {
  from: string | undefined;
  to: string[];
  user: string | undefined;
  raw: string;
}

/** A real SMTP server on a free local port, optionally requiring a login. */
async function smtpServer(login?: { user: string; password: string }) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: !login,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error('invalid login'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map(r => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, stop: () => new Promise<void>(resolve => server.close(() => resolve())) };
}

/** The Subject header, with nodemailer's base64 encoded words decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  return header
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\?= =\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

const message = {
  to: ['zhouhao@cocrm.test'],
  subject: '待审批：合同 华东区框架合同（¥1,500,000.00）',
  text: '孙丽 提交的合同等待您审批。',
  html: '<p>孙丽 提交的合同等待您审批。</p>',
};

describe('the suite mail service', () => {
  it('sends through SMTP with the configured sender and credentials', async () => {
    const smtp = await smtpServer({ user: 'crm', password: 's3cret' });
    try {
      const mail = createSuiteMailService(
        new ConfigReader({
          mail: { sending: { from: '协同客户管理 <noreply@cocrm.test>', smtp: { host: '127.0.0.1', port: smtp.port, user: 'crm', password: 's3cret' } } },
        }),
      );
      expect(mail.enabled).toBe(true);
      const { messageId } = await mail.send({ ...message, headers: { 'Auto-Submitted': 'auto-generated' } });
      expect(messageId).toMatch(/^<[0-9a-f-]+@cocrm\.test>$/);
      expect(smtp.received).toHaveLength(1);
      const [got] = smtp.received;
      expect(got).toMatchObject({ from: 'noreply@cocrm.test', to: ['zhouhao@cocrm.test'], user: 'crm' });
      expect(got.raw).toContain(`Message-ID: ${messageId}`);
      expect(got.raw).toContain('Auto-Submitted: auto-generated');
      expect(subjectOf(got.raw)).toBe(message.subject);
      expect(got.raw).toMatch(/Content-Type: multipart\/alternative/);
    } finally {
      await smtp.stop();
    }
  });

  it('fails the send when the server refuses the login, so callers can retry', async () => {
    const smtp = await smtpServer({ user: 'crm', password: 's3cret' });
    try {
      const mail = createSuiteMailService(
        new ConfigReader({ mail: { sending: { smtp: { host: '127.0.0.1', port: smtp.port, user: 'crm', password: 'wrong' } } } }),
      );
      await expect(mail.send(message)).rejects.toThrow(/invalid login|auth/i);
      expect(smtp.received).toEqual([]);
    } finally {
      await smtp.stop();
    }
  });

  it('writes an .eml file per mail into the drop folder in development', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cocrm-mail-'));
    try {
      const mail = createSuiteMailService(new ConfigReader({ mail: { sending: { from: 'CRM <noreply@example.com>', dropFolder: dir } } }));
      expect(mail.enabled).toBe(true);
      const { messageId } = await mail.send(message);
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const raw = await readFile(join(dir, files[0]), 'utf8');
      expect(raw).toContain(`Message-ID: ${messageId}`);
      expect(raw).toContain('To: zhouhao@cocrm.test');
      expect(subjectOf(raw)).toBe(message.subject);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is disabled without configuration and refuses to send', async () => {
    const mail = createSuiteMailService(new ConfigReader({}));
    expect(mail.enabled).toBe(false);
    await expect(mail.send(message)).rejects.toThrow('mail.sending is not configured');
  });
});
