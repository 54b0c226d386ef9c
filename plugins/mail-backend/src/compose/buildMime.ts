import { randomUUID } from 'crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailAddress } from '@cocrm/plugin-mail-common';
import { recordMessageId } from '@cocrm/plugin-mail-common';
import { htmlToText } from './html';

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingMessage {
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  html: string;
  inReplyTo: string | null;
  references: string[];
  attachments: OutgoingAttachment[];
  messageIdHeader: string;
  date: Date;
}

/** The domain part of the sending address: Message-IDs are minted under it. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).trim().toLowerCase() || 'localhost';
}

/**
 * The Message-ID of a mail, fixed before it is built: one that names the
 * customer when the mail is written for one (replies then route back even
 * from unknown addresses), else a random one.
 */
export function newMessageId(fromAddress: string, customerId: string | null): string {
  const domain = domainOf(fromAddress);
  return customerId ? recordMessageId({ type: 'customer', id: customerId }, domain) : `<${randomUUID()}@${domain}>`;
}

const asMailbox = (a: MailAddress) => ({ name: a.name ?? '', address: a.address });

/**
 * Builds the MIME once with nodemailer's MailComposer. The bytes returned are
 * the message: sent, stored and appended to the Sent folder unchanged, so
 * every copy has the same Message-ID and content. Bcc is not written (it is
 * only in the envelope). Non-ASCII file names are encoded per RFC 2231.
 */
export async function buildMime(message: OutgoingMessage): Promise<Buffer> {
  const composer = new MailComposer({
    from: asMailbox(message.from),
    to: message.to.map(asMailbox),
    cc: message.cc.length ? message.cc.map(asMailbox) : undefined,
    subject: message.subject,
    messageId: message.messageIdHeader,
    date: message.date,
    inReplyTo: message.inReplyTo ?? undefined,
    references: message.references.length ? message.references : undefined,
    text: htmlToText(message.html),
    html: message.html,
    attachments: message.attachments.map(a => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    // never read local files or URLs named in content
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'win',
  });
  return composer.compile().build();
}
