import { createHash, randomBytes } from 'crypto';
import { Knex } from 'knex';

export type MailDecision = 'approve' | 'reject';

export interface MailTokenRow {
  token_hash: string;
  task_id: string;
  instance_id: string;
  approver: string;
  task_version: number;
  decision: MailDecision;
  created_at: unknown;
  expires_at: unknown;
  used_at: unknown;
}

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A fresh link token: what goes into the mail, and the only thing the database keeps of it. */
export function newMailToken(): { token: string; hash: string } {
  const bytes = randomBytes(TOKEN_BYTES);
  return { token: bytes.toString('base64url'), hash: sha256(bytes) };
}

/** The stored hash of a token from a link, or null when it cannot be one of ours. */
export function hashMailToken(token: string): string | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  return bytes.length === TOKEN_BYTES ? sha256(bytes) : null;
}

/** The single-use approve/reject tokens of approval mails. */
export class MailTokenStore {
  constructor(readonly db: Knex) {}

  async insert(rows: MailTokenRow[]) {
    if (rows.length) await this.db('workflow_mail_tokens').insert(rows);
  }

  find(hash: string): Promise<MailTokenRow | undefined> {
    return this.db<MailTokenRow>('workflow_mail_tokens').where({ token_hash: hash }).first();
  }

  /** Uses the token up if it is still usable; of two concurrent uses exactly one gets true. */
  async consume(hash: string, now: Date): Promise<boolean> {
    const n = await this.db('workflow_mail_tokens')
      .where({ token_hash: hash })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .update({ used_at: now });
    return n === 1;
  }
}
