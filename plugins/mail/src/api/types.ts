/**
 * The mail API's shapes as this UI uses them: mail-common's types, plus the
 * request bodies typed as the UI builds them and the few reads from the CRM
 * and access plugins.
 */
import type {
  CustomerRef,
  Draft,
  DraftAttachment,
  DraftMode,
  KnowledgeAttachment,
  KnowledgeItem,
  KnowledgeItemSummary,
  MailAccount,
  MailAccountKind,
  MailAddress,
  MailboxView,
  MailFolderView,
  MailLeadSuggestion,
  MailLinkSource,
  MailProvider,
  MailSharing,
  MailSyncFailure,
  MailSyncState,
  MessageAttachmentView,
  MessageView,
  OutboxItem,
  OutboxStatus,
  ParseStatus,
  RemoteImageSender,
  RoutedFullMessage,
  RoutedSubjectMessage,
  RoutedThreadMessage,
  RoutedThreadView,
  ThreadLink,
  ThreadSummary,
  ThreadView,
} from '@cocrm/plugin-mail-common';
import type { Page } from '@cocrm/plugin-access-common';

export type {
  CustomerRef,
  Draft,
  DraftAttachment,
  KnowledgeAttachment,
  KnowledgeItem,
  KnowledgeItemSummary,
  MailAccount,
  MailAddress,
  MailLeadSuggestion,
  MailProvider,
  MailSharing,
  MailSyncFailure,
  MailSyncState,
  MessageView,
  OutboxItem,
  OutboxStatus,
  Page,
  ParseStatus,
  RemoteImageSender,
  RoutedFullMessage,
  RoutedSubjectMessage,
  RoutedThreadMessage,
  ThreadLink,
  ThreadSummary,
};

export type ComposeMode = DraftMode;
export type MailboxKind = MailAccountKind;
export type LinkSource = MailLinkSource;
export type Mailbox = MailboxView;
export type MailboxFolder = MailFolderView;
export type MessageAttachment = MessageAttachmentView;
export type ThreadDetail = ThreadView;
/** A routed thread read through a customer it is linked to (read-only). */
export type RoutedThread = RoutedThreadView;

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

export interface ServerSettingsInput {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** required when connecting (IMAP); left out on edit to keep the stored one, and for SMTP to use the IMAP one */
  password?: string;
}

/** POST /accounts and (with version) PUT /accounts/:id, as the settings dialog sends them. */
export interface MailAccountInput {
  provider: MailProvider;
  kind: MailAccountKind;
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

/** POST /accounts/test: the logins work; the IMAP folders, to choose which to sync. */
export interface AccountTestResult {
  imap: 'ok';
  smtp: 'ok' | 'skipped';
  folders: string[];
}

/** What the server can connect: Microsoft 365 only once app credentials are configured. */
export interface MailProviders {
  graph: boolean;
}

// ---- webmail

export interface ThreadQuery {
  accountId?: string;
  folderId?: string;
  q?: string;
  unread?: boolean;
  page?: number;
  pageSize?: number;
}

// ---- compose

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
  /** null clears it: the mail then names no customer */
  customerId?: string | null;
}

// ---- CRM (read through the CRM plugin's own API, so its data scope applies)

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
