import { AuthenticationHandler, Client, Context, HTTPMessageHandler, Middleware } from '@microsoft/microsoft-graph-client';
import { ClientCredentialsTokens } from './ClientCredentialsTokens';
import { GraphSettings, graphEndpoint } from './graphSettings';

/** How reads wait out throttling: bounded, so a sync run ends and the next scheduled run resumes. */
export interface GraphRetryOptions {
  /** retries of one GET after 429/503/504 (default 4) */
  maxRetries?: number;
  /** a Retry-After longer than this fails the request instead of holding the run (default 120 s) */
  maxDelayMs?: number;
  /** injected by tests to observe the waits */
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([429, 503, 504]);

const defaultSleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** Retry-After is seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The Graph client's own RetryHandler retries every method, POST included:
 * a throttled `send` would go out twice. This one retries GETs only, honours
 * Retry-After, and gives up when the server asks for a longer wait than we
 * allow.
 */
export class GetRetryHandler implements Middleware {
  private next: Middleware | undefined;
  private readonly maxRetries: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: GraphRetryOptions = {}) {
    this.maxRetries = options.maxRetries ?? 4;
    this.maxDelayMs = options.maxDelayMs ?? 120_000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('GetRetryHandler needs a next middleware');
    const method = (context.options?.method ?? 'GET').toUpperCase();
    for (let attempt = 0; ; attempt++) {
      await this.next.execute(context);
      const response = context.response;
      if (method !== 'GET' || !response || !RETRYABLE.has(response.status) || attempt >= this.maxRetries) return;
      const delay = retryAfterMs(response.headers.get('retry-after')) ?? Math.min(1000 * 2 ** attempt, this.maxDelayMs);
      if (delay > this.maxDelayMs) return;
      // free the connection before waiting
      await response.arrayBuffer().catch(() => undefined);
      await this.sleep(delay);
    }
  }
}

/** Calls the 401 handler of the token cache, then passes on: a revoked token is not kept until its expiry. */
class TokenInvalidation implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly tokens: ClientCredentialsTokens) {}
  setNext(next: Middleware): void {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    if (context.response?.status === 401) this.tokens.invalidate();
  }
}

export interface GraphClients {
  /** GETs retried on throttling (sync, lookups) */
  read: Client;
  /** no retries at all: every POST leaves exactly once (drafts, send) */
  write: Client;
  tokens: ClientCredentialsTokens;
}

export function createGraphClients(settings: GraphSettings, retry: GraphRetryOptions = {}): GraphClients {
  const tokens = new ClientCredentialsTokens(settings);
  const { origin, host, version } = graphEndpoint(settings);
  const options = { baseUrl: origin, defaultVersion: version, customHosts: new Set([host]) };
  return {
    tokens,
    read: Client.initWithMiddleware({
      ...options,
      middleware: [new AuthenticationHandler(tokens), new GetRetryHandler(retry), new TokenInvalidation(tokens), new HTTPMessageHandler()],
    }),
    write: Client.initWithMiddleware({
      ...options,
      middleware: [new AuthenticationHandler(tokens), new TokenInvalidation(tokens), new HTTPMessageHandler()],
    }),
  };
}
