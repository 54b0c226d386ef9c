import { Readable } from 'stream';
import type { Knex } from 'knex';
import { DatabaseRawStore, RawStore } from '../database/RawStore';

/** A RawStore that can hand out a message without loading it whole (object storage, files). */
type StreamingRawStore = RawStore & { stream?: (ref: string) => Promise<Readable> };

/** Slices small enough to keep memory flat, large enough that a 100 MB message takes a few dozen queries. */
const CHUNK = 4 * 1024 * 1024;
const PIECE = 64 * 1024;

async function* chunksFromDatabase(knex: Knex, ref: string, size: number): AsyncGenerator<Buffer> {
  const pg = knex.client.config.client === 'pg';
  for (let offset = 0; offset < size; offset += CHUNK) {
    // 1-based on both databases; substring of bytea / substr of a blob yields bytes
    const row = await knex('mail_raw')
      .where({ ref })
      .first(knex.raw(pg ? 'substring(content from ? for ?) as c' : 'substr(content, ?, ?) as c', [offset + 1, CHUNK]));
    const c: unknown = row?.c;
    if (!(c instanceof Uint8Array) || c.length === 0) throw new Error(`Raw message ${ref} is shorter than recorded`);
    const slice = Buffer.isBuffer(c) ? c : Buffer.from(c);
    // the parser's stages each queue 16 chunks: small ones (views, not copies) keep what waits there small
    for (let at = 0; at < slice.length; at += PIECE) yield slice.subarray(at, at + PIECE);
  }
}

function* pieces(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += PIECE) yield buffer.subarray(at, at + PIECE);
}

/**
 * The stored raw message as a stream. From the database it is read in slices
 * (a 100 MB attachment never sits in this process whole); a store that can
 * stream is asked to; any other store hands out its buffer.
 */
export async function openRaw(knex: Knex, raw: RawStore, ref: string): Promise<{ stream: Readable; size: number }> {
  const streaming = raw as StreamingRawStore;
  const row: { size: number | string } | undefined = await knex('mail_raw').where({ ref }).first('size');
  if (typeof streaming.stream === 'function') return { stream: await streaming.stream(ref), size: Number(row?.size ?? 0) };
  if (raw instanceof DatabaseRawStore) {
    if (!row) throw new Error(`Raw message ${ref} is missing`);
    const size = Number(row.size);
    return { stream: Readable.from(chunksFromDatabase(knex, ref, size), { objectMode: false }), size };
  }
  const buffer = await raw.get(ref);
  return { stream: Readable.from(pieces(buffer), { objectMode: false }), size: buffer.length };
}
