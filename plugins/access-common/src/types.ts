import { AccessAction, DataScope, Label, ResourceModel } from './model';

/** Audit columns of editable access records (roles, grants). */
export interface AccessRecordMeta {
  id: string;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** A page of a server-paged list: the suite's one paging shape. */
export interface Page<T> {
  items: T[];
  totalCount: number;
  page: number;
  pageSize: number;
}

/** Who a grant or role membership is given to. */
export type SubjectKind = 'role' | 'user' | 'department';

/** The scope part of a grant; `departments` only for `specified`. */
export interface ScopeSpec {
  scope: DataScope;
  /** group entity refs, for scope `specified` */
  departments?: string[];
  /** for `specified`: the named departments' sub-departments too */
  includeSubdepartments?: boolean;
}

/** One permission on one resource type with a data scope. */
export interface GrantSpec extends ScopeSpec {
  resourceType: string;
  action: AccessAction;
}

export type FieldMode = 'hidden' | 'readOnly';

export interface FieldRule {
  resourceType: string;
  field: string;
  mode: FieldMode;
}

/** A role: 销售员, 销售经理 … Built-in roles can be edited but not deleted. */
export interface Role extends AccessRecordMeta {
  /** stable id, e.g. `sales-manager`; also what the catalog annotation cocrm.io/roles names */
  key: string;
  name: string;
  description: string | null;
  builtin: boolean;
  grants: GrantSpec[];
  fieldRules: FieldRule[];
  /** explicit members (users and departments) plus the users holding it through the catalog */
  memberCount: number;
  /** users who hold the role through the catalog annotation cocrm.io/roles (managed in the directory, not here) */
  catalogHolders: string[];
}

/** A user or department given a role (department members inherit; optionally sub-departments too). */
export interface RoleMember {
  id: string;
  roleId: string;
  kind: 'user' | 'department';
  ref: string;
  includeSubdepartments: boolean;
  createdBy: string;
  createdAt: string;
}

/**
 * A grant given directly to a user or department, outside any role.
 * `includeSubdepartments` is about the subject (members of sub-departments
 * get it too); the `specified` scope's own flag is `scopeIncludeSubdepartments`.
 */
export interface DirectGrant extends Omit<GrantSpec, 'includeSubdepartments'>, AccessRecordMeta {
  subjectKind: 'user' | 'department';
  subjectRef: string;
  includeSubdepartments: boolean;
  scopeIncludeSubdepartments?: boolean;
}

/** Why a permission, role or field rule applies to a user ("what can this person see?"). */
export type AccessReason =
  | { via: 'role'; roleId: string; roleName: string; membership: RoleMembership }
  | { via: 'user-grant'; grantId: string }
  | { via: 'department-grant'; grantId: string; departmentRef: string; inheritedFrom?: string };

export type RoleMembership =
  | { kind: 'user' }
  | { kind: 'catalog' }
  | { kind: 'department'; departmentRef: string; inheritedFrom?: string };

export interface EffectiveScope extends ScopeSpec {
  reasons: AccessReason[];
}

/** A user's access as the admin UI explains it. */
export interface EffectiveAccess {
  userRef: string;
  displayName: string;
  departments: Array<{ ref: string; displayName: string }>;
  roles: Array<{ roleId: string; key: string; name: string; reasons: AccessReason[] }>;
  permissions: Array<{
    resourceType: string;
    action: AccessAction;
    permission: string;
    /** every grant that applies; the union is what the user gets */
    scopes: EffectiveScope[];
    /** departments the union covers (for department scopes), as display names */
    departmentNames: string[];
    all: boolean;
  }>;
  fields: Array<{ resourceType: string; field: string; mode: FieldMode; reasons: AccessReason[] }>;
}

/**
 * What a permission comes down to for one user: `all`, or the union of
 * records the user owns (`owners`) and records of `departments`. Absent from
 * `CompiledAccess.permissions` means denied.
 */
export interface CompiledPermission {
  all: boolean;
  owners: string[];
  departments: string[];
}

/** A user's compiled access: what the permission policy and field filters need. */
export interface CompiledAccess {
  userRef: string;
  permissions: Record<string, CompiledPermission>;
  /** per resource type: hidden and read-only field names */
  fields: Record<string, { hidden: string[]; readOnly: string[] }>;
}

/** The org as the admin UI shows it. */
export interface OrgView {
  departments: Array<{ ref: string; displayName: string; parent: string | null; leader: string | null; memberCount: number }>;
  users: Array<{ ref: string; displayName: string; title: string | null; departments: string[]; supervisor: string | null; catalogRoles: string[] }>;
  /** problems found in ingested org data (cycles, unknown leaders …), in both languages */
  problems: Array<{ kind: 'parentCycle' | 'unknownLeader' | 'unknownSupervisor' | 'supervisorCycle'; refs: string[]; message: Label }>;
}

export interface AccessModelView {
  resources: ResourceModel[];
}

// ── 工作移交 ──────────────────────────────────────────────────────────────

/** employee: a person's items move to receivers; department: a department's records move to another department */
export type HandoverKind = 'employee' | 'department';

export interface HandoverRequest {
  kind: HandoverKind;
  /** user ref (employee) or group ref (department) */
  from: string;
  /** employee: one or more user refs (items are spread over them in turn); department: exactly one group ref */
  receivers: string[];
  /** item type → receiver, overriding the spread for a whole type (employee handover) */
  receiverByType?: Record<string, string>;
  /** item id → receiver, overriding per item */
  receiverByItem?: Record<string, string>;
  /** leave out item types (e.g. keep visits) */
  excludeTypes?: string[];
  reason?: string;
}

export interface HandoverItemType {
  /** e.g. `crm.customer` */
  type: string;
  label: Label;
  /** permission a receiver must hold (any scope) to take such items */
  requiredPermission: string;
}

export interface HandoverItem {
  type: string;
  id: string;
  title: string;
  /** the user or department the item goes to */
  receiver: string;
  /** what else moves along, e.g. "随客户移交 3 个联系人" */
  note?: Label;
}

export interface HandoverPreview {
  itemTypes: HandoverItemType[];
  items: HandoverItem[];
  /** counts per type */
  counts: Record<string, number>;
  /** problems that block execution (receiver without role, receiver is the giver …) */
  problems: Array<{ receiver?: string; type?: string; message: Label }>;
}

export type HandoverStatus = 'completed' | 'failed' | 'reverted';

export interface HandoverRecord {
  id: string;
  kind: HandoverKind;
  from: string;
  receivers: string[];
  reason: string | null;
  status: HandoverStatus;
  counts: Record<string, number>;
  error: string | null;
  createdBy: string;
  createdAt: string;
}

// ── 审计日志 ──────────────────────────────────────────────────────────────

/** One audited mutation; every plugin's audit endpoint answers in this shape. */
export interface AuditEntry {
  id: string;
  /** plugin that recorded it */
  source: string;
  recordType: string;
  recordId: string;
  /** human label of the record at the time (name, number) */
  summary: string | null;
  action: string;
  actor: string;
  at: string;
  changes: Array<{ field: string; from: unknown; to: unknown }> | null;
}
