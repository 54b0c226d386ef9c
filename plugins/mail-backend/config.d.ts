export interface Config {
  mail?: {
    /**
     * 32 random bytes in base64 (openssl rand -base64 32): the AES-256-GCM key
     * for mailbox passwords at rest. The mail backend refuses to start without it.
     * @visibility secret
     */
    encryptionKey: string;
  };
}
