import { Knex } from 'knex';
import { Attachment } from '@cocrm/plugin-crm-common';
import { toIso } from '@cocrm/plugin-access-node';

interface AttachmentRow {
  id: string;
  record_type: string;
  record_id: string;
  file_name: string;
  content_type: string;
  size: number | string;
  sha256: string;
  content: Buffer;
  created_by: string;
  created_at: unknown;
}

const META_COLUMNS = ['id', 'record_type', 'record_id', 'file_name', 'content_type', 'size', 'created_by', 'created_at'];

function fromRow(row: Omit<AttachmentRow, 'content' | 'sha256'>): Attachment {
  return {
    id: row.id,
    fileName: row.file_name,
    contentType: row.content_type,
    size: Number(row.size),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
  };
}

/**
 * Files of CRM records, kept in the CRM's database so that a backup of it is
 * complete. Any record type may have them (contracts first); the content is
 * read only when a file is downloaded.
 */
export class AttachmentStore {
  constructor(private readonly knex: Knex) {}

  async list(recordType: string, recordId: string, db: Knex | Knex.Transaction = this.knex): Promise<Attachment[]> {
    const rows = await db('crm_attachments')
      .where({ record_type: recordType, record_id: recordId })
      .orderBy('created_at')
      .orderBy('id')
      .select(META_COLUMNS);
    return rows.map(fromRow);
  }

  async count(db: Knex | Knex.Transaction, recordType: string, recordId: string): Promise<number> {
    const row = await db('crm_attachments').where({ record_type: recordType, record_id: recordId }).count({ n: '*' }).first();
    return Number((row as { n: number | string } | undefined)?.n ?? 0);
  }

  async get(recordType: string, recordId: string, id: string, db: Knex | Knex.Transaction = this.knex): Promise<Attachment | undefined> {
    const row = await db('crm_attachments').where({ id, record_type: recordType, record_id: recordId }).first(META_COLUMNS);
    return row ? fromRow(row) : undefined;
  }

  async content(recordType: string, recordId: string, id: string): Promise<{ attachment: Attachment; content: Buffer } | undefined> {
    const row = (await this.knex('crm_attachments').where({ id, record_type: recordType, record_id: recordId }).first()) as AttachmentRow | undefined;
    if (!row) return undefined;
    return { attachment: fromRow(row), content: Buffer.isBuffer(row.content) ? row.content : Buffer.from(row.content) };
  }

  async insert(
    tx: Knex.Transaction,
    row: { id: string; recordType: string; recordId: string; fileName: string; contentType: string; sha256: string; content: Buffer; createdBy: string; createdAt: Date },
  ) {
    await tx('crm_attachments').insert({
      id: row.id,
      record_type: row.recordType,
      record_id: row.recordId,
      file_name: row.fileName,
      content_type: row.contentType,
      size: row.content.length,
      sha256: row.sha256,
      content: row.content,
      created_by: row.createdBy,
      created_at: row.createdAt,
    });
  }

  async remove(tx: Knex.Transaction, recordType: string, recordId: string, id: string): Promise<boolean> {
    return (await tx('crm_attachments').where({ id, record_type: recordType, record_id: recordId }).delete()) === 1;
  }
}
