import { createApiRef } from '@backstage/frontend-plugin-api';
import { accessMessage } from '@cocrm/plugin-access-common';
import type {
  AccessModelView,
  AuditEntry,
  AuditQuery,
  DirectGrant,
  DirectGrantCreate,
  EffectiveAccess,
  HandoverPreview,
  HandoverRecord,
  HandoverRequest,
  OrgView,
  Page,
  Role,
  RoleCreate,
  RoleMember,
  RoleMemberCreate,
  RoleUpdate,
} from '@cocrm/plugin-access-common';

/** The error body every suite backend answers with. */
export interface AccessErrorBody {
  error: {
    name: string;
    message: string;
    /** field path ("grants.3.departments") → message, for 400 validation errors */
    fields?: Record<string, string>;
  };
}

const STALE_MESSAGES = new Set([accessMessage('zh-CN', 'staleVersion'), accessMessage('en', 'staleVersion')]);

/** An HTTP error answered by a suite backend, with its parsed body. */
export class AccessApiError extends Error {
  readonly status: number;
  readonly body: AccessErrorBody;

  constructor(status: number, body: AccessErrorBody) {
    super(body.error.message);
    this.name = 'AccessApiError';
    this.status = status;
    this.body = body;
  }

  get fields(): Record<string, string> {
    return this.body.error.fields ?? {};
  }

  /**
   * 409 because someone else saved first. Other 409s (built-in role, role in
   * use, member exists) carry their own message and a reload would not help,
   * so only the backend's stale-version text (in either language) counts.
   */
  get isStale(): boolean {
    if (this.status !== 409) return false;
    return STALE_MESSAGES.has(this.message) || /stale|version/i.test(this.body.error.name);
  }
}

/** Audit logs live in each plugin; these are the ones 系统设置 shows. */
export const AUDIT_SOURCES = ['crm', 'access'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/** The audit query as the UI sends it: every key optional, the backend fills defaults. */
export type AuditQueryInput = Partial<AuditQuery>;

export interface GrantListQuery {
  subjectKind?: 'user' | 'department';
  subjectRef?: string;
}

/** Typed client of the access backend (`/api/access`) and of the suite's audit endpoints. */
export interface AccessApi {
  getModel(): Promise<AccessModelView>;
  getOrg(): Promise<OrgView>;

  listRoles(): Promise<Role[]>;
  getRole(id: string): Promise<Role>;
  createRole(input: RoleCreate): Promise<Role>;
  updateRole(id: string, patch: RoleUpdate): Promise<Role>;
  deleteRole(id: string, version: number): Promise<void>;

  listRoleMembers(roleId: string): Promise<RoleMember[]>;
  addRoleMember(roleId: string, input: RoleMemberCreate): Promise<RoleMember>;
  removeRoleMember(roleId: string, memberId: string): Promise<void>;

  listGrants(query?: GrantListQuery): Promise<DirectGrant[]>;
  createGrant(input: DirectGrantCreate): Promise<DirectGrant>;
  deleteGrant(id: string, version: number): Promise<void>;

  getEffectiveAccess(userRef: string): Promise<EffectiveAccess>;

  previewHandover(request: HandoverRequest): Promise<HandoverPreview>;
  executeHandover(request: HandoverRequest): Promise<HandoverRecord>;
  listHandovers(query?: { page?: number; pageSize?: number }): Promise<Page<HandoverRecord>>;

  listAudit(source: AuditSource, query?: AuditQueryInput): Promise<Page<AuditEntry>>;
  /** The .xlsx export of the same query, fetched with the user's credentials. */
  exportAudit(source: AuditSource, query?: AuditQueryInput): Promise<{ blob: Blob; filename: string }>;
}

export const accessApiRef = createApiRef<AccessApi>({ id: 'plugin.access.api' });

type QueryValue = string | number | boolean | undefined | null;

/** Builds `?a=1&b=x`, leaving out empty values. */
export function toQueryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The file name a Content-Disposition header proposes (RFC 5987 `filename*` first). */
export function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // malformed escape: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  return plain ? (plain[2] ?? plain[1]).trim() : undefined;
}

export interface AccessClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
  /** The UI language, sent as Accept-Language so error messages match the UI. */
  getLanguage?: () => string;
}

export class AccessClient implements AccessApi {
  private readonly options: AccessClientOptions;

  constructor(options: AccessClientOptions) {
    this.options = options;
  }

  private language(): string {
    const language = this.options.getLanguage?.() ?? 'zh-CN';
    return language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  }

  private async send(pluginId: string, method: string, path: string, body?: unknown, accept = 'application/json') {
    const base = await this.options.discoveryApi.getBaseUrl(pluginId);
    const headers: Record<string, string> = { Accept: accept, 'Accept-Language': this.language() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.options.fetchApi.fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      let parsed: AccessErrorBody | undefined;
      try {
        const json = await res.json();
        if (json && typeof json === 'object' && json.error && typeof json.error.message === 'string') {
          parsed = json as AccessErrorBody;
        }
      } catch {
        // not JSON (proxy error page, empty body)
      }
      throw new AccessApiError(
        res.status,
        parsed ?? { error: { name: 'Error', message: `${res.status} ${res.statusText || 'Request failed'}` } },
      );
    }
    return res;
  }

  private async request<T>(method: string, path: string, body?: unknown, pluginId = 'access'): Promise<T> {
    const res = await this.send(pluginId, method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private id(id: string) {
    return encodeURIComponent(id);
  }

  getModel() {
    return this.request<AccessModelView>('GET', '/model');
  }
  getOrg() {
    return this.request<OrgView>('GET', '/org');
  }

  listRoles() {
    return this.request<Role[]>('GET', '/roles');
  }
  getRole(id: string) {
    return this.request<Role>('GET', `/roles/${this.id(id)}`);
  }
  createRole(input: RoleCreate) {
    return this.request<Role>('POST', '/roles', input);
  }
  updateRole(id: string, patch: RoleUpdate) {
    return this.request<Role>('PATCH', `/roles/${this.id(id)}`, patch);
  }
  deleteRole(id: string, version: number) {
    return this.request<void>('DELETE', `/roles/${this.id(id)}${toQueryString({ version })}`);
  }

  listRoleMembers(roleId: string) {
    return this.request<RoleMember[]>('GET', `/roles/${this.id(roleId)}/members`);
  }
  addRoleMember(roleId: string, input: RoleMemberCreate) {
    return this.request<RoleMember>('POST', `/roles/${this.id(roleId)}/members`, input);
  }
  removeRoleMember(roleId: string, memberId: string) {
    return this.request<void>('DELETE', `/roles/${this.id(roleId)}/members/${this.id(memberId)}`);
  }

  listGrants(query: GrantListQuery = {}) {
    return this.request<DirectGrant[]>('GET', `/grants${toQueryString({ ...query })}`);
  }
  createGrant(input: DirectGrantCreate) {
    return this.request<DirectGrant>('POST', '/grants', input);
  }
  deleteGrant(id: string, version: number) {
    return this.request<void>('DELETE', `/grants/${this.id(id)}${toQueryString({ version })}`);
  }

  getEffectiveAccess(userRef: string) {
    return this.request<EffectiveAccess>('GET', `/users/${this.id(userRef)}/effective`);
  }

  previewHandover(request: HandoverRequest) {
    return this.request<HandoverPreview>('POST', '/handovers/preview', request);
  }
  executeHandover(request: HandoverRequest) {
    return this.request<HandoverRecord>('POST', '/handovers', request);
  }
  listHandovers(query: { page?: number; pageSize?: number } = {}) {
    return this.request<Page<HandoverRecord>>('GET', `/handovers${toQueryString(query)}`);
  }

  listAudit(source: AuditSource, query: AuditQueryInput = {}) {
    return this.request<Page<AuditEntry>>('GET', `/audit${toQueryString(query)}`, undefined, source);
  }
  async exportAudit(source: AuditSource, query: AuditQueryInput = {}) {
    const { page: _page, pageSize: _pageSize, ...filters } = query;
    const res = await this.send(
      source,
      'GET',
      `/audit/export${toQueryString(filters)}`,
      undefined,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/json',
    );
    const blob = await res.blob();
    const day = new Date().toISOString().slice(0, 10);
    const filename = filenameFromDisposition(res.headers.get('Content-Disposition')) ?? `audit-${source}-${day}.xlsx`;
    return { blob, filename };
  }
}
