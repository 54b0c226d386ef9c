import type { Config } from '@backstage/config';

/** `mail.microsoft`: the app registration whose application permissions (Mail.ReadWrite, Mail.Send) read and send the mailboxes. */
export interface GraphSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. https://login.microsoftonline.com, or https://login.chinacloudapi.cn for 21Vianet */
  authorityHost: string;
  /** e.g. https://graph.microsoft.com/v1.0, or https://microsoftgraph.chinacloudapi.cn/v1.0 */
  graphBaseUrl: string;
}

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

/** Undefined when Microsoft 365 is not configured: Graph accounts then cannot sync or send. */
export function readGraphSettings(config: Config | undefined): GraphSettings | undefined {
  const ms = config?.getOptionalConfig('mail.microsoft');
  if (!ms) return undefined;
  return {
    tenantId: ms.getString('tenantId'),
    clientId: ms.getString('clientId'),
    clientSecret: ms.getString('clientSecret'),
    authorityHost: (ms.getOptionalString('authorityHost') ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, ''),
    graphBaseUrl: (ms.getOptionalString('graphBaseUrl') ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, ''),
  };
}

/** The Graph endpoint split the way the Graph client wants it: origin + version. */
export function graphEndpoint(settings: GraphSettings): { origin: string; host: string; version: string } {
  const url = new URL(settings.graphBaseUrl);
  const version = url.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
  return { origin: url.origin, host: url.host, version };
}
