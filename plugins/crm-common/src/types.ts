/**
 * Audit columns every editable CRM record carries.
 *
 * Optional fields of Customer, Contact and Visit are the ones a role's field
 * rules can hide: the backend leaves them out entirely for such a caller.
 */
export interface RecordMeta {
  id: string;
  /** Optimistic-locking version; send it back on update/delete. */
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  deletedAt: string | null;
  deletedBy: string | null;
}

export const CUSTOMER_TYPES = ['enterprise', 'government', 'institution', 'individual', 'other'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const CUSTOMER_LEVELS = ['A', 'B', 'C', 'D'] as const;
export type CustomerLevel = (typeof CUSTOMER_LEVELS)[number];

/** 潜在 / 意向 / 成交 / 流失 */
export const CUSTOMER_STATUSES = ['potential', 'intent', 'deal', 'lost'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** 行业地位 */
export const INDUSTRY_POSITIONS = ['leader', 'major', 'ordinary', 'small'] as const;
export type IndustryPosition = (typeof INDUSTRY_POSITIONS)[number];

/** 代理/经销 */
export const CHANNELS = ['direct', 'agent', 'distributor'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 客户来源 */
export const CUSTOMER_SOURCES = ['referral', 'website', 'exhibition', 'cold-call', 'campaign', 'partner', 'other'] as const;
export type CustomerSource = (typeof CUSTOMER_SOURCES)[number];

/** Money in integer minor units (分) with its currency. */
export interface Money {
  amount: number;
  currency: string;
}

export interface Customer extends RecordMeta {
  /** 客户编号, e.g. KH000123 */
  number: string;
  name: string;
  shortName?: string | null;
  /** 统一社会信用代码 */
  unifiedSocialCreditCode?: string | null;
  type?: CustomerType;
  level?: CustomerLevel | null;
  /** GB/T 4754 division code (大类, two digits) */
  industryCode?: string | null;
  industryPosition?: IndustryPosition | null;
  /** GB/T 2260 code of the most precise region chosen (province, city or district) */
  regionCode?: string | null;
  address?: string | null;
  postcode?: string | null;
  phone?: string | null;
  website?: string | null;
  /** 邮箱域名: mail from these domains is routed to the customer (lower-case; never a free-mail domain; each domain belongs to one customer) */
  mailDomains?: string[];
  annualRevenue?: Money | null;
  /** YYYY-MM-DD */
  foundedOn?: string | null;
  employeeCount?: number | null;
  mainCustomers?: string | null;
  managementStyle?: string | null;
  expectedPurchase?: Money | null;
  parentId?: string | null;
  parentName?: string | null;
  /** 隶属集团: the group headquarters as a customer record */
  groupId?: string | null;
  groupName?: string | null;
  channel?: Channel | null;
  source?: CustomerSource | null;
  status: CustomerStatus;
  /** 客户经理: catalog user entity refs */
  accountManagers: string[];
  /** 归属部门: the department whose data scope the customer falls in (group entity ref) */
  ownerDepartment: string | null;
  remark?: string | null;
}

/** Fields a client may write on a customer. */
export interface CustomerInput {
  name: string;
  shortName?: string | null;
  unifiedSocialCreditCode?: string | null;
  type?: CustomerType;
  level?: CustomerLevel | null;
  industryCode?: string | null;
  industryPosition?: IndustryPosition | null;
  regionCode?: string | null;
  address?: string | null;
  postcode?: string | null;
  phone?: string | null;
  website?: string | null;
  mailDomains?: string[];
  annualRevenue?: Money | null;
  foundedOn?: string | null;
  employeeCount?: number | null;
  mainCustomers?: string | null;
  managementStyle?: string | null;
  expectedPurchase?: Money | null;
  parentId?: string | null;
  groupId?: string | null;
  channel?: Channel | null;
  source?: CustomerSource | null;
  status?: CustomerStatus;
  accountManagers?: string[];
  /** 归属部门; by default the first account manager's department */
  ownerDepartment?: string | null;
  remark?: string | null;
}

export const GENDERS = ['male', 'female', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export interface Contact extends RecordMeta {
  customerId: string;
  customerName: string;
  name: string;
  gender?: Gender;
  department?: string | null;
  /** 职务 */
  title?: string | null;
  /** 岗位 */
  position?: string | null;
  mobile?: string | null;
  phone?: string | null;
  emails?: string[];
  wechat?: string | null;
  /** YYYY-MM-DD */
  birthday?: string | null;
  /** Derived from birthday, in whole years (Asia/Shanghai calendar). */
  age?: number | null;
  hobbies?: string | null;
  /** 个人需求点 */
  personalNeeds?: string | null;
  /** data: URL of a small image */
  photo?: string | null;
  keyDecisionMaker?: boolean;
  remark?: string | null;
}

export interface ContactInput {
  customerId: string;
  name: string;
  gender?: Gender;
  department?: string | null;
  title?: string | null;
  position?: string | null;
  mobile?: string | null;
  phone?: string | null;
  emails?: string[];
  wechat?: string | null;
  birthday?: string | null;
  hobbies?: string | null;
  personalNeeds?: string | null;
  photo?: string | null;
  keyDecisionMaker?: boolean;
  remark?: string | null;
}

/** 上下级, 亲戚, 同学, 朋友, 前同事, 同事, 合作伙伴, 其他 */
export const CONTACT_RELATION_TYPES = [
  'superior',
  'relative',
  'classmate',
  'friend',
  'former-colleague',
  'colleague',
  'partner',
  'other',
] as const;
export type ContactRelationType = (typeof CONTACT_RELATION_TYPES)[number];

export const RELATION_STRENGTHS = ['strong', 'medium', 'weak'] as const;
export type RelationStrength = (typeof RELATION_STRENGTHS)[number];

/** A relation between two contacts; for 'superior', `fromContactId` is the superior. */
export interface ContactRelation extends RecordMeta {
  fromContactId: string;
  toContactId: string;
  type: ContactRelationType;
  strength: RelationStrength;
  remark: string | null;
}

export interface ContactRelationInput {
  fromContactId: string;
  toContactId: string;
  type: ContactRelationType;
  strength?: RelationStrength;
  remark?: string | null;
}

export interface Visit extends RecordMeta {
  customerId: string;
  customerName: string;
  /** 拜访人 */
  visitorRef: string;
  /** ISO timestamp */
  visitedAt: string;
  contactIds?: string[];
  contactNames?: string[];
  content?: string;
  /** 陪同人员: user entity refs */
  companions?: string[];
  nextPlan?: string | null;
}

export interface VisitInput {
  customerId: string;
  visitorRef?: string;
  visitedAt: string;
  contactIds?: string[];
  content: string;
  companions?: string[];
  nextPlan?: string | null;
}

/** 合同格式: 标准合同 / 非标准合同 */
export const CONTRACT_FORMATS = ['standard', 'non-standard'] as const;
export type ContractFormat = (typeof CONTRACT_FORMATS)[number];

/** 合同类型: 销售合同 / 服务合同 / 框架协议 / 采购合同 / 其他 (labels in dictionaries/contracts.ts) */
export const CONTRACT_TYPES = ['sales', 'service', 'framework', 'purchase', 'other'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

/**
 * 审批状态: 草稿 / 审批中 / 已退回 / 已通过 / 已驳回 / 已撤销. Only the
 * approval workflow moves a contract out of `draft` (through 提交审批).
 */
export const CONTRACT_STATUSES = ['draft', 'in_approval', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** Statuses in which a contract may be edited (and its attachments changed). */
export const CONTRACT_EDITABLE_STATUSES: readonly ContractStatus[] = ['draft', 'returned', 'rejected', 'withdrawn'];
/** Statuses from which 提交审批 starts a new approval (a returned one is resubmitted instead). */
export const CONTRACT_SUBMITTABLE_STATUSES: readonly ContractStatus[] = ['draft', 'rejected', 'withdrawn'];
/** Statuses in which a contract may be deleted: no approval is open or done. */
export const CONTRACT_DELETABLE_STATUSES: readonly ContractStatus[] = ['draft', 'rejected', 'withdrawn'];

/** A file stored with a record (the CRM keeps them in its own database). */
export interface Attachment {
  id: string;
  fileName: string;
  /** the type found in the file's content, not the one the uploader claimed */
  contentType: string;
  /** bytes */
  size: number;
  createdBy: string;
  createdAt: string;
}

/** Largest attachment the CRM accepts, in bytes (20 MB). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** Most attachments one record may have. */
export const MAX_ATTACHMENTS_PER_RECORD = 50;

export interface Contract extends RecordMeta {
  /** 合同编号, e.g. HT000123 */
  number: string;
  /** 合同名称 */
  name: string;
  customerId: string;
  customerName: string;
  /** 合同格式 */
  format?: ContractFormat;
  /** 合同类型 */
  contractType?: ContractType;
  /** 合同金额 (分, > 0) */
  amount?: Money;
  /** 签订日期 YYYY-MM-DD */
  signedAt?: string | null;
  /** 开始日期 YYYY-MM-DD */
  startDate?: string | null;
  /** 结束日期 YYYY-MM-DD, not before the start */
  endDate?: string | null;
  /** 付款约定 */
  paymentTerms?: string | null;
  /** 合同遵循标准 */
  standard?: string | null;
  /** 合同中重要事项 */
  keyTerms?: string | null;
  remark?: string | null;
  /** 负责人: a catalog user ref */
  owner: string;
  /** 归属部门: the department whose data scope the contract falls in */
  ownerDepartment: string | null;
  status: ContractStatus;
  /** the approval (workflow instance) the status comes from */
  workflowInstanceId: string | null;
  /** that instance's version last applied; older status events are ignored */
  workflowVersion: number | null;
  /** only in the answer of one contract */
  attachments?: Attachment[];
}

export interface ContractInput {
  name: string;
  customerId: string;
  format?: ContractFormat;
  contractType?: ContractType;
  amount: Money;
  signedAt?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  paymentTerms?: string | null;
  standard?: string | null;
  keyTerms?: string | null;
  remark?: string | null;
  /** 负责人; by default the creator */
  owner?: string;
  /** 归属部门; by default the owner's primary department */
  ownerDepartment?: string | null;
}

/** The suite's one paging shape (defined with the access model, shared by every plugin). */
export type { Page } from '@cocrm/plugin-access-common';

export interface PageQuery {
  page?: number;
  pageSize?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface CustomerListQuery extends PageQuery {
  q?: string;
  /** a section letter (A–T) or a division code (two digits) */
  industry?: string;
  /** province, city or district code: matches the region and everything inside it */
  region?: string;
  level?: CustomerLevel[];
  status?: CustomerStatus[];
  accountManager?: string;
  createdFrom?: string;
  createdTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
  /** list the recycle bin instead */
  deleted?: boolean;
}

export interface ContactListQuery extends PageQuery {
  q?: string;
  customerId?: string;
  keyDecisionMaker?: boolean;
  createdFrom?: string;
  createdTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
  deleted?: boolean;
}

export interface VisitListQuery extends PageQuery {
  customerId?: string;
  contactId?: string;
  visitorRef?: string;
  from?: string;
  to?: string;
}

export interface ContractListQuery extends PageQuery {
  /** 合同编号, 合同名称 or 客户名称 */
  q?: string;
  status?: ContractStatus[];
  contractType?: ContractType[];
  customerId?: string;
  owner?: string;
  signedFrom?: string;
  signedTo?: string;
  deleted?: boolean;
}

/** One entry of the customer 360° timeline; `source` names the feed it came from. */
export interface TimelineEntry {
  id: string;
  source: string;
  kind: string;
  at: string;
  actor: string | null;
  title: string;
  /** field-level changes for record events */
  changes?: Array<{ field: string; from: unknown; to: unknown }>;
  /** link target inside the portal, relative to the CRM root */
  link?: { type: string; id: string };
  summary?: string;
  /** the amount of the document the entry is about (a contract's 合同金额), unless hidden from the caller */
  amount?: Money;
}

export interface TimelinePage {
  items: TimelineEntry[];
  /** pass as `before` to get the next page; null at the end */
  nextBefore: string | null;
}

export interface GraphNode {
  id: string;
  kind: 'customer' | 'contact';
  label: string;
  /** the customer whose page this is */
  focus?: boolean;
  subtitle?: string | null;
  keyDecisionMaker?: boolean;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: 'parent' | 'group' | 'employs' | ContactRelationType;
  strength?: RelationStrength;
}

export interface CustomerGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Body of every 4xx/5xx the CRM answers (Backstage's error shape plus field details). */
export interface CrmErrorBody {
  error: {
    name: string;
    message: string;
    /** field path → message in the caller's language */
    fields?: Record<string, string>;
    /** for duplicates: the record that already exists */
    existing?: { type: 'customer'; id: string; number: string; name: string };
  };
}
