import { ConfigReader } from '@backstage/config';
import { PasswordCipher } from './PasswordCipher';

describe('PasswordCipher', () => {
  const key = Buffer.alloc(32, 1).toString('base64');

  it('round-trips and never stores the clear text', () => {
    const cipher = PasswordCipher.fromBase64Key(key);
    const stored = cipher.encrypt('密码-secret');
    expect(stored).not.toContain('secret');
    expect(cipher.encrypt('密码-secret')).not.toBe(stored);
    expect(cipher.decrypt(stored)).toBe('密码-secret');
  });

  it('rejects a tampered value and a wrong key', () => {
    const stored = PasswordCipher.fromBase64Key(key).encrypt('secret');
    const bytes = Buffer.from(stored.slice(3), 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => PasswordCipher.fromBase64Key(key).decrypt(`v1:${bytes.toString('base64')}`)).toThrow();
    expect(() => PasswordCipher.fromBase64Key(Buffer.alloc(32, 2).toString('base64')).decrypt(stored)).toThrow();
  });

  it('refuses to start without a 32-byte key', () => {
    expect(() => PasswordCipher.fromConfig(new ConfigReader({}))).toThrow(/mail.encryptionKey is not configured/);
    expect(() => PasswordCipher.fromConfig(new ConfigReader({ mail: { encryptionKey: 'c2hvcnQ=' } }))).toThrow(/32 bytes/);
    expect(PasswordCipher.fromConfig(new ConfigReader({ mail: { encryptionKey: key } }))).toBeInstanceOf(PasswordCipher);
  });
});
