import path from 'path';
import type { Knex } from 'knex';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { AccessLocale, Page } from '@cocrm/plugin-access-common';
import { toIso } from '@cocrm/plugin-access-node';
import {
  MAX_ATTACHMENT_BYTES,
  MAX_FILENAME_LENGTH,
  MAX_RECIPIENTS,
  draftCreateSchema,
  draftUpdateSchema,
} from '@cocrm/plugin-mail-common';
import type { Draft, DraftAttachment, MailAddress, MailAttachmentMeta, OutboxItem, ThreadLink } from '@cocrm/plugin-mail-common';
import type { RawStore } from '../database/RawStore';
import { MailError } from '../errors';
import { rawRef } from '../mime/messageKey';
import type { MailboxAccess } from '../service/MailboxAccess';
import { buildMime, newMessageId } from './buildMime';
import type { OutgoingAttachment } from './buildMime';
import type { DraftStore, StoredAttachment } from './DraftStore';
import { sanitizeDraftHtml } from './html';
import type { OutboxService } from './OutboxService';
import type { OutboxStore } from './OutboxStore';
import { prefill, soleLinkedCustomer } from './prefill';
import type { SourceMessage } from './prefill';
import type { SendingAccounts } from './SendingAccounts';
// the suite's one sniffer (the CRM's rules), shared with the webmail's downloads
import { sniffContentType } from '@cocrm/plugin-access-node';
import { readSourceAttachments } from './sourceAttachments';

/** Who may send from and read which mailbox (MailboxAccess): all compose needs of it. */
export type ComposeAccess = Pick<MailboxAccess, 'assertCanSend' | 'readableAccountIds'>;

/** Whether the caller may see a CRM customer (CustomerVisibility): a mail can only name a record its writer sees. */
export interface ComposeCustomers {
  maySee(credentials: BackstageCredentials, customerId: string): Promise<boolean>;
}

/** A thread's customer links as the caller sees them (routing's ThreadLinks.linksOf): where a reply's customer comes from. */
export interface ComposeThreads {
  linksOf(credentials: BackstageCredentials, threadIds: string[]): Promise<Map<string, ThreadLink[]>>;
}

/** The caller of a compose operation. */
export interface ComposeCaller {
  credentials: BackstageCredentials;
  actor: string;
  locale: AccessLocale;
}

const parseJson = <T>(v: unknown, fallback: T): T => {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
};

/** A file name as given by the browser, reduced to a safe base name. */
export function cleanFilename(raw: string | undefined): string {
  const base = path.posix.basename(path.win32.basename(raw ?? ''));
  // control characters would break MIME headers; the rest (Chinese included) is fine
  return [...base]
    .filter(ch => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, MAX_FILENAME_LENGTH);
}

/**
 * Drafts (草稿): create (prefilled for reply / reply-all / forward), edit with
 * optimistic locking, attachments, and sending — which turns the draft into
 * an outbox row in one transaction with the MIME built once. Only the
 * creator ever sees a draft; sending needs the right to send from its mailbox.
 */
export class DraftService {
  constructor(
    private readonly deps: {
      knex: Knex;
      drafts: DraftStore;
      outboxStore: OutboxStore;
      outbox: OutboxService;
      accounts: SendingAccounts;
      access: ComposeAccess;
      customers: ComposeCustomers;
      /** without it (no routing) a reply names no customer unless the caller gives one */
      threads?: ComposeThreads;
      raw: RawStore;
    },
  ) {}

  list(c: ComposeCaller, request: { page: number; pageSize: number }): Promise<Page<Draft>> {
    return this.deps.drafts.list(c.actor, request);
  }

  async get(c: ComposeCaller, id: string): Promise<Draft> {
    const draft = await this.deps.drafts.get(id, c.actor);
    if (!draft) throw new MailError(404, 'draftNotFound');
    return draft;
  }

  async create(c: ComposeCaller, input: unknown): Promise<Draft> {
    const parsed = draftCreateSchema.safeParse(input);
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    const d = parsed.data;
    await this.deps.access.assertCanSend(c.credentials, d.accountId);
    const account = await this.deps.accounts.get(d.accountId);
    if (!account) throw new MailError(404, 'accountNotFound');
    this.checkRecipientCount(d.to ?? [], d.cc ?? [], d.bcc ?? []);
    if (d.customerId) await this.checkCustomer(c, d.customerId);

    let fill: ReturnType<typeof prefill> | undefined;
    let source: SourceMessage | undefined;
    if (d.mode !== 'new') {
      source = await this.readableSource(c, d.sourceMessageId!);
      fill = prefill(d.mode, source, account.ownAddresses, c.locale);
    }
    // undefined = not given: take the source thread's customer; null = the caller wants none
    const customerId = d.customerId !== undefined ? d.customerId : await this.threadCustomer(c, source);
    const forwarded = (fill?.forwardAttachments ?? []).map(index => {
      const meta = source!.attachments[index];
      return { index, filename: meta.filename || `attachment-${index + 1}`, contentType: meta.contentType, size: meta.size };
    });
    if (forwarded.some(f => f.size > MAX_ATTACHMENT_BYTES) || forwarded.reduce((n, f) => n + f.size, 0) > MAX_ATTACHMENT_BYTES) {
      throw new MailError(413, 'attachmentTooLarge');
    }
    return this.deps.drafts.create(
      {
        accountId: d.accountId,
        mode: d.mode,
        sourceMessageId: source?.id ?? null,
        to: d.to ?? fill?.to ?? [],
        cc: d.cc ?? fill?.cc ?? [],
        bcc: d.bcc ?? [],
        subject: d.subject ?? fill?.subject ?? '',
        html: sanitizeDraftHtml(d.html ?? fill?.html ?? ''),
        customerId,
        inReplyTo: fill?.inReplyTo ?? null,
        references: fill?.references ?? [],
        forwarded,
      },
      c.actor,
    );
  }

  async update(c: ComposeCaller, id: string, input: unknown): Promise<Draft> {
    const parsed = draftUpdateSchema.safeParse(input);
    if (!parsed.success) throw MailError.validation(parsed.error.issues);
    const { version, ...patch } = parsed.data;
    const current = await this.get(c, id);
    if (patch.accountId && patch.accountId !== current.accountId) await this.deps.access.assertCanSend(c.credentials, patch.accountId);
    this.checkRecipientCount(patch.to ?? current.to, patch.cc ?? current.cc, patch.bcc ?? current.bcc);
    if (patch.customerId && patch.customerId !== current.customerId) await this.checkCustomer(c, patch.customerId);
    const ok = await this.deps.drafts.update(id, c.actor, version, { ...patch, ...(patch.html !== undefined ? { html: sanitizeDraftHtml(patch.html) } : {}) }, c.actor);
    if (!ok) throw new MailError(409, 'staleDraft');
    return this.get(c, id);
  }

  async remove(c: ComposeCaller, id: string, version: number): Promise<void> {
    await this.get(c, id);
    if (!(await this.deps.drafts.remove(id, c.actor, version, c.actor))) throw new MailError(409, 'staleDraft');
  }

  async addAttachment(c: ComposeCaller, id: string, filename: string, content: Buffer): Promise<DraftAttachment> {
    const name = cleanFilename(filename);
    if (!name) throw new MailError(400, 'validationFailed', {}, [{ path: 'filename', key: 'filenameRequired' }]);
    if (content.length > MAX_ATTACHMENT_BYTES) throw new MailError(413, 'attachmentTooLarge');
    const added = await this.deps.drafts.addUpload(id, c.actor, { filename: name, contentType: sniffContentType(content, name), content }, MAX_ATTACHMENT_BYTES);
    if (!added) throw new MailError(404, 'draftNotFound');
    if ('tooLarge' in added) throw new MailError(413, 'attachmentTooLarge');
    return added.attachment;
  }

  /** Bytes already attached to a live draft of the caller: what an upload may still add. */
  async remainingAttachmentBytes(c: ComposeCaller, id: string): Promise<number> {
    const draft = await this.get(c, id);
    return Math.max(0, MAX_ATTACHMENT_BYTES - draft.attachments.reduce((n, a) => n + a.size, 0));
  }

  async removeAttachment(c: ComposeCaller, id: string, attachmentId: string): Promise<void> {
    const result = await this.deps.drafts.removeAttachment(id, c.actor, attachmentId);
    if (result === undefined) throw new MailError(404, 'draftNotFound');
    if (!result) throw new MailError(404, 'attachmentNotFound');
  }

  /**
   * Send: validate, build the MIME once (Message-ID fixed now), then in one
   * transaction consume the draft at the caller's version, store the raw and
   * queue the outbox row. Delivery starts right after the commit.
   */
  async send(c: ComposeCaller, id: string, version: number): Promise<OutboxItem> {
    const draft = await this.get(c, id);
    if (draft.version !== version) throw new MailError(409, 'staleDraft');
    await this.deps.access.assertCanSend(c.credentials, draft.accountId);
    const account = await this.deps.accounts.get(draft.accountId);
    if (!account) throw new MailError(404, 'accountNotFound');
    if (!draft.to.length && !draft.cc.length && !draft.bcc.length) {
      throw new MailError(400, 'validationFailed', {}, [{ path: 'to', key: 'recipientRequired' }]);
    }
    this.checkRecipientCount(draft.to, draft.cc, draft.bcc);

    const stored = await this.deps.drafts.attachments(id);
    const attachments = await this.attachmentBytes(stored);
    if (attachments.reduce((n, a) => n + a.content.length, 0) > MAX_ATTACHMENT_BYTES) throw new MailError(413, 'attachmentTooLarge');
    const from: MailAddress = { name: account.displayName, address: account.email.trim().toLowerCase() };
    const messageIdHeader = newMessageId(from.address, draft.customerId);
    const mime = await buildMime({
      from,
      to: draft.to,
      cc: draft.cc,
      subject: draft.subject,
      html: draft.html,
      inReplyTo: draft.inReplyTo,
      references: draft.references,
      attachments,
      messageIdHeader,
      date: new Date(),
    });
    const ref = rawRef(mime);
    const recipients = [...new Set([...draft.to, ...draft.cc, ...draft.bcc].map(a => a.address))];

    const outboxId = await this.deps.knex.transaction(async trx => {
      // an attachment added or removed while we built the MIME would be silently lost or sent: refuse instead
      const now = (await this.deps.drafts.attachments(id, trx)).map(a => a.id).sort();
      if (now.join() !== stored.map(a => a.id).sort().join()) throw new MailError(409, 'staleDraft');
      await this.deps.raw.put(trx, ref, mime);
      const newId = await this.deps.outboxStore.insert(trx, {
        accountId: draft.accountId,
        draftId: draft.id,
        createdBy: c.actor,
        messageIdHeader,
        rawRef: ref,
        size: mime.length,
        subject: draft.subject,
        from,
        to: draft.to,
        cc: draft.cc,
        bcc: draft.bcc,
        envelope: { from: from.address, to: recipients },
        customerId: draft.customerId,
        attachments: attachments.map(a => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })),
      });
      if (!(await this.deps.drafts.retire(trx, id, c.actor, version, c.actor, newId))) throw new MailError(409, 'staleDraft');
      return newId;
    });
    const item = await this.deps.outbox.get(c.actor, outboxId, c.locale);
    this.deps.outbox.kick(outboxId);
    return item;
  }

  /**
   * The Message-ID will name this customer and route the thread onto its
   * timeline: nobody may put mail on the page of a customer they cannot see.
   */
  private async checkCustomer(c: ComposeCaller, customerId: string) {
    if (!(await this.deps.customers.maySee(c.credentials, customerId))) {
      throw new MailError(400, 'validationFailed', {}, [{ path: 'customerId', key: 'customerNotFound' }]);
    }
  }

  private async threadCustomer(c: ComposeCaller, source: SourceMessage | undefined): Promise<string | null> {
    if (!source?.threadId || !this.deps.threads) return null;
    const links = await this.deps.threads.linksOf(c.credentials, [source.threadId]);
    const customerId = soleLinkedCustomer(links.get(source.threadId) ?? []);
    // the links are already the writer's view; asked again because naming a record is this service's own promise
    return customerId && (await this.deps.customers.maySee(c.credentials, customerId)) ? customerId : null;
  }

  private checkRecipientCount(to: MailAddress[], cc: MailAddress[], bcc: MailAddress[]) {
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
      throw new MailError(400, 'validationFailed', {}, [{ path: 'to', key: 'tooManyRecipients' }]);
    }
  }

  private async attachmentBytes(stored: StoredAttachment[]): Promise<OutgoingAttachment[]> {
    const bySource = new Map<string, number[]>();
    for (const a of stored) {
      if (a.source === 'forward' && a.sourceMessageId && a.sourceIndex !== null) {
        bySource.set(a.sourceMessageId, [...(bySource.get(a.sourceMessageId) ?? []), a.sourceIndex]);
      }
    }
    const forwarded = new Map<string, Map<number, Buffer>>();
    for (const [messageId, indexes] of bySource) {
      const row = await this.deps.knex('mail_messages').where({ id: messageId }).first('raw_ref');
      if (!row) throw new MailError(404, 'messageNotFound');
      forwarded.set(messageId, await readSourceAttachments(await this.deps.raw.get(row.raw_ref), indexes));
    }
    const out: OutgoingAttachment[] = [];
    for (const a of stored) {
      const content =
        a.source === 'forward' ? forwarded.get(a.sourceMessageId ?? '')?.get(a.sourceIndex ?? -1) : await this.deps.drafts.uploadContent(a.id);
      if (!content) throw new MailError(404, 'attachmentNotFound');
      out.push({ filename: a.filename, contentType: a.contentType, content });
    }
    return out;
  }

  /** The source of a reply/forward, if the caller may read it: a live copy in a mailbox they read. */
  private async readableSource(c: ComposeCaller, messageId: string): Promise<SourceMessage> {
    const { knex, access } = this.deps;
    const readable = await access.readableAccountIds(c.credentials);
    const visible =
      readable.length > 0 &&
      !!(await knex('mail_copies').where({ message_id: messageId }).whereIn('account_id', readable).whereNull('deleted_at').first('id'));
    const r = visible ? await knex('mail_messages').where({ id: messageId }).first() : undefined;
    if (!r) throw new MailError(404, 'messageNotFound');
    return {
      id: r.id,
      messageIdHeader: r.message_id_header ?? null,
      subject: r.subject ?? null,
      from: parseJson<MailAddress[]>(r.from_json, []),
      to: parseJson<MailAddress[]>(r.to_json, []),
      cc: parseJson<MailAddress[]>(r.cc_json, []),
      replyTo: parseJson<MailAddress[]>(r.reply_to_json, []),
      text: r.text_body ?? null,
      html: r.html_body ?? null,
      attachments: parseJson<MailAttachmentMeta[]>(r.attachments_json, []),
      references: parseJson<string[]>(r.references_json, []),
      receivedAt: new Date(toIso(r.received_at)),
      threadId: r.thread_id ?? null,
    };
  }
}
