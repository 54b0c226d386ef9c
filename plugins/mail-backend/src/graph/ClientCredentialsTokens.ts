import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { GraphSettings, graphEndpoint } from './graphSettings';

/** Renew this long before the token's end, so a request never leaves with a token that expires on the way. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * App-only access tokens by the OAuth 2.0 client-credentials grant, cached
 * until shortly before they expire; concurrent callers share one request.
 * Plain fetch to the token endpoint: MSAL would be a dependency for one POST.
 */
export class ClientCredentialsTokens implements AuthenticationProvider {
  private cached: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly settings: GraphSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async getAccessToken(): Promise<string> {
    if (this.cached && this.now() < this.cached.expiresAt - EXPIRY_MARGIN_MS) return this.cached.token;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** After a 401 the cached token is no good, whatever its expiry says. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { tenantId, clientId, clientSecret, authorityHost } = this.settings;
    const res = await fetch(`${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: 'client_credentials',
        scope: `${graphEndpoint(this.settings).origin}/.default`,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number | string; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) {
      // the description names the cause (wrong secret, unknown tenant) and never echoes the secret
      const reason = body.error_description?.split(/\r?\n/)[0] ?? body.error ?? res.statusText;
      throw new Error(`Microsoft 365 sign-in failed (${res.status}): ${reason}`);
    }
    const ttl = Number(body.expires_in ?? 3600);
    this.cached = { token: body.access_token, expiresAt: this.now() + (Number.isFinite(ttl) ? ttl : 3600) * 1000 };
    return body.access_token;
  }
}
