import express from 'express';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMail, MailServices } from '../../createMail';
import { mailErrorHandler } from '../../errors';
import { StreamingMessageParser } from '../../mime/MessageParser';
import { knowledgeRoutes } from '../../routes/knowledgeRoutes';
import { webmailRoutes } from '../../routes/webmailRoutes';
import { PasswordCipher } from '../../service/PasswordCipher';
import { TEST_KEY } from '../../__testUtils__/mailTestBed';
import { testOrg } from '../../routing/__testUtils__/routingBed';
import { webmailOf } from '..';

/** Mail services on a migrated database: the demo org, and only `admins` read every mailbox (mail.message.read). */
export function webmailBed(knex: Knex, admins: string[] = []): { mail: MailServices; app: express.Express } {
  const refOf = (c: { principal: unknown }) => (c.principal as { userEntityRef?: string }).userEntityRef ?? '';
  const permissions = mockServices.permissions.mock({
    authorize: async (reqs, { credentials }) => reqs.map(() => ({ result: admins.includes(refOf(credentials)) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY })) as never,
    authorizeConditional: async (reqs, { credentials }) =>
      reqs.map(() => ({ result: admins.includes(refOf(credentials)) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY })) as never,
  });
  const mail = createMail({ knex, cipher: PasswordCipher.fromBase64Key(TEST_KEY), logger: mockServices.logger.mock(), org: testOrg, permissions });
  const app = express();
  app.use(express.json());
  const deps = { mail, httpAuth: mockServices.httpAuth() };
  app.use('/api/mail', webmailRoutes(deps), knowledgeRoutes(deps), mailErrorHandler);
  return { mail, app };
}

const parser = new StreamingMessageParser();
let clock = Date.UTC(2026, 2, 1, 8, 0, 0);

/**
 * Stores a message as the sync does (raw, message, copy, cursor in one
 * transaction), parses it and indexes it for search. Returns the message id.
 */
export async function deliver(
  mail: MailServices,
  accountId: string,
  raw: Buffer,
  options: { folder?: string; specialUse?: string; flags?: string[]; at?: Date } = {},
): Promise<string> {
  const folder = await mail.messages.ensureFolder(accountId, options.folder ?? 'INBOX', options.specialUse ?? null);
  await mail.messages.setUidValidity(folder.id, '1');
  const cursor = await mail.messages.folder(folder.id);
  const uid = cursor.lastUid + 1;
  clock += 60_000;
  const toParse = await mail.messages.ingestBatch(cursor, '1', [{ uid, flags: options.flags ?? [], internalDate: options.at ?? new Date(clock), modseq: null, raw }], uid);
  for (const id of toParse) {
    const input = (await mail.messages.parseInput(id))!;
    await mail.messages.markParsed(id, await parser.parse(await mail.raw.get(input.rawRef)));
  }
  await webmailOf(mail).indexer.afterParsed(toParse);
  const copy = await mail.env.knex('mail_copies').where({ folder_id: folder.id, uid_validity: '1', uid }).first('message_id');
  return String(copy.message_id);
}

const crlf = (lines: Array<string | Buffer>) => Buffer.concat(lines.flatMap(l => [typeof l === 'string' ? Buffer.from(l, 'utf8') : l, Buffer.from('\r\n')]));
const b64 = (buf: Buffer) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
const word = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

export interface MailSpec {
  id: string;
  from: string;
  to: string;
  subject: string;
  text?: string;
  html?: string;
  inReplyTo?: string;
  /** inline images (multipart/related) and attachments, in this order */
  related?: Array<{ cid: string; contentType: string; content: Buffer }>;
  attachments?: Array<{ filename: string; contentType: string; content: Buffer }>;
}

/** A MIME message as mail clients write them: text and HTML alternatives, inline images, attachments (RFC 2231 names). */
export function mime(m: MailSpec): Buffer {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    'Date: Sun, 1 Mar 2026 16:00:00 +0800',
    `Message-ID: <${m.id}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`, `References: <${m.inReplyTo}>`] : []),
    `Subject: ${word(m.subject)}`,
    'MIME-Version: 1.0',
  ];
  const text = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(Buffer.from(m.text ?? '', 'utf8'))];
  const html = m.html !== undefined ? ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', b64(Buffer.from(m.html, 'utf8'))] : [];
  const alternative = html.length
    ? ['Content-Type: multipart/alternative; boundary="alt"', '', '--alt', ...text, '--alt', ...html, '--alt--']
    : text;
  const related = m.related?.length
    ? [
        'Content-Type: multipart/related; boundary="rel"',
        '',
        '--rel',
        ...alternative,
        ...m.related.flatMap(r => ['--rel', `Content-Type: ${r.contentType}`, `Content-ID: <${r.cid}>`, 'Content-Disposition: inline', 'Content-Transfer-Encoding: base64', '', b64(r.content)]),
        '--rel--',
      ]
    : alternative;
  const body = m.attachments?.length
    ? [
        'Content-Type: multipart/mixed; boundary="mix"',
        '',
        '--mix',
        ...related,
        ...m.attachments.flatMap(a => [
          '--mix',
          `Content-Type: ${a.contentType}`,
          `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
          'Content-Transfer-Encoding: base64',
          '',
          b64(a.content),
        ]),
        '--mix--',
      ]
    : related;
  return crlf([...head, ...body]);
}
