import { z } from 'zod';
import type { MailAccountKind, MailAddress, MailProvider, ParseStatus } from './types';
import type { ThreadLink } from './routing';

/*
 * Webmail, read side: mailboxes and folders, threads, messages (sanitized
 * HTML), attachments, flags, remote images and mail saved as knowledge.
 * Times are ISO strings (UTC).
 */

/** IMAP special use (RFC 6154), or inferred from the usual folder names; the UI shows 收件箱, 已发送 … for these. */
export type MailSpecialUse = '\\Inbox' | '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export interface MailFolderView {
  id: string;
  path: string;
  /** the last segment of the path as the server names it */
  name: string;
  specialUse: MailSpecialUse | null;
  /** live messages in the folder */
  total: number;
  unread: number;
}

export interface MailboxView {
  accountId: string;
  displayName: string;
  email: string;
  kind: MailAccountKind;
  provider: MailProvider;
  /** the inbox first, then the other special folders, then the rest by path */
  folders: MailFolderView[];
}

export interface CustomerRef {
  id: string;
  name: string;
}

/**
 * One conversation in a list. A message not threaded yet (routing has not
 * run) is its own thread: its thread id is the message id, and
 * `GET /threads/:id` finds it under either id afterwards.
 */
export interface ThreadSummary {
  threadId: string;
  /** the first message's subject */
  subject: string | null;
  /** senders first, then recipients, each address once */
  participants: MailAddress[];
  lastAt: string;
  messageCount: number;
  /** messages of the thread no readable copy of which is marked seen */
  unread: number;
  hasAttachments: boolean;
  snippet: string | null;
  latestMessageId: string;
  /** customers the thread is linked to (routing) */
  customers: CustomerRef[];
}

export interface MessageAttachmentView {
  /** the part's position among the message's attachments: the download's address */
  index: number;
  filename: string | null;
  /** as the sender declared it; the download's type is sniffed from the bytes */
  contentType: string;
  size: number;
  inline: boolean;
  contentId: string | null;
  /** path under the backend's base URL (`/api/mail/messages/…/attachments/n`) */
  url: string;
}

export interface MessageView {
  id: string;
  messageIdHeader: string | null;
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  receivedAt: string;
  text: string | null;
  /**
   * Sanitized for a sandboxed frame: no scripts, handlers, forms, frames or
   * dangerous URLs. Remote images are replaced by a placeholder unless
   * allowed; `cid:` images point at the attachment URL and carry
   * `data-attachment-index` (fetch them with the user's token).
   */
  html: string | null;
  /** how many remote images (img, srcset, CSS url()) were replaced */
  remoteImagesBlocked: number;
  /** the sender is on the caller's remote-image list */
  senderAllowed: boolean;
  attachments: MessageAttachmentView[];
  /** the union of the flags of the caller's readable copies */
  flags: string[];
  seen: boolean;
  flagged: boolean;
  /** the caller's mailboxes holding a live copy */
  accountIds: string[];
  /** the thread (the message id while not threaded yet) */
  threadId: string;
  parseStatus: ParseStatus;
  parseError: string | null;
}

export interface ThreadView {
  threadId: string;
  subject: string | null;
  /** oldest first */
  messages: MessageView[];
  links: ThreadLink[];
}

export interface RemoteImageSender {
  address: string;
  createdAt: string;
}

export interface KnowledgeAttachment {
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  url: string;
}

/** 转为知识: a mail kept as a stored item (with its attachments) until the knowledge base exists. */
export interface KnowledgeItemSummary {
  id: string;
  title: string;
  note: string | null;
  messageId: string | null;
  subject: string | null;
  from: MailAddress[];
  receivedAt: string | null;
  attachments: KnowledgeAttachment[];
  createdBy: string;
  createdAt: string;
}

export interface KnowledgeItem extends KnowledgeItemSummary {
  to: MailAddress[];
  cc: MailAddress[];
  text: string | null;
  /** sanitized like MessageView.html; remote images blocked unless the sender is allowed */
  html: string | null;
  remoteImagesBlocked: number;
}

const uuid = z.uuid({ error: 'invalidValue' });
const page = {
  page: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(0, { error: 'invalidValue' }).max(100_000, { error: 'invalidValue' }).default(0),
  pageSize: z.coerce.number({ error: 'invalidValue' }).int({ error: 'invalidValue' }).min(1, { error: 'invalidValue' }).max(200, { error: 'invalidValue' }).default(50),
};
const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])], { error: 'invalidValue' }).transform(v => v === true || v === 'true' || v === '1');

export const threadQuerySchema = z.object({
  accountId: uuid.optional(),
  folderId: uuid.optional(),
  q: z.string().trim().max(200, { error: 'tooLong' }).optional(),
  unread: flag.optional(),
  ...page,
});
export type ThreadQuery = z.input<typeof threadQuerySchema>;

export const messageFlagsInputSchema = z
  .object({
    seen: z.boolean({ error: 'invalidValue' }).optional(),
    flagged: z.boolean({ error: 'invalidValue' }).optional(),
    /** only this mailbox's copies; all the caller's readable copies by default */
    accountId: uuid.optional(),
  })
  .refine(v => v.seen !== undefined || v.flagged !== undefined, { error: 'required', path: ['seen'] });
export type MessageFlagsInput = z.input<typeof messageFlagsInputSchema>;

export const remoteImageSenderInputSchema = z.object({
  address: z.email({ error: 'invalidEmail' }).max(320, { error: 'tooLong' }),
});

export const knowledgeCreateSchema = z.object({
  title: z.string().trim().min(1, { error: 'required' }).max(300, { error: 'tooLong' }).optional(),
  note: z.string().trim().max(5000, { error: 'tooLong' }).optional(),
});
export type KnowledgeCreateInput = z.input<typeof knowledgeCreateSchema>;

export const knowledgeQuerySchema = z.object({
  q: z.string().trim().max(200, { error: 'tooLong' }).optional(),
  ...page,
});

/**
 * The Content-Security-Policy for the frame that shows a message's HTML
 * (`<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc>`,
 * as a `<meta http-equiv>` inside the document): no scripts, no forms, no
 * plugins, styles inline only; images from data:/blob: (cid images fetched
 * with the user's token) and, once the user allows them, from the web.
 */
export function mailFrameCsp(options: { remoteImages: boolean }): string {
  const img = options.remoteImages ? "img-src data: blob: https: http:" : 'img-src data: blob:';
  return [
    "default-src 'none'",
    img,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "script-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
