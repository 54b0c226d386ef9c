/**
 * The mail API's shapes as this UI uses them. Written from the issue's
 * contract while the backend helpers write mail-common's webmail.ts,
 * compose.ts and routing.ts; what already exists in mail-common is taken
 * from there.
 */
import type { MailAddress, MailSyncFailure, MailSyncState } from '@cocrm/plugin-mail-common';
import type { Page } from '@cocrm/plugin-access-common';

export type { MailAddress, MailSyncFailure, MailSyncState, Page };

// ---- errors

/** The mail backend's error body: field messages come as a list of paths. */
export interface MailErrorBody {
  error: {
    name: string;
    key?: string;
    message: string;
    fields?: Array<{ path: string; key?: string; message: string }>;
  };
}

// ---- accounts

export type MailProvider = 'imap' | 'graph';
export type MailboxKind = 'personal' | 'shared';
/** How routed mail of the mailbox shows on customer pages to others. */
export type MailSharing = 'everything' | 'subject' | 'nothing';

export interface ServerSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
}

/** A connected mailbox; passwords are write-only and never come back. */
export interface MailAccountView {
  id: string;
  owner: string;
  provider?: MailProvider;
  kind?: MailboxKind;
  displayName: string;
  email: string;
  imap: ServerSettings;
  /** null when sending goes through the IMAP host's defaults (or Graph) */
  smtp?: ServerSettings | null;
  /** Microsoft 365: the mailbox (UPN) */
  graphMailbox?: string | null;
  folders: string[];
  aliases?: string[];
  sharing?: MailSharing;
  readerDepartments?: string[];
  suggestLeads?: boolean;
  syncEnabled?: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ServerSettingsInput extends ServerSettings {
  /** required when connecting; left out on edit to keep the stored one */
  password?: string;
}

/** POST /accounts, POST /accounts/test and (with version) PUT /accounts/:id. */
export interface MailAccountInput {
  provider: MailProvider;
  kind: MailboxKind;
  displayName: string;
  email: string;
  imap?: ServerSettingsInput;
  smtp?: ServerSettingsInput;
  graphMailbox?: string;
  folders: string[];
  aliases: string[];
  sharing: MailSharing;
  readerDepartments: string[];
  suggestLeads: boolean;
}

/** What the connection test found; folders lets the dialog offer what to sync. */
export interface AccountTestResult {
  ok: boolean;
  folders?: string[];
  message?: string;
}

/** What the server can connect: Microsoft 365 only once app credentials are configured. */
export interface MailProviders {
  graph: boolean;
}

// ---- webmail (read)

export interface MailboxFolder {
  id: string;
  path: string;
  name: string;
  /** IMAP special use: \Inbox, \Sent, \Drafts, \Trash, \Junk, \Archive … (null for ordinary folders) */
  specialUse: string | null;
  total: number;
  unread: number;
}

export interface Mailbox {
  accountId: string;
  displayName: string;
  email: string;
  kind: MailboxKind;
  provider: MailProvider;
  folders: MailboxFolder[];
}

export interface CustomerRef {
  id: string;
  name: string;
}

export interface ThreadSummary {
  threadId: string;
  subject: string | null;
  participants: MailAddress[];
  lastAt: string;
  messageCount: number;
  /** unread messages in the thread (a boolean from older servers) */
  unread: number | boolean;
  hasAttachments: boolean;
  snippet: string | null;
  latestMessageId: string;
  customers: CustomerRef[];
}

export interface ThreadQuery {
  accountId?: string;
  folderId?: string;
  q?: string;
  unread?: boolean;
  page?: number;
  pageSize?: number;
}

export interface MessageAttachment {
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
  url: string;
}

export type ParseStatus = 'pending' | 'parsed' | 'failed';

export interface MessageView {
  id: string;
  messageIdHeader: string | null;
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  receivedAt: string;
  text: string | null;
  /** sanitized; remote images replaced unless allowed */
  html: string | null;
  remoteImagesBlocked: boolean;
  senderAllowed: boolean;
  attachments: MessageAttachment[];
  flags: string[];
  accountIds: string[];
  threadId: string | null;
  parseStatus: ParseStatus;
  parseError: string | null;
}

export type LinkSource = 'contact' | 'domain' | 'thread' | 'record' | 'manual';

export interface ThreadLink {
  customerId: string;
  customerName: string;
  contactIds: string[];
  source: LinkSource;
  state: 'linked' | 'unlinked';
  by: string | null;
  at: string;
}

export interface ThreadDetail {
  threadId: string;
  subject: string | null;
  messages: MessageView[];
  links: ThreadLink[];
}

export interface KnowledgeAttachment {
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
}

/** A mail saved as knowledge (转为知识): kept with its attachments. */
export interface KnowledgeItem {
  id: string;
  title: string;
  note: string | null;
  messageId: string | null;
  subject: string | null;
  from: MailAddress | MailAddress[] | null;
  receivedAt: string | null;
  text: string | null;
  html: string | null;
  attachments: KnowledgeAttachment[];
  createdBy: string;
  createdAt: string;
}

// ---- compose

export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward';

export interface DraftAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface Draft {
  id: string;
  accountId: string;
  mode: ComposeMode;
  sourceMessageId: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  html: string;
  attachments: DraftAttachment[];
  customerId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface DraftCreateInput {
  accountId: string;
  mode: ComposeMode;
  sourceMessageId?: string;
  to?: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject?: string;
  html?: string;
  customerId?: string;
}

export interface DraftUpdateInput {
  version: number;
  accountId: string;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  html: string;
}

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface OutboxItem {
  id: string;
  draftId: string | null;
  accountId: string;
  subject: string;
  to: MailAddress[];
  status: OutboxStatus;
  error: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  messageId: string | null;
}

// ---- CRM (read through the CRM plugin's own API)

export interface CrmCustomerOption {
  id: string;
  name: string;
  number?: string;
}

export interface CrmContactOption {
  id: string;
  name: string;
  customerName?: string;
  emails?: string[];
}

// ---- org (access plugin), for the shared mailbox's reader departments

export interface OrgDirectory {
  departments: Array<{ ref: string; displayName: string }>;
  users: Array<{ ref: string; displayName: string; title: string | null; departments: string[] }>;
}

/** Whether the signed-in user may manage every mailbox (connects shared mailboxes). */
export interface OwnMailAccess {
  manageAll: boolean;
}
