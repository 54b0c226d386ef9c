import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import type { Page } from '@cocrm/plugin-access-common';
import { fetchPage, likeContains, toIso, toIsoOrNull } from '@cocrm/plugin-access-node';
import type { KnowledgeAttachment, KnowledgeItem, KnowledgeItemSummary, MailAddress, MailAttachmentMeta } from '@cocrm/plugin-mail-common';
import { MailError } from '../errors';
import { sanitizeMailHtml } from '../sanitize/mailHtml';
import { jsonList } from './messageViews';
import type { RemoteImageSenders } from './RemoteImageSenders';
import { foldForSearch } from './searchText';

/** A kept attachment: its position among the raw message's attachments is how it is found again. */
interface StoredAttachment extends MailAttachmentMeta {
  index: number;
}

export interface KnowledgeSource {
  id: string;
  rawRef: string;
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  receivedAt: string | null;
  text: string | null;
  html: string | null;
  attachments: MailAttachmentMeta[];
}

const knowledgeAttachmentUrl = (id: string, index: number) => `/api/mail/knowledge/${id}/attachments/${index}`;

/**
 * 转为知识: a mail kept as a stored item with its attachments (by reference
 * to the raw message, which is content-addressed and never rewritten) until
 * the knowledge base exists. Items are their creator's; `visibility` is
 * there for sharing once the knowledge base arrives.
 */
export class KnowledgeService {
  constructor(
    private readonly knex: Knex,
    private readonly senders: RemoteImageSenders,
  ) {}

  async create(source: KnowledgeSource, input: { title?: string; note?: string }, actor: string, defaultTitle: string): Promise<KnowledgeItem> {
    const id = randomUUID();
    const now = new Date();
    const title = (input.title ?? source.subject ?? '').trim().slice(0, 300) || defaultTitle;
    const attachments: StoredAttachment[] = source.attachments.map((a, index) => ({ ...a, index }));
    const sender = source.from.map(a => `${a.name} <${a.address}>`).join(' ');
    await this.knex('mail_knowledge_items').insert({
      id,
      owner: actor,
      message_id: source.id,
      raw_ref: source.rawRef,
      title,
      note: input.note?.trim() || null,
      subject: source.subject,
      from_json: JSON.stringify(source.from),
      to_json: JSON.stringify(source.to),
      cc_json: JSON.stringify(source.cc),
      received_at: source.receivedAt ? new Date(source.receivedAt) : null,
      text_body: source.text,
      html_body: source.html,
      attachments_json: JSON.stringify(attachments),
      search_text: foldForSearch([title, source.subject ?? '', input.note ?? '', sender, (source.text ?? '').slice(0, 20_000)].join('\n')),
      visibility: 'private',
      version: 1,
      created_by: actor,
      created_at: now,
      updated_by: actor,
      updated_at: now,
    });
    return this.get(actor, id, { showRemoteImages: false });
  }

  private visible(owner: string): Knex.QueryBuilder {
    return this.knex('mail_knowledge_items as k').whereNull('k.deleted_at').where('k.owner', owner);
  }

  private summary(r: Record<string, unknown>): KnowledgeItemSummary {
    const id = String(r.id);
    return {
      id,
      title: String(r.title),
      note: (r.note as string | null) ?? null,
      messageId: (r.message_id as string | null) ?? null,
      subject: (r.subject as string | null) ?? null,
      from: jsonList<MailAddress>(r.from_json),
      receivedAt: toIsoOrNull(r.received_at),
      attachments: jsonList<StoredAttachment>(r.attachments_json).map(
        (a): KnowledgeAttachment => ({ index: a.index, filename: a.filename, contentType: a.contentType, size: a.size, url: knowledgeAttachmentUrl(id, a.index) }),
      ),
      createdBy: String(r.created_by),
      createdAt: toIso(r.created_at),
    };
  }

  async list(owner: string, query: { q?: string; page: number; pageSize: number }): Promise<Page<KnowledgeItemSummary>> {
    const filtered = () => {
      const qb = this.visible(owner);
      const folded = query.q ? foldForSearch(query.q.trim()) : '';
      if (folded) qb.whereRaw(`k.search_text LIKE ? ESCAPE '\\'`, [likeContains(folded)]);
      return qb;
    };
    return fetchPage<Record<string, unknown>, KnowledgeItemSummary>({
      count: filtered().count('* as n'),
      rows: filtered().select('k.id', 'k.title', 'k.note', 'k.message_id', 'k.subject', 'k.from_json', 'k.received_at', 'k.attachments_json', 'k.created_by', 'k.created_at'),
      sortColumn: 'k.created_at',
      idColumn: 'k.id',
      request: { page: query.page, pageSize: query.pageSize, order: 'desc' },
      hydrate: rows => rows.map(r => this.summary(r)),
    });
  }

  private async row(owner: string, id: string): Promise<Record<string, unknown>> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new MailError(404, 'knowledgeNotFound');
    const row = await this.visible(owner).where('k.id', id).first();
    if (!row) throw new MailError(404, 'knowledgeNotFound');
    return row;
  }

  async get(owner: string, id: string, options: { showRemoteImages: boolean }): Promise<KnowledgeItem> {
    const r = await this.row(owner, id);
    const summary = this.summary(r);
    const allowed = await this.senders.allowed(
      owner,
      summary.from.map(a => a.address),
    );
    const attachments = jsonList<StoredAttachment>(r.attachments_json).map(a => ({ contentId: a.contentId, index: a.index, url: knowledgeAttachmentUrl(id, a.index) }));
    const html = typeof r.html_body === 'string' ? sanitizeMailHtml(r.html_body, { remoteImages: options.showRemoteImages || allowed.size > 0, attachments }) : undefined;
    return {
      ...summary,
      to: jsonList<MailAddress>(r.to_json),
      cc: jsonList<MailAddress>(r.cc_json),
      text: (r.text_body as string | null) ?? null,
      html: html?.html ?? null,
      remoteImagesBlocked: html?.remoteImagesBlocked ?? 0,
    };
  }

  /** Where a kept attachment's bytes are: the raw message and the part's index in it. */
  async attachmentSource(owner: string, id: string, index: number): Promise<{ rawRef: string; attachment: StoredAttachment }> {
    const r = await this.row(owner, id);
    const attachment = jsonList<StoredAttachment>(r.attachments_json).find(a => a.index === index);
    if (!attachment) throw new MailError(404, 'attachmentNotFound');
    return { rawRef: String(r.raw_ref), attachment };
  }

  async remove(owner: string, id: string, actor: string): Promise<void> {
    await this.row(owner, id);
    await this.knex('mail_knowledge_items').where({ id }).whereNull('deleted_at').update({ deleted_at: new Date(), deleted_by: actor, updated_by: actor, updated_at: new Date() });
  }
}
