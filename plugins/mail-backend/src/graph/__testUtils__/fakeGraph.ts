import { HttpResponse, http } from 'msw';
import type { HttpHandler } from 'msw';

export const TENANT = 'tenant-1';
export const LOGIN = 'https://login.microsoftonline.com';
export const GRAPH = 'https://graph.microsoft.com/v1.0';
export const CLIENT_SECRET = 'app-secret';

/** The `mail.microsoft` config the fake answers to. */
export const graphConfig = { tenantId: TENANT, clientId: 'app-1', clientSecret: CLIENT_SECRET };

interface FakeMessage {
  id: string;
  folderId: string;
  raw: Buffer;
  isRead: boolean;
  flagged: boolean;
  isDraft: boolean;
  receivedDateTime: string;
  to: string[];
  cc: string[];
  bcc: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  prefer: string | null;
  authorization: string | null;
}

/** An answer the fake gives instead of (or after) handling a request: throttling, outages, lost answers. */
export interface Fault {
  method: string;
  /** matches when the decoded path ends with this */
  pathEndsWith: string;
  /** the delta page requests that continue a listing carry this query parameter */
  query?: string;
  status?: number;
  headers?: Record<string, string>;
  /** handle the request (e.g. really send), then lose the answer */
  handleThenDrop?: boolean;
  /** let this many matching requests through first */
  skip?: number;
  times: number;
}

interface Listing {
  items: Array<Record<string, unknown>>;
  folderId: string;
  /** the change sequence the listing started at: its delta link continues from there */
  from: number;
}

const WELL_KNOWN = ['inbox', 'sentitems', 'drafts', 'archive', 'deleteditems'];

/**
 * One Microsoft 365 mailbox behind msw: folders, messages with immutable ids,
 * a change log per folder that delta queries page through, drafts and send.
 * Faults are injected per request; every request is recorded.
 */
export class FakeGraph {
  readonly mailbox = 'sales@corp.example';
  readonly requests: RecordedRequest[] = [];
  readonly sent: Buffer[] = [];
  tokenRequests = 0;
  pageSize = 10;
  private readonly messages = new Map<string, FakeMessage>();
  private readonly folderIds = new Map<string, string>(WELL_KNOWN.map(name => [name, `folder-${name}-immutable`]));
  private readonly log: Array<{ seq: number; folderId: string; id: string }> = [];
  private seq = 0;
  private nextId = 1;
  /** delta links carry the generation they were handed out in; expiring starts a new one */
  private generation = 0;
  private readonly listings = new Map<string, Listing>();
  private nextListing = 1;
  private readonly faults: Fault[] = [];

  folderId(name: string): string {
    return this.folderIds.get(name)!;
  }

  private touch(folderId: string, id: string) {
    this.log.push({ seq: ++this.seq, folderId, id });
  }

  deliver(raw: Buffer, folder = 'inbox', options: { isRead?: boolean; receivedDateTime?: string } = {}): string {
    const id = `AAkALgImmutable-${String(this.nextId++).padStart(4, '0')}=`;
    const folderId = this.folderId(folder);
    this.messages.set(id, {
      id,
      folderId,
      raw,
      isRead: options.isRead ?? false,
      flagged: false,
      isDraft: false,
      receivedDateTime: options.receivedDateTime ?? '2026-03-01T08:00:00Z',
      to: [],
      cc: [],
      bcc: [],
    });
    this.touch(folderId, id);
    return id;
  }

  update(id: string, change: { isRead?: boolean; flagged?: boolean }) {
    const m = this.messages.get(id)!;
    Object.assign(m, change);
    this.touch(m.folderId, id);
  }

  /** Immutable ids keep their value across folders. */
  move(id: string, folder: string) {
    const m = this.messages.get(id)!;
    this.touch(m.folderId, id);
    m.folderId = this.folderId(folder);
    this.touch(m.folderId, id);
  }

  remove(id: string, options: { silently?: boolean } = {}) {
    const m = this.messages.get(id)!;
    this.messages.delete(id);
    if (!options.silently) this.touch(m.folderId, id);
  }

  /** Every delta link handed out so far answers 410 from now on. */
  expireDeltaLinks() {
    this.generation++;
  }

  fail(fault: Omit<Fault, 'times'> & { times?: number }) {
    this.faults.push({ times: 1, ...fault });
  }

  inFolder(folder: string): string[] {
    return [...this.messages.values()].filter(m => m.folderId === this.folderId(folder)).map(m => m.id);
  }

  state(id: string): { isRead: boolean; flagged: boolean } | undefined {
    const m = this.messages.get(id);
    return m && { isRead: m.isRead, flagged: m.flagged };
  }

  draft(id: string): { bcc: string[]; isDraft: boolean } | undefined {
    const m = this.messages.get(id);
    return m && { bcc: m.bcc, isDraft: m.isDraft };
  }

  count(method: string, pathEndsWith: string): number {
    return this.requests.filter(r => r.method === method && r.path.endsWith(pathEndsWith)).length;
  }

  handlers(): HttpHandler[] {
    return [
      http.post(`${LOGIN}/:tenant/oauth2/v2.0/token`, async ({ request, params }) => {
        this.tokenRequests++;
        const form = new URLSearchParams(await request.text());
        if (params.tenant !== TENANT || form.get('client_secret') !== CLIENT_SECRET || form.get('grant_type') !== 'client_credentials') {
          return HttpResponse.json({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }, { status: 401 });
        }
        return HttpResponse.json({ token_type: 'Bearer', expires_in: 3599, access_token: `token-${this.tokenRequests}` });
      }),
      http.all(`${GRAPH}/*`, async ({ request }) => this.handle(request)),
    ];
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.slice(new URL(GRAPH).pathname.length));
    const method = request.method.toUpperCase();
    this.requests.push({ method, path, query: url.searchParams, prefer: request.headers.get('prefer'), authorization: request.headers.get('authorization') });
    if (!request.headers.get('authorization')?.startsWith('Bearer token-')) return this.error(401, 'InvalidAuthenticationToken');

    const fault = this.faults.find(f => f.times > 0 && f.method === method && path.endsWith(f.pathEndsWith) && (!f.query || url.searchParams.has(f.query)));
    if (fault && fault.skip) {
      fault.skip--;
    } else if (fault) {
      fault.times--;
      if (fault.handleThenDrop) {
        await this.route(method, path, url, request);
        return HttpResponse.error();
      }
      return HttpResponse.json({ error: { code: 'Throttled', message: `injected ${fault.status}` } }, { status: fault.status ?? 500, headers: fault.headers });
    }
    return this.route(method, path, url, request);
  }

  private error(status: number, code: string) {
    return HttpResponse.json({ error: { code, message: code } }, { status });
  }

  private async route(method: string, path: string, url: URL, request: Request): Promise<Response> {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'users' || parts[1] !== this.mailbox) return this.error(404, 'ErrorInvalidUser');
    const rest = parts.slice(2);
    // GET mailFolders/{name}
    if (method === 'GET' && rest[0] === 'mailFolders' && rest.length === 2) {
      const id = this.folderIds.get(rest[1]) ?? [...this.folderIds.values()].find(v => v === rest[1]);
      return id ? HttpResponse.json({ id }) : this.error(404, 'ErrorItemNotFound');
    }
    if (method === 'GET' && rest[0] === 'mailFolders' && rest[2] === 'messages' && rest[3] === 'delta') return this.delta(rest[1], url, request);
    if (method === 'GET' && rest[0] === 'messages' && rest[2] === '$value') {
      const m = this.messages.get(rest[1]);
      return m ? new HttpResponse(new Uint8Array(m.raw), { headers: { 'Content-Type': 'text/plain' } }) : this.error(404, 'ErrorItemNotFound');
    }
    if (method === 'GET' && rest[0] === 'messages' && rest.length === 1) {
      const wanted = /internetMessageId eq '(.*)'/.exec(url.searchParams.get('$filter') ?? '')?.[1]?.replace(/''/g, "'");
      const value = [...this.messages.values()]
        .filter(m => wanted && m.raw.toString('latin1').includes(`Message-ID: ${wanted}`))
        .map(m => ({ id: m.id, isDraft: m.isDraft }));
      return HttpResponse.json({ value });
    }
    if (method === 'POST' && rest[0] === 'messages' && rest.length === 1) {
      if (!(request.headers.get('content-type') ?? '').startsWith('text/plain')) return this.error(415, 'UnsupportedMediaType');
      const raw = Buffer.from(await request.text(), 'base64');
      const id = this.deliver(raw, 'drafts');
      const draft = this.messages.get(id)!;
      draft.isDraft = true;
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw.toString('latin1'))?.[1] ?? '';
      const addresses = (value: string) =>
        value
          .split(',')
          .map(a => /<([^>]+)>/.exec(a)?.[1] ?? a.trim())
          .filter(Boolean);
      draft.to = addresses(header('To'));
      draft.cc = addresses(header('Cc'));
      return HttpResponse.json({ isDraft: true, ...this.recipients(draft) }, { status: 201 });
    }
    if (method === 'GET' && rest[0] === 'messages' && rest.length === 2) {
      const m = this.messages.get(rest[1]);
      return m ? HttpResponse.json({ isDraft: m.isDraft, ...this.recipients(m) }) : this.error(404, 'ErrorItemNotFound');
    }
    if (method === 'PATCH' && rest[0] === 'messages' && rest.length === 2) {
      const m = this.messages.get(rest[1]);
      if (!m) return this.error(404, 'ErrorItemNotFound');
      const body = (await request.json()) as {
        bccRecipients?: Array<{ emailAddress: { address: string } }>;
        isRead?: boolean;
        flag?: { flagStatus: string };
      };
      if (body.bccRecipients) m.bcc = body.bccRecipients.map(r => r.emailAddress.address);
      if (body.isRead !== undefined || body.flag) {
        this.update(m.id, { ...(body.isRead !== undefined ? { isRead: body.isRead } : {}), ...(body.flag ? { flagged: body.flag.flagStatus === 'flagged' } : {}) });
      }
      return HttpResponse.json({ id: m.id });
    }
    if (method === 'POST' && rest[0] === 'messages' && rest[2] === 'send') {
      const m = this.messages.get(rest[1]);
      if (!m || !m.isDraft) return this.error(404, 'ErrorItemNotFound');
      // a sent draft is a new item in Sent Items: the draft's id is gone
      this.remove(m.id);
      this.sent.push(m.raw);
      const sentId = this.deliver(m.raw, 'sentitems', { isRead: true });
      Object.assign(this.messages.get(sentId)!, { to: m.to, cc: m.cc, bcc: m.bcc });
      return new HttpResponse(null, { status: 202 });
    }
    return this.error(400, 'UnknownRequest');
  }

  private recipients(m: FakeMessage) {
    const list = (addresses: string[]) => addresses.map(address => ({ emailAddress: { address } }));
    return { id: m.id, toRecipients: list(m.to), ccRecipients: list(m.cc), bccRecipients: list(m.bcc) };
  }

  private item(m: FakeMessage) {
    return {
      id: m.id,
      isRead: m.isRead,
      isDraft: m.isDraft,
      flag: { flagStatus: m.flagged ? 'flagged' : 'notFlagged' },
      receivedDateTime: m.receivedDateTime,
    };
  }

  private delta(folderId: string, url: URL, request: Request): Response {
    const folderUrl = `${GRAPH}/users/${encodeURIComponent(this.mailbox)}/mailFolders/${folderId}/messages/delta`;
    const maxPage = Number(/odata\.maxpagesize=(\d+)/.exec(request.headers.get('prefer') ?? '')?.[1] ?? this.pageSize);
    let key = url.searchParams.get('$skiptoken');
    if (!key) {
      const token = url.searchParams.get('$deltatoken');
      let items: Array<Record<string, unknown>>;
      if (token === null) {
        items = [...this.messages.values()].filter(m => m.folderId === folderId).map(m => this.item(m));
      } else {
        const [generation, since] = token.split('.').map(Number);
        if (generation !== this.generation) return this.error(410, 'syncStateNotFound');
        const changed = [...new Set(this.log.filter(e => e.seq > since && e.folderId === folderId).map(e => e.id))];
        items = changed.map(id => {
          const m = this.messages.get(id);
          return m && m.folderId === folderId ? this.item(m) : { id, '@removed': { reason: 'deleted' } };
        });
      }
      key = `s${this.nextListing++}`;
      this.listings.set(key, { items, folderId, from: this.seq });
      url.searchParams.set('offset', '0');
    }
    const listing = this.listings.get(key);
    if (!listing) return this.error(410, 'syncStateNotFound');
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const value = listing.items.slice(offset, offset + Math.min(maxPage, this.pageSize));
    const end = offset + value.length >= listing.items.length;
    return HttpResponse.json({
      value,
      ...(end
        ? { '@odata.deltaLink': `${folderUrl}?$deltatoken=${this.generation}.${listing.from}` }
        : { '@odata.nextLink': `${folderUrl}?$skiptoken=${key}&offset=${offset + value.length}` }),
    });
  }
}
