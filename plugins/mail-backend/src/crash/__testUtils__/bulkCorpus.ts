import { corpus } from '../../__testUtils__/corpus';
import type { MaildirMessage } from './maildir';

/*
 * Mailboxes of thousands of messages for the crash test and the ingest
 * benchmark. Everything derives from the message number, so a run is
 * reproducible: mostly ordinary Chinese business mail (multipart text + HTML,
 * some with attachments), with the corpus's Chinese-charset and malformed
 * messages mixed in under unique Message-IDs, messages without a Message-ID,
 * and header bombs that the parser rejects (a genuine parse failure).
 */

const crlf = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
const b64 = (buf: Buffer) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
const word = (text: string) => `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

const COMPANIES = ['华信科技', '东方电子', '远航物流', '恒通机械', '鼎盛医疗器械', '镕铭建设', '臺灣精密', '新宇软件'];
const TOPICS = ['订单确认', '报价单', '合同续签', '发票寄送', '交货时间', '付款安排', '技术支持', '样品测试'];
const PARAGRAPH =
  '您好，关于本季度的采购计划，我们已经整理了最新的需求清单，请查收并确认交货时间与付款方式。如有疑问请随时联系。' +
  'Please find the updated requirements attached; let us know if the schedule works for you. ';

/** The corpus messages that exercise charset repair and broken MIME, given unique Message-IDs below. */
const SPECIALS: Array<() => Buffer> = [
  corpus.gb2312,
  corpus.gbk,
  corpus.big5,
  corpus.rawGbkHeader,
  corpus.noCharsetGbk,
  corpus.noCharsetUtf8,
  corpus.malformedMultipart,
  corpus.invalidDate,
  corpus.withAttachment,
  corpus.colleagues,
];

/** Replaces the Message-ID byte-exactly (latin1 keeps raw 8-bit header bytes as they are). */
function withMessageId(raw: Buffer, id: string): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/^Message-ID: <[^>]*>/im, `Message-ID: <${id}>`), 'latin1');
}

export interface BulkOptions {
  /** paragraphs of body text (each ~250 bytes of UTF-8) for message n */
  paragraphs?: (n: number) => number;
  /** bytes of a PDF-like attachment for message n, 0 for none */
  attachmentBytes?: (n: number) => number;
}

export type BulkKind = 'regular' | 'special' | 'noMessageId' | 'headerBomb';

/** What message n is: the mix is fixed by the number. */
export function bulkKind(n: number): BulkKind {
  if (n % 480 === 241) return 'headerBomb';
  if (n % 500 === 77) return 'noMessageId';
  if (n % 100 === 13) return 'special';
  return 'regular';
}

/** Over 1 MiB of header cost (mailparser counts ≥ 64 bytes a line): the parser refuses it, as it should a header bomb. */
function headerBomb(n: number): Buffer {
  const trace = Array.from({ length: 17_000 }, (_, i) => `X-Trace: ${i}`);
  return crlf([
    'From: Spam <bulk@spam.example>',
    'To: Alice <alice@corp.example>',
    'Date: Mon, 2 Mar 2026 10:00:00 +0800',
    `Message-ID: <bomb-${n}@spam.example>`,
    `Subject: header bomb ${n}`,
    ...trace,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'never parsed',
  ]);
}

function regular(n: number, options: BulkOptions): Buffer {
  const company = COMPANIES[n % COMPANIES.length];
  const topic = TOPICS[(n >> 3) % TOPICS.length];
  const paragraphs = options.paragraphs?.(n) ?? 1 + (n % 4);
  const text = Array.from({ length: paragraphs }, (_, i) => `${i + 1}. ${PARAGRAPH}`).join('\r\n\r\n');
  const html = `<div><p>${text.replace(/\r\n\r\n/g, '</p><p>')}</p><p>${company} 采购部</p></div>`;
  const attachment = options.attachmentBytes?.(n) ?? 0;
  const day = 1 + (n % 28);
  const head = [
    `From: ${word(`${company} 采购部`)} <buyer${n % 300}@customer${n % 40}.example>`,
    'To: Alice <alice@corp.example>',
    ...(n % 7 === 0 ? ['Cc: Bob <bob@corp.example>'] : []),
    `Date: ${day < 10 ? '0' : ''}${day} Feb 2026 09:${String(n % 60).padStart(2, '0')}:00 +0800`,
    `Message-ID: <bulk-${n}@customer${n % 40}.example>`,
    ...(n % 5 === 1 ? [`In-Reply-To: <bulk-${n - 1}@customer${(n - 1) % 40}.example>`] : []),
    `Subject: ${word(`${topic}（${company}）#${n}`)}`,
    'MIME-Version: 1.0',
  ];
  const alternative = [
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.from(text, 'utf8')),
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.from(html, 'utf8')),
    '--alt--',
  ];
  if (!attachment) return crlf([...head, 'Content-Type: multipart/alternative; boundary="alt"', '', ...alternative]);
  return crlf([
    ...head,
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    ...alternative,
    '--mix',
    `Content-Type: application/pdf; name="${n}.pdf"`,
    `Content-Disposition: attachment; filename="${n}.pdf"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.alloc(attachment, n % 251)),
    '--mix--',
  ]);
}

/** Message n of the mix, always with a Message-ID unique to n unless it is a `noMessageId` one. */
export function bulkMessage(n: number, options: BulkOptions = {}): Buffer {
  switch (bulkKind(n)) {
    case 'headerBomb':
      return headerBomb(n);
    case 'noMessageId':
      return corpus.noMessageId(`没有 Message-ID #${n}`);
    case 'special':
      return withMessageId(SPECIALS[Math.floor(n / 100) % SPECIALS.length](), `special-${n}@customer.example`);
    default:
      return regular(n, options);
  }
}

/** Mail with a 100 MB attachment (the memory benchmark). */
export function bigAttachmentMessage(bytes = 100 * 1024 * 1024): Buffer {
  const content = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4096) content.writeUInt32BE(i, i);
  return Buffer.concat([
    crlf([
      'From: Customer <buyer@customer.example>',
      'To: Alice <alice@corp.example>',
      'Date: Sun, 1 Mar 2026 16:00:00 +0800',
      'Message-ID: <big-attachment@customer.example>',
      `Subject: ${word('设计图纸（100 MB）')}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="big"',
      '',
      '--big',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '图纸见附件。',
      '--big',
      'Content-Type: application/octet-stream; name="drawings.bin"',
      'Content-Disposition: attachment; filename="drawings.bin"',
      'Content-Transfer-Encoding: base64',
      '',
    ]),
    Buffer.from(b64(content), 'latin1'),
    Buffer.from('\r\n--big--\r\n'),
  ]);
}

export interface CrashMailbox {
  inbox: MaildirMessage[];
  archive: MaildirMessage[];
  /** message numbers whose parse must fail (header bombs) */
  headerBombs: number[];
}

/**
 * 10,000 copies on the server by default: INBOX 90 %, Archive 10 %, where the
 * Archive holds 60 % new mail, 30 % byte-identical copies of INBOX mail (a
 * copy filed away) and 10 % the same Message-ID with other bytes (as a copy
 * delivered to a second address gets its own Received header).
 */
export function crashMailbox(total = 10_000): CrashMailbox {
  const inboxCount = Math.round(total * 0.9);
  const archiveCount = total - inboxCount;
  const date = (n: number) => new Date(Date.UTC(2026, 1, 1, 0, 0, 0) + n * 60_000);
  const inbox: MaildirMessage[] = Array.from({ length: inboxCount }, (_, n) => ({
    raw: bulkMessage(n),
    flags: n % 3 === 0 ? ['\\Seen'] : [],
    date: date(n),
  }));
  const archive: MaildirMessage[] = [];
  const fresh = Math.round(archiveCount * 0.6);
  const identical = Math.round(archiveCount * 0.3);
  for (let i = 0; i < archiveCount; i++) {
    if (i < fresh) {
      const n = inboxCount + i;
      archive.push({ raw: bulkMessage(n), flags: ['\\Seen'], date: date(n) });
    } else if (i < fresh + identical) {
      const source = inbox[((i - fresh) * 29) % inboxCount];
      archive.push({ raw: source.raw, flags: ['\\Seen', '\\Flagged'], date: source.date });
    } else {
      const source = inbox[((i - fresh - identical) * 83 + 5) % inboxCount];
      archive.push({ raw: Buffer.concat([Buffer.from('Received: from mx2.corp.example by archive; Mon, 2 Mar 2026 10:00:00 +0800\r\n'), source.raw]), date: source.date });
    }
  }
  const headerBombs = Array.from({ length: inboxCount + fresh }, (_, n) => n).filter(n => bulkKind(n) === 'headerBomb');
  return { inbox, archive, headerBombs };
}
