import { Readable } from 'stream';
import { canStream, RawStore } from '../database/RawStore';

const PIECE = 64 * 1024;

function* pieces(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += PIECE) yield buffer.subarray(at, at + PIECE);
}

/**
 * The stored raw message as a stream: a store that can stream is asked to (the
 * database reads slices or chunk rows, so a 100 MB attachment never sits in
 * this process whole); any other store hands out its buffer.
 */
export async function openRaw(raw: RawStore, ref: string): Promise<{ stream: Readable; size: number }> {
  if (canStream(raw)) return raw.stream(ref);
  const buffer = await raw.get(ref);
  return { stream: Readable.from(pieces(buffer), { objectMode: false }), size: buffer.length };
}
