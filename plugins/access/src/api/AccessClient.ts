import { createApiRef } from '@backstage/frontend-plugin-api';
import { accessMessage } from '@cocrm/plugin-access-common';
import { SuiteApiError, SuiteHttp, toQueryString } from '@cocrm/suite-react';
import type { SuiteErrorBody, SuiteHttpOptions } from '@cocrm/suite-react';
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
export type AccessErrorBody = SuiteErrorBody;

const STALE_MESSAGES = new Set([accessMessage('zh-CN', 'staleVersion'), accessMessage('en', 'staleVersion')]);

/** An HTTP error answered by a suite backend, with its parsed body. */
export class AccessApiError extends SuiteApiError {
  constructor(status: number, body: AccessErrorBody) {
    super(status, body);
    this.name = 'AccessApiError';
  }

  /**
   * 409 because someone else saved first. Other 409s (built-in role, role in
   * use, member exists) carry their own message and a reload would not help,
   * so only the backend's stale-version text (in either language) counts.
   */
  override get isStale(): boolean {
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

export type AccessClientOptions = SuiteHttpOptions;

export class AccessClient implements AccessApi {
  private readonly http: SuiteHttp;

  constructor(options: AccessClientOptions) {
    this.http = new SuiteHttp(options, {
      pluginId: 'access',
      createError: (status, body) => new AccessApiError(status, body),
    });
  }

  private request<T>(method: string, path: string, body?: unknown, pluginId?: string): Promise<T> {
    return this.http.request<T>(method, path, body, { pluginId });
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
  exportAudit(source: AuditSource, query: AuditQueryInput = {}) {
    const { page: _page, pageSize: _pageSize, ...filters } = query;
    const day = new Date().toISOString().slice(0, 10);
    return this.http.download(`/audit/export${toQueryString(filters)}`, `audit-${source}-${day}.xlsx`, {
      pluginId: source,
    });
  }
}
