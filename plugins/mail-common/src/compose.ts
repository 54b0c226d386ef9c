import { z } from 'zod';
import type { MailAddress } from './types';

/*
 * Compose / send (写邮件、草稿、发件箱): the shapes the webmail UI and the
 * backend share. Zod messages are message keys (messages.ts).
 */

/** Per attachment and for all attachments of a draft together (forwarded ones included). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_SUBJECT_LENGTH = 500;
/** To + Cc + Bcc together */
export const MAX_RECIPIENTS = 100;
/** characters; the JSON body limit of the mail API (2 MB) must hold it in UTF-8 */
export const MAX_DRAFT_HTML_CHARS = 500_000;
export const MAX_FILENAME_LENGTH = 255;

export type DraftMode = 'new' | 'reply' | 'replyAll' | 'forward';
export const DRAFT_MODES: readonly DraftMode[] = ['new', 'reply', 'replyAll', 'forward'];

export interface DraftAttachment {
  id: string;
  filename: string;
  /** sniffed from the bytes (or the source message's part type for forwarded ones) */
  contentType: string;
  size: number;
  /** 'upload': bytes stored with the draft; 'forward': taken from the source message when sent */
  source: 'upload' | 'forward';
}

export interface Draft {
  id: string;
  accountId: string;
  mode: DraftMode;
  sourceMessageId: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  /** the body as edited (sanitized on save) */
  html: string;
  /** the CRM customer the mail is written for: its Message-ID names the record so replies route back */
  customerId: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: DraftAttachment[];
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/**
 * queued → sending → sent; failed (the server refused or was unreachable:
 * retry); uncertain (the connection broke after the message may have been
 * accepted: never re-sent automatically, the user confirms a resend).
 */
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

/** The copy in the account's Sent folder: appended over IMAP, left to the provider (Graph), or still to do. */
export type SentCopyStatus = 'pending' | 'appended' | 'skipped' | 'failed';

export interface OutboxItem {
  id: string;
  accountId: string;
  draftId: string | null;
  status: OutboxStatus;
  /** `<…@domain>`, fixed when the draft was sent: a resend carries the same one */
  messageIdHeader: string;
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  customerId: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  size: number;
  attempts: number;
  /** why the last attempt failed or is uncertain, in the caller's language, with the server's text */
  error: { key: string; message: string; detail: string | null } | null;
  /** recipients the server refused while accepting the others */
  rejected: string[];
  /** the stored logical message (webmail /messages/:id) once sent */
  messageId: string | null;
  sentCopy: SentCopyStatus;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

const addressPattern = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>\s]+)>\s*$/;

/** `a@b`, `张三 <a@b>` or `{ name?, address }` → `{ name, address }` (address lower-cased). */
function toAddress(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = addressPattern.exec(value);
    return m ? { name: (m[1] ?? '').trim(), address: m[2] } : { name: '', address: value.trim() };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { name?: unknown; address?: unknown };
    return { name: typeof v.name === 'string' ? v.name.trim() : '', address: typeof v.address === 'string' ? v.address.trim() : v.address };
  }
  return value;
}

export const mailAddressInputSchema = z.preprocess(
  toAddress,
  z.object({
    name: z.string().max(200, { error: 'tooLong' }),
    address: z.email({ error: 'invalidEmail' }).max(320, { error: 'tooLong' }).transform(a => a.toLowerCase()),
  }),
);

const addressList = z.array(mailAddressInputSchema, { error: 'invalidValue' }).max(MAX_RECIPIENTS, { error: 'tooManyRecipients' });

const draftFields = {
  to: addressList,
  cc: addressList,
  bcc: addressList,
  subject: z.string({ error: 'invalidValue' }).max(MAX_SUBJECT_LENGTH, { error: 'subjectTooLong' }).refine(s => !/[\r\n]/.test(s), { error: 'invalidValue' }),
  html: z.string({ error: 'invalidValue' }).max(MAX_DRAFT_HTML_CHARS, { error: 'bodyTooLong' }),
  customerId: z.uuid({ error: 'invalidValue' }).nullable(),
};

const uuid = z.uuid({ error: 'invalidValue' });

/**
 * A new draft. For reply/replyAll/forward the omitted fields are prefilled
 * from the source message (recipients, subject, quoted body, threading headers).
 */
export const draftCreateSchema = z
  .object({
    accountId: uuid,
    mode: z.enum(['new', 'reply', 'replyAll', 'forward'], { error: 'invalidValue' }).default('new'),
    sourceMessageId: uuid.optional(),
    to: draftFields.to.optional(),
    cc: draftFields.cc.optional(),
    bcc: draftFields.bcc.optional(),
    subject: draftFields.subject.optional(),
    html: draftFields.html.optional(),
    customerId: draftFields.customerId.optional(),
  })
  .refine(d => d.mode === 'new' || !!d.sourceMessageId, { error: 'sourceRequired', path: ['sourceMessageId'] });
export type DraftCreateInput = z.input<typeof draftCreateSchema>;

export const draftUpdateSchema = z.object({
  version: z.number({ error: 'required' }).int({ error: 'invalidValue' }),
  accountId: uuid.optional(),
  to: draftFields.to.optional(),
  cc: draftFields.cc.optional(),
  bcc: draftFields.bcc.optional(),
  subject: draftFields.subject.optional(),
  html: draftFields.html.optional(),
  customerId: draftFields.customerId.optional(),
});
export type DraftUpdateInput = z.input<typeof draftUpdateSchema>;

export const draftSendSchema = z.object({ version: z.number({ error: 'required' }).int({ error: 'invalidValue' }) });

/** A resend after an uncertain outcome must be confirmed: the recipients may have the mail already. */
export const outboxResendSchema = z.object({ confirm: z.literal(true, { error: 'confirmRequired' }) });
