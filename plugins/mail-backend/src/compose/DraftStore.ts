import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { Page } from '@cocrm/plugin-access-common';
import { fetchPage, toIso } from '@cocrm/plugin-access-node';
import type { Draft, DraftAttachment, DraftMode, MailAddress } from '@cocrm/plugin-mail-common';

export interface NewDraft {
  accountId: string;
  mode: DraftMode;
  sourceMessageId: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  html: string;
  customerId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** forwarded parts of the source, by reference (no bytes copied) */
  forwarded: Array<{ index: number; filename: string; contentType: string; size: number }>;
}

export interface DraftPatch {
  accountId?: string;
  to?: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject?: string;
  html?: string;
  customerId?: string | null;
}

/** An attachment with what sending needs to get its bytes. */
export interface StoredAttachment extends DraftAttachment {
  sourceMessageId: string | null;
  sourceIndex: number | null;
}

const json = (v: unknown) => JSON.stringify(v);
const parse = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : fallback);

const ATTACHMENT_COLUMNS = ['id', 'draft_id', 'filename', 'content_type', 'size', 'source', 'source_message_id', 'source_index'];

function toAttachment(r: Record<string, unknown>): StoredAttachment {
  return {
    id: String(r.id),
    filename: String(r.filename),
    contentType: String(r.content_type),
    size: Number(r.size),
    source: r.source === 'forward' ? 'forward' : 'upload',
    sourceMessageId: (r.source_message_id as string | null) ?? null,
    sourceIndex: r.source_index === null || r.source_index === undefined ? null : Number(r.source_index),
  };
}

const publicAttachment = ({ sourceMessageId: _m, sourceIndex: _i, ...a }: StoredAttachment): DraftAttachment => a;

function toDraft(r: Record<string, unknown>, attachments: StoredAttachment[]): Draft {
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    mode: r.mode as DraftMode,
    sourceMessageId: (r.source_message_id as string | null) ?? null,
    to: parse(r.to_json, []),
    cc: parse(r.cc_json, []),
    bcc: parse(r.bcc_json, []),
    subject: String(r.subject),
    html: String(r.html),
    customerId: (r.customer_id as string | null) ?? null,
    inReplyTo: (r.in_reply_to as string | null) ?? null,
    references: parse(r.references_json, []),
    attachments: attachments.map(publicAttachment),
    version: Number(r.version),
    createdBy: String(r.created_by),
    createdAt: toIso(r.created_at),
    updatedBy: String(r.updated_by),
    updatedAt: toIso(r.updated_at),
  };
}

/**
 * Drafts and their attachments. Every query is scoped to the creator: a draft
 * is nobody else's business, so another user's id reads as not found.
 */
export class DraftStore {
  constructor(private readonly knex: Knex) {}

  private live(db: Knex | Knex.Transaction, id: string, owner: string) {
    return db('mail_drafts').where({ id, created_by: owner }).whereNull('deleted_at');
  }

  async create(input: NewDraft, actor: string): Promise<Draft> {
    const id = randomUUID();
    const now = new Date();
    await this.knex.transaction(async trx => {
      await trx('mail_drafts').insert({
        id,
        account_id: input.accountId,
        mode: input.mode,
        source_message_id: input.sourceMessageId,
        to_json: json(input.to),
        cc_json: json(input.cc),
        bcc_json: json(input.bcc),
        subject: input.subject,
        html: input.html,
        customer_id: input.customerId,
        in_reply_to: input.inReplyTo,
        references_json: json(input.references),
        version: 1,
        created_by: actor,
        created_at: now,
        updated_by: actor,
        updated_at: now,
      });
      let position = 0;
      for (const f of input.forwarded) {
        await trx('mail_draft_attachments').insert({
          id: randomUUID(),
          draft_id: id,
          position: position++,
          filename: f.filename,
          content_type: f.contentType,
          size: f.size,
          source: 'forward',
          source_message_id: input.sourceMessageId,
          source_index: f.index,
          created_at: now,
        });
      }
    });
    return (await this.get(id, actor))!;
  }

  async get(id: string, owner: string): Promise<Draft | undefined> {
    const row = await this.live(this.knex, id, owner).first();
    if (!row) return undefined;
    return toDraft(row, await this.attachments(id));
  }

  async attachments(draftId: string, db: Knex | Knex.Transaction = this.knex): Promise<StoredAttachment[]> {
    const rows = await db('mail_draft_attachments').where({ draft_id: draftId }).orderBy('position').orderBy('id').select(ATTACHMENT_COLUMNS);
    return rows.map(toAttachment);
  }

  async list(owner: string, request: { page: number; pageSize: number }): Promise<Page<Draft>> {
    const base = () => this.knex('mail_drafts').where({ created_by: owner }).whereNull('deleted_at');
    return fetchPage<Record<string, unknown>, Draft>({
      count: base().count('* as n'),
      rows: base().select('*'),
      sortColumn: 'updated_at',
      idColumn: 'id',
      request: { ...request, order: 'desc' },
      hydrate: async rows => {
        const ids = rows.map(r => String(r.id));
        const all = ids.length
          ? (await this.knex('mail_draft_attachments').whereIn('draft_id', ids).orderBy('position').orderBy('id').select(ATTACHMENT_COLUMNS))
          : [];
        return rows.map(r => toDraft(r, all.filter(a => a.draft_id === r.id).map(toAttachment)));
      },
    });
  }

  /** Optimistic locking: false when the version is stale (or the draft is gone). */
  async update(id: string, owner: string, version: number, patch: DraftPatch, actor: string): Promise<boolean> {
    const n = await this.live(this.knex, id, owner)
      .where({ version })
      .update({
        ...(patch.accountId !== undefined ? { account_id: patch.accountId } : {}),
        ...(patch.to !== undefined ? { to_json: json(patch.to) } : {}),
        ...(patch.cc !== undefined ? { cc_json: json(patch.cc) } : {}),
        ...(patch.bcc !== undefined ? { bcc_json: json(patch.bcc) } : {}),
        ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
        ...(patch.html !== undefined ? { html: patch.html } : {}),
        ...(patch.customerId !== undefined ? { customer_id: patch.customerId } : {}),
        version: version + 1,
        updated_by: actor,
        updated_at: new Date(),
      });
    return n === 1;
  }

  /**
   * Soft delete (or consumption by sending, with the outbox row's id). The
   * uploaded bytes go at once: a deleted draft is never restored, and a sent
   * one lives on as the built MIME.
   */
  async retire(trx: Knex.Transaction, id: string, owner: string, version: number, actor: string, outboxId: string | null): Promise<boolean> {
    const now = new Date();
    const n = await this.live(trx, id, owner)
      .where({ version })
      .update({ deleted_at: now, deleted_by: actor, outbox_id: outboxId, version: version + 1, updated_by: actor, updated_at: now });
    if (n !== 1) return false;
    await trx('mail_draft_blobs').whereIn('attachment_id', trx('mail_draft_attachments').where({ draft_id: id }).select('id')).delete();
    return true;
  }

  async remove(id: string, owner: string, version: number, actor: string): Promise<boolean> {
    return this.knex.transaction(trx => this.retire(trx, id, owner, version, actor, null));
  }

  /**
   * Adds an uploaded attachment unless the draft's attachments would exceed
   * `maxTotal` together. The draft row is locked (PostgreSQL) so two parallel
   * uploads cannot both slip under the limit. undefined = draft not found.
   */
  async addUpload(
    draftId: string,
    owner: string,
    file: { filename: string; contentType: string; content: Buffer },
    maxTotal: number,
  ): Promise<{ attachment: DraftAttachment } | { tooLarge: true } | undefined> {
    return this.knex.transaction(async trx => {
      const draft = await this.live(trx, draftId, owner).forUpdate().first('id');
      if (!draft) return undefined;
      const sum = await trx('mail_draft_attachments').where({ draft_id: draftId }).sum('size as n').max('position as p').first();
      if (Number(sum?.n ?? 0) + file.content.length > maxTotal) return { tooLarge: true as const };
      const id = randomUUID();
      const now = new Date();
      await trx('mail_draft_attachments').insert({
        id,
        draft_id: draftId,
        position: sum?.p === null || sum?.p === undefined ? 0 : Number(sum.p) + 1,
        filename: file.filename,
        content_type: file.contentType,
        size: file.content.length,
        source: 'upload',
        created_at: now,
      });
      await trx('mail_draft_blobs').insert({ attachment_id: id, content: file.content });
      await trx('mail_drafts').where({ id: draftId }).update({ updated_at: now, updated_by: owner });
      return { attachment: { id, filename: file.filename, contentType: file.contentType, size: file.content.length, source: 'upload' as const } };
    });
  }

  /** undefined = draft not found; false = no such attachment on it. */
  async removeAttachment(draftId: string, owner: string, attachmentId: string): Promise<boolean | undefined> {
    return this.knex.transaction(async trx => {
      const draft = await this.live(trx, draftId, owner).forUpdate().first('id');
      if (!draft) return undefined;
      await trx('mail_draft_blobs').where({ attachment_id: attachmentId }).whereIn('attachment_id', trx('mail_draft_attachments').where({ draft_id: draftId }).select('id')).delete();
      const n = await trx('mail_draft_attachments').where({ id: attachmentId, draft_id: draftId }).delete();
      if (n) await trx('mail_drafts').where({ id: draftId }).update({ updated_at: new Date(), updated_by: owner });
      return n > 0;
    });
  }

  async uploadContent(attachmentId: string): Promise<Buffer> {
    const row = await this.knex('mail_draft_blobs').where({ attachment_id: attachmentId }).first('content');
    if (!row) throw new Error(`Attachment ${attachmentId} has no stored content`);
    const content: unknown = row.content;
    if (Buffer.isBuffer(content)) return content;
    if (content instanceof Uint8Array) return Buffer.from(content);
    throw new Error(`Attachment ${attachmentId} has an unexpected content type`);
  }
}
