import type { Knex } from 'knex';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { toIso } from '@cocrm/plugin-access-node';
import type { MailAddress, MailAttachmentMeta, RoutedThreadMessage, RoutedThreadView as RoutedThread } from '@cocrm/plugin-mail-common';
import { MailError } from '../errors';
import type { MailboxAccess } from '../service/MailboxAccess';
import { CopyRow, MESSAGE_COLUMNS, MessageRow, jsonList, toMessageView } from '../webmail/messageViews';
import type { RemoteImageSenders } from '../webmail/RemoteImageSenders';
import type { CustomerVisibility } from './CustomerVisibility';
import type { RoutedMail } from './RoutedMail';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a message's attachment is served to those who see it through the customer. */
export const routedAttachmentUrl = (customerId: string) => (messageId: string, index: number) =>
  `/api/mail/routed/customers/${customerId}/messages/${messageId}/attachments/${index}`;

/** A message of the thread and how the caller sees it. */
interface Visible {
  row: MessageRow;
  visibility: 'full' | 'subject';
}

/**
 * A routed thread opened from a customer's timeline or a contact's mail, by
 * colleagues who may not read the mailbox: the same two gates as the
 * timeline (RoutedMail) — the caller may see the customer and the thread is
 * linked to it; per message, a mailbox the caller reads or one that shares
 * everything shows it like the webmail does (sanitized HTML, attachments),
 * one that shares subjects shows who wrote to whom when about what, one that
 * shares nothing leaves it out. Read-only: flags and replies belong to those
 * who read the mailbox.
 */
export class RoutedThreadView {
  constructor(
    private readonly deps: {
      knex: Knex;
      access: Pick<MailboxAccess, 'readableAccountIds'>;
      customers: CustomerVisibility;
      routed: Pick<RoutedMail, 'visibilityOf'>;
      senders: Pick<RemoteImageSenders, 'allowed'>;
    },
  ) {}

  async thread(credentials: BackstageCredentials, customerId: string, threadId: string, options: { showRemoteImages: boolean }): Promise<RoutedThread> {
    if (!UUID.test(customerId) || !UUID.test(threadId)) throw new MailError(404, 'threadNotFound');
    const customerName = await this.linkedCustomer(credentials, customerId, threadId);
    if (customerName === undefined) throw new MailError(404, 'threadNotFound');
    const readable = await this.deps.access.readableAccountIds(credentials);
    const rows: MessageRow[] = await this.routedMessages()
      .where('m.thread_id', threadId)
      .orderBy([{ column: 'm.received_at', order: 'asc' }, { column: 'm.id', order: 'asc' }])
      .select(MESSAGE_COLUMNS);
    const visible = await this.visible(rows, readable);
    if (!visible.length) throw new MailError(404, 'threadNotFound');
    const messages = await this.views(credentials, customerId, visible, readable, options.showRemoteImages);
    return {
      threadId,
      subject: messages.find(m => m.subject !== null)?.subject ?? null,
      customer: { id: customerId, name: customerName },
      messages,
    };
  }

  /** The stored raw and the attachment's metadata, when the caller sees the message in full through the customer. */
  async attachment(credentials: BackstageCredentials, customerId: string, messageId: string, index: number): Promise<{ rawRef: string; meta: MailAttachmentMeta }> {
    if (!UUID.test(customerId) || !UUID.test(messageId)) throw new MailError(404, 'messageNotFound');
    const row: { thread_id: string | null; raw_ref: string; attachments_json: string | null } | undefined = await this.routedMessages()
      .where('m.id', messageId)
      .first('m.thread_id', 'm.raw_ref', 'm.attachments_json');
    if (!row?.thread_id || (await this.linkedCustomer(credentials, customerId, row.thread_id)) === undefined) throw new MailError(404, 'messageNotFound');
    const seen = await this.deps.routed.visibilityOf([messageId], await this.deps.access.readableAccountIds(credentials));
    // a subject shared is no licence for the files
    if (seen.get(messageId)?.visibility !== 'full') throw new MailError(404, 'messageNotFound');
    const meta = jsonList<MailAttachmentMeta>(row.attachments_json)[index];
    if (!meta) throw new MailError(404, 'attachmentNotFound');
    return { rawRef: row.raw_ref, meta };
  }

  /** Mail with the outside world, as the timeline lists it: colleagues' mail among themselves is never routed to a customer. */
  private routedMessages(): Knex.QueryBuilder {
    return this.deps.knex('mail_messages as m').whereIn('m.direction', ['in', 'out']);
  }

  /** The customer's name as routing recorded it when the caller may see the customer and the thread is linked to it; else undefined. */
  private async linkedCustomer(credentials: BackstageCredentials, customerId: string, threadId: string): Promise<string | undefined> {
    if (!(await this.deps.customers.maySee(credentials, customerId))) return undefined;
    const link: { customer_name: string | null } | undefined = await this.deps
      .knex('mail_links')
      .where({ thread_id: threadId, customer_id: customerId, state: 'linked' })
      .first('customer_name');
    return link ? link.customer_name ?? '' : undefined;
  }

  private async visible(rows: MessageRow[], readable: string[]): Promise<Visible[]> {
    const seen = await this.deps.routed.visibilityOf(
      rows.map(r => r.id),
      readable,
    );
    return rows.flatMap(row => {
      const s = seen.get(row.id);
      return s ? [{ row, visibility: s.visibility }] : [];
    });
  }

  private async views(credentials: BackstageCredentials, customerId: string, visible: Visible[], readable: string[], showRemoteImages: boolean): Promise<RoutedThreadMessage[]> {
    const full = visible.filter(v => v.visibility === 'full').map(v => v.row);
    // flags and mailboxes only of the caller's own readable copies: another's mailbox stays theirs
    const copies: CopyRow[] =
      full.length && readable.length
        ? await this.deps
            .knex('mail_copies')
            .whereIn(
              'message_id',
              full.map(r => r.id),
            )
            .whereIn('account_id', readable)
            .whereNull('deleted_at')
            .orderBy('created_at')
            .select('message_id', 'account_id', 'flags')
        : [];
    const principal = credentials.principal as { userEntityRef?: string };
    const allowedSenders = await this.deps.senders.allowed(
      principal.userEntityRef ?? '',
      full.flatMap(r => jsonList<MailAddress>(r.from_json).map(a => a.address)),
    );
    const attachmentUrl = routedAttachmentUrl(customerId);
    return visible.map(({ row, visibility }): RoutedThreadMessage => {
      if (visibility === 'full') {
        const view = toMessageView(
          row,
          copies.filter(c => c.message_id === row.id),
          { allowedSenders, showRemoteImages, attachmentUrl },
        );
        return { ...view, visibility };
      }
      return {
        id: row.id,
        visibility,
        subject: row.subject,
        from: jsonList<MailAddress>(row.from_json),
        to: jsonList<MailAddress>(row.to_json),
        receivedAt: toIso(row.received_at),
      };
    });
  }
}
