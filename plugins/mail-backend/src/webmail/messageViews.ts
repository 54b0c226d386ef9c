import { toIso } from '@cocrm/plugin-access-node';
import type { MailAddress, MailAttachmentMeta, MessageAttachmentView, MessageView, ParseStatus } from '@cocrm/plugin-mail-common';
import { sanitizeMailHtml } from '../sanitize/mailHtml';
import { FLAGGED, SEEN, hasFlag, parseFlags } from './flagsJson';

/** The columns a message view is built from. */
export const MESSAGE_COLUMNS = [
  'm.id',
  'm.message_id_header',
  'm.subject',
  'm.from_json',
  'm.to_json',
  'm.cc_json',
  'm.reply_to_json',
  'm.received_at',
  'm.text_body',
  'm.html_body',
  'm.attachments_json',
  'm.thread_id',
  'm.parse_status',
  'm.parse_error',
];

export interface MessageRow {
  id: string;
  message_id_header: string | null;
  subject: string | null;
  from_json: string | null;
  to_json: string | null;
  cc_json: string | null;
  reply_to_json: string | null;
  received_at: unknown;
  text_body: string | null;
  html_body: string | null;
  attachments_json: string | null;
  thread_id: string | null;
  parse_status: ParseStatus;
  parse_error: string | null;
}

export interface CopyRow {
  message_id: string;
  account_id: string;
  flags: string;
}

export function jsonList<T>(value: unknown): T[] {
  if (typeof value !== 'string') return [];
  try {
    const v = JSON.parse(value);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/** Where an attachment is served, under the backend's base URL (plugins mount at /api/<pluginId>). */
export const attachmentUrl = (messageId: string, index: number) => `/api/mail/messages/${messageId}/attachments/${index}`;

export function attachmentViews(messageId: string, json: unknown, urlOf: (messageId: string, index: number) => string = attachmentUrl): MessageAttachmentView[] {
  return jsonList<MailAttachmentMeta>(json).map((a, index) => ({
    index,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    inline: a.inline,
    contentId: a.contentId,
    url: urlOf(messageId, index),
  }));
}

/** A picture embedded for the text (logo, signature) rather than a file the sender attached. */
export function isEmbedded(a: { inline: boolean; contentId: string | null; contentType: string }): boolean {
  return a.inline || (!!a.contentId && a.contentType.toLowerCase().startsWith('image/'));
}

/**
 * The message as the caller sees it: flags of their readable copies, the
 * HTML sanitized (remote images blocked unless the sender is allowed or the
 * caller asked to show them once).
 */
export function toMessageView(
  row: MessageRow,
  copies: CopyRow[],
  // routed mail read through a customer serves its attachments under that customer's route
  options: { allowedSenders: Set<string>; showRemoteImages: boolean; attachmentUrl?: (messageId: string, index: number) => string },
): MessageView {
  const from = jsonList<MailAddress>(row.from_json);
  const senderAllowed = from.some(a => options.allowedSenders.has(a.address.toLowerCase()));
  const attachments = attachmentViews(row.id, row.attachments_json, options.attachmentUrl);
  const sanitized = row.html_body
    ? sanitizeMailHtml(row.html_body, { remoteImages: senderAllowed || options.showRemoteImages, attachments })
    : undefined;
  const flags = [...new Set(copies.flatMap(c => parseFlags(c.flags)))].sort();
  return {
    id: row.id,
    messageIdHeader: row.message_id_header,
    subject: row.subject,
    from,
    to: jsonList(row.to_json),
    cc: jsonList(row.cc_json),
    replyTo: jsonList(row.reply_to_json),
    receivedAt: toIso(row.received_at),
    text: row.text_body,
    html: sanitized?.html ?? null,
    remoteImagesBlocked: sanitized?.remoteImagesBlocked ?? 0,
    senderAllowed,
    attachments,
    flags,
    seen: hasFlag(flags, SEEN),
    flagged: hasFlag(flags, FLAGGED),
    accountIds: [...new Set(copies.map(c => c.account_id))].sort(),
    threadId: row.thread_id ?? row.id,
    parseStatus: row.parse_status,
    parseError: row.parse_error,
  };
}
