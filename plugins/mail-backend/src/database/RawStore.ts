import { randomUUID } from 'crypto';
import { Readable } from 'stream';
import type { Knex } from 'knex';
import { RawIdentity, StreamingIdentity } from '../mime/messageKey';

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
  /** A batch in one statement, where the store can; `put` one by one otherwise. */
  putMany?(trx: Knex.Transaction, items: Array<{ ref: string; raw: Buffer }>): Promise<void>;
  get(ref: string): Promise<Buffer>;
}

/** A big message written while it streamed in, not yet committed. */
export interface StagedRaw extends RawIdentity {
  uploadId: string;
}

/**
 * A store that takes a message as a stream and hands it out as one: what
 * keeps a 100 MB attachment from ever being one buffer. Staging happens
 * before the transaction (like an object store's upload); `commitStaged`
 * makes it the message's raw inside the transaction that stores the rows.
 */
export interface StreamingRawStore extends RawStore {
  stage(source: AsyncIterable<Buffer | string>): Promise<StagedRaw>;
  commitStaged(trx: Knex.Transaction, staged: StagedRaw): Promise<void>;
  stream(ref: string): Promise<{ stream: Readable; size: number }>;
}

export const canStream = (raw: RawStore): raw is StreamingRawStore =>
  typeof (raw as Partial<StreamingRawStore>).stage === 'function' && typeof (raw as Partial<StreamingRawStore>).stream === 'function';

/** Rows of about this size: few statements for 100 MB, little memory per statement (PostgreSQL sends bytea as hex). */
const CHUNK = 1024 * 1024;
/** Slices of a whole-row raw read at a time (older rows, small messages). */
const SLICE = 4 * 1024 * 1024;
/** The parser's stages each queue 16 chunks: small ones (views, not copies) keep what waits there small. */
const PIECE = 64 * 1024;
/** A staged upload nobody committed (the process died in between) is removed after this long. */
const ORPHAN_AGE_MS = 24 * 60 * 60 * 1000;

function toBuffer(value: unknown, ref: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  throw new Error(`Raw message ${ref} has an unexpected type`);
}

function* pieces(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += PIECE) yield buffer.subarray(at, at + PIECE);
}

export class DatabaseRawStore implements StreamingRawStore {
  constructor(private readonly knex: Knex) {}

  async put(trx: Knex.Transaction, ref: string, raw: Buffer): Promise<void> {
    await trx('mail_raw').insert({ ref, size: raw.length, content: raw, created_at: new Date() }).onConflict('ref').ignore();
  }

  async putMany(trx: Knex.Transaction, items: Array<{ ref: string; raw: Buffer }>): Promise<void> {
    const now = new Date();
    // a batch is at most a few dozen messages and 16 MB (the sync's limits): one statement
    const unique = [...new Map(items.map(i => [i.ref, i])).values()];
    if (unique.length) await trx('mail_raw').insert(unique.map(i => ({ ref: i.ref, size: i.raw.length, content: i.raw, created_at: now }))).onConflict('ref').ignore();
  }

  async get(ref: string): Promise<Buffer> {
    const row = await this.knex('mail_raw').where({ ref }).first('content', 'chunks_id');
    if (!row) throw new Error(`Raw message ${ref} is missing`);
    if (!row.chunks_id) return toBuffer(row.content, ref);
    const chunks: Array<{ content: unknown }> = await this.knex('mail_raw_chunks').where({ upload_id: row.chunks_id }).orderBy('seq').select('content');
    return Buffer.concat(chunks.map(c => toBuffer(c.content, ref)));
  }

  /**
   * Writes the stream in ~1 MB rows, each committed on its own, while the
   * identity (content hash, Message-ID, key) is computed on the way. Nothing
   * refers to the rows until commitStaged; a crash in between leaves an
   * orphan upload that a later stage removes.
   */
  async stage(source: AsyncIterable<Buffer | string>): Promise<StagedRaw> {
    await this.removeOrphans();
    const uploadId = randomUUID();
    const identity = new StreamingIdentity();
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingSize = 0;
    const flush = async () => {
      if (!pendingSize) return;
      const content = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingSize);
      pending = [];
      pendingSize = 0;
      await this.knex('mail_raw_chunks').insert({ upload_id: uploadId, seq: seq++, content, created_at: new Date() });
    };
    try {
      for await (const part of source) {
        const chunk = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
        identity.update(chunk);
        pending.push(chunk);
        pendingSize += chunk.length;
        if (pendingSize >= CHUNK) await flush();
      }
      await flush();
    } catch (e) {
      await this.knex('mail_raw_chunks').where({ upload_id: uploadId }).delete();
      throw e;
    }
    return { ...identity.finish(), uploadId };
  }

  /** The staged upload becomes the raw of its content address; when that raw exists already, the upload goes. */
  async commitStaged(trx: Knex.Transaction, staged: StagedRaw): Promise<void> {
    const inserted: unknown[] = await trx('mail_raw')
      .insert({ ref: staged.ref, size: staged.size, content: Buffer.alloc(0), chunks_id: staged.uploadId, created_at: new Date() })
      .onConflict('ref')
      .ignore()
      .returning('ref');
    if (!inserted.length) await trx('mail_raw_chunks').where({ upload_id: staged.uploadId }).delete();
  }

  /** The raw message as a stream, read a slice or a chunk row at a time. */
  async stream(ref: string): Promise<{ stream: Readable; size: number }> {
    const row: { size: number | string; chunks_id: string | null } | undefined = await this.knex('mail_raw').where({ ref }).first('size', 'chunks_id');
    if (!row) throw new Error(`Raw message ${ref} is missing`);
    const size = Number(row.size);
    const source = row.chunks_id ? this.chunkRows(ref, row.chunks_id) : this.slices(ref, size);
    return { stream: Readable.from(source, { objectMode: false }), size };
  }

  private async *chunkRows(ref: string, uploadId: string): AsyncGenerator<Buffer> {
    const count = await this.knex('mail_raw_chunks').where({ upload_id: uploadId }).count('* as n').first();
    for (let seq = 0; seq < Number(count?.n ?? 0); seq++) {
      const row = await this.knex('mail_raw_chunks').where({ upload_id: uploadId, seq }).first('content');
      if (!row) throw new Error(`Raw message ${ref} is missing chunk ${seq}`);
      yield* pieces(toBuffer(row.content, ref));
    }
  }

  private async *slices(ref: string, size: number): AsyncGenerator<Buffer> {
    const pg = this.knex.client.config.client === 'pg';
    for (let offset = 0; offset < size; offset += SLICE) {
      // 1-based on both databases; substring of bytea / substr of a blob yields bytes
      const row = await this.knex('mail_raw')
        .where({ ref })
        .first(this.knex.raw(pg ? 'substring(content from ? for ?) as c' : 'substr(content, ?, ?) as c', [offset + 1, SLICE]));
      const c: unknown = row?.c;
      if (!(c instanceof Uint8Array) || c.length === 0) throw new Error(`Raw message ${ref} is shorter than recorded`);
      yield* pieces(toBuffer(c, ref));
    }
  }

  private async removeOrphans(): Promise<void> {
    await this.knex('mail_raw_chunks')
      .where('created_at', '<', new Date(Date.now() - ORPHAN_AGE_MS))
      .whereNotIn('upload_id', this.knex('mail_raw').whereNotNull('chunks_id').select('chunks_id'))
      .delete();
  }
}
