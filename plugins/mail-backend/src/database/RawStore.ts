import type { Knex } from 'knex';

/**
 * Where raw MIME lives. Content-addressed (the ref is the bytes' SHA-256), so
 * putting the same message twice stores it once. The database implementation
 * writes inside the caller's transaction so that the raw, the rows and the
 * cursor commit together; an object-storage implementation (S3, files) would
 * write before the transaction and rely on the content address for idempotence
 * (an orphan blob after a crash is harmless, a missing one is not).
 */
export interface RawStore {
  put(trx: Knex.Transaction, ref: string, raw: Buffer): Promise<void>;
  get(ref: string): Promise<Buffer>;
}

export class DatabaseRawStore implements RawStore {
  constructor(private readonly knex: Knex) {}

  async put(trx: Knex.Transaction, ref: string, raw: Buffer): Promise<void> {
    await trx('mail_raw').insert({ ref, size: raw.length, content: raw, created_at: new Date() }).onConflict('ref').ignore();
  }

  async get(ref: string): Promise<Buffer> {
    const row = await this.knex('mail_raw').where({ ref }).first('content');
    if (!row) throw new Error(`Raw message ${ref} is missing`);
    const content: unknown = row.content;
    if (Buffer.isBuffer(content)) return content;
    if (content instanceof Uint8Array) return Buffer.from(content);
    throw new Error(`Raw message ${ref} has an unexpected type`);
  }
}
