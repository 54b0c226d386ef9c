import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';
import type { Config } from '@backstage/config';

/**
 * Mailbox passwords encrypted at rest with AES-256-GCM (authenticated, so a
 * tampered value fails instead of decrypting to garbage). Stored as
 * `v1:` + base64(iv | tag | ciphertext); the version names the key scheme so
 * key rotation can be added without guessing.
 */
export class PasswordCipher {
  private constructor(private readonly key: Buffer) {}

  /** Refuses to run without a proper key: silently storing clear passwords is worse than not starting. */
  static fromConfig(config: Config): PasswordCipher {
    const value = config.getOptionalString('mail.encryptionKey');
    if (!value) {
      throw new Error('mail.encryptionKey is not configured: set it to 32 random bytes in base64 (openssl rand -base64 32)');
    }
    return PasswordCipher.fromBase64Key(value);
  }

  static fromBase64Key(value: string): PasswordCipher {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) throw new Error(`mail.encryptionKey must be 32 bytes in base64, got ${key.length} bytes`);
    return new PasswordCipher(key);
  }

  encrypt(clear: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1:')) throw new Error('Unknown mail password format');
    const buf = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
  }
}
