export interface Config {
  mail?: {
    /**
     * 32 random bytes in base64 (openssl rand -base64 32): the AES-256-GCM key
     * for mailbox passwords at rest. The mail backend refuses to start without it.
     * @visibility secret
     */
    encryptionKey: string;
    /** domains of the company's own addresses: mail only among colleagues is not routed to customers */
    internalDomains?: string[];
    /**
     * Microsoft 365 mailboxes (provider 'graph'), read and sent with app-only
     * credentials: an app registration with the application permissions
     * Mail.ReadWrite and Mail.Send (scope them with an application access policy).
     */
    microsoft?: {
      tenantId: string;
      clientId: string;
      /** @visibility secret */
      clientSecret: string;
      /** default https://login.microsoftonline.com (21Vianet: https://login.chinacloudapi.cn) */
      authorityHost?: string;
      /** default https://graph.microsoft.com/v1.0 (21Vianet: https://microsoftgraph.chinacloudapi.cn/v1.0) */
      graphBaseUrl?: string;
    };
  };
}
