/** The error body every suite backend answers with. */
export interface SuiteErrorBody {
  error: {
    name: string;
    message: string;
    /** field path ("grants.3.departments") → message in the caller's language, for 400 validation errors */
    fields?: Record<string, string>;
  };
}

/**
 * An HTTP error answered by a suite backend, with its parsed body. Plugins
 * subclass it for their own body extras and for what counts as stale.
 */
export class SuiteApiError<B extends SuiteErrorBody = SuiteErrorBody> extends Error {
  readonly status: number;
  readonly body: B;

  constructor(status: number, body: B) {
    super(body.error.message);
    this.name = 'SuiteApiError';
    this.status = status;
    this.body = body;
  }

  /** field path → message, for 400 validation errors */
  get fields(): Record<string, string> {
    return this.body.error.fields ?? {};
  }

  /**
   * Someone else saved first, so reloading helps (ApiErrorAlert then offers a
   * reload). Plugins whose other 409s mean something else narrow this.
   */
  get isStale(): boolean {
    return this.status === 409;
  }
}

export type QueryValue = string | number | boolean | string[] | undefined | null;

/** Builds `?a=1&b=x,y`, leaving out empty values (empty strings and lists too). */
export function toQueryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * The file name of a Content-Disposition header: the RFC 5987 `filename*`
 * (UTF-8, so Chinese names survive) before the plain ASCII `filename`.
 */
export function filenameFromDisposition(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // malformed percent-encoding: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  const name = plain ? (plain[2] ?? plain[1]).trim() : '';
  return name || undefined;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What a plugin's API client gets from the app (its factory passes discoveryApi, fetchApi and the UI language). */
export interface SuiteHttpOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
  /** The UI language, sent as Accept-Language so error messages match the UI. */
  getLanguage?: () => string;
}

export interface SuiteRequestOptions {
  /** sent as JSON */
  body?: unknown;
  /** sent as the raw body instead (uploads) */
  file?: Blob;
  accept?: string;
  /** another plugin's API than the client's own (e.g. the access plugin's org directory) */
  pluginId?: string;
}

/** A downloaded file, named as the server named it. */
export interface SuiteDownload {
  blob: Blob;
  filename: string;
}

/**
 * The request plumbing of every plugin's API client: base URL by discovery,
 * fetchApi (it carries the Backstage token), Accept-Language, JSON bodies and
 * the suite's error body turned into the plugin's error class.
 */
export class SuiteHttp {
  private readonly options: SuiteHttpOptions;
  private readonly pluginId: string;
  private readonly createError: (status: number, body: SuiteErrorBody) => Error;

  constructor(
    options: SuiteHttpOptions,
    config: { pluginId: string; createError?: (status: number, body: SuiteErrorBody) => Error },
  ) {
    this.options = options;
    this.pluginId = config.pluginId;
    this.createError = config.createError ?? ((status, body) => new SuiteApiError(status, body));
  }

  /** The backends speak zh-CN and en; any other Chinese variant reads zh-CN best. */
  language(): 'zh-CN' | 'en' {
    const language = this.options.getLanguage?.() ?? 'zh-CN';
    return language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  }

  /** Sends a request and answers the response, or throws the plugin's error with the server's message. */
  async send(method: string, path: string, options: SuiteRequestOptions = {}): Promise<Response> {
    const base = await this.options.discoveryApi.getBaseUrl(options.pluginId ?? this.pluginId);
    const headers: Record<string, string> = {
      Accept: options.accept ?? 'application/json',
      'Accept-Language': this.language(),
    };
    let body: BodyInit | undefined;
    if (options.file) {
      headers['Content-Type'] = 'application/octet-stream';
      body = options.file;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await this.options.fetchApi.fetch(`${base}${path}`, { method, headers, body });
    if (!res.ok) {
      let parsed: SuiteErrorBody | undefined;
      try {
        const json = await res.json();
        if (json && typeof json === 'object' && json.error && typeof json.error.message === 'string') {
          parsed = json as SuiteErrorBody;
        }
      } catch {
        // not JSON (proxy error page, empty body)
      }
      throw this.createError(
        res.status,
        parsed ?? { error: { name: 'Error', message: `${res.status} ${res.statusText || 'Request failed'}` } },
      );
    }
    return res;
  }

  /** A JSON request; 204 and an empty body answer undefined. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: Omit<SuiteRequestOptions, 'body'> = {},
  ): Promise<T> {
    const res = await this.send(method, path, { ...options, body });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Downloads through fetchApi rather than a plain link: only fetchApi adds
   * the Backstage token, and only a fetch lets the page show the server's error.
   */
  async download(
    path: string,
    fallbackName: string,
    options: { accept?: string; pluginId?: string } = {},
  ): Promise<SuiteDownload> {
    const res = await this.send('GET', path, {
      accept: options.accept ?? `${XLSX_TYPE}, application/json`,
      pluginId: options.pluginId,
    });
    const filename = filenameFromDisposition(res.headers.get('Content-Disposition')) ?? fallbackName;
    return { blob: await res.blob(), filename };
  }
}
