/** Mail types shared by the backend and (later) the webmail UI. Times are ISO strings (UTC). */

export type MailProvider = 'imap' | 'graph';
export type MailAccountKind = 'personal' | 'shared';
/** How a mailbox's routed mail shows on customer pages to those who may see the customer but not the mailbox. */
export type MailSharing = 'everything' | 'subject' | 'nothing';

export interface MailServerSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
}

/**
 * A mailbox as the API shows it: passwords are write-only and never appear here.
 * Personal mailboxes belong to their owner; shared ones (sales@, service@) are
 * connected by admins and read by the members of `readerDepartments`.
 */
export interface MailAccount {
  id: string;
  owner: string;
  kind: MailAccountKind;
  provider: MailProvider;
  displayName: string;
  email: string;
  /** further addresses of this mailbox, recognised as its owner's */
  aliases: string[];
  /** IMAP server (provider 'imap') */
  imap: MailServerSettings | null;
  /** SMTP server for sending (provider 'imap'); its password defaults to the IMAP one */
  smtp: MailServerSettings | null;
  /** the Microsoft 365 mailbox (provider 'graph') */
  graphMailbox: string | null;
  /** folders to sync; empty = the inbox and the sent folder */
  folders: string[];
  sentFolder: string | null;
  sharing: MailSharing;
  readerDepartments: string[];
  /** store a lead suggestion for mail from an unknown external sender */
  suggestLeads: boolean;
  syncEnabled: boolean;
  ownerDepartment: string | null;
  lastSyncAt: string | null;
  lastSyncError: string | null;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** A mail address as parsed from a header; name decoded (Chinese charsets included). */
export interface MailAddress {
  name: string;
  address: string;
}

export interface MailAttachmentMeta {
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}

export type ParseStatus = 'pending' | 'parsed' | 'failed';

/**
 * A logical message: one per Message-ID (normalised), or per stable hash of
 * stable headers and body when a message has none. Its copies live in folders.
 */
export interface MailMessage {
  id: string;
  /** `m:<message-id>` or `h:<sha256>` */
  messageKey: string;
  messageIdHeader: string | null;
  parseStatus: ParseStatus;
  parseError: string | null;
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** from the first copy's IMAP INTERNALDATE: mailparser invents dates for invalid Date headers */
  receivedAt: string;
  text: string | null;
  html: string | null;
  attachments: MailAttachmentMeta[];
  inReplyTo: string | null;
  references: string[];
  size: number;
}

/** A physical copy: (account, folder, UIDVALIDITY, UID). */
export interface MailCopy {
  id: string;
  accountId: string;
  folder: string;
  uidValidity: string;
  uid: number;
  messageId: string;
  flags: string[];
  deletedAt: string | null;
}

/** The per-folder cursor; UIDVALIDITY and MODSEQ are 64-bit, so strings. */
export interface MailFolderState {
  path: string;
  uidValidity: string | null;
  lastUid: number;
  highestModseq: string | null;
  lastSyncedAt: string | null;
  messageCount: number;
}

export interface MailSyncFailure {
  messageId: string;
  messageKey: string;
  reason: string;
  attempts: number;
  failedAt: string;
}

export interface MailSyncState {
  accountId: string;
  lastSyncAt: string | null;
  lastError: string | null;
  folders: MailFolderState[];
  counts: { messages: number; parsed: number; failed: number; pending: number; deleted: number };
  failures: MailSyncFailure[];
}

/** What one syncAccount run did. */
export interface MailSyncResult {
  accountId: string;
  folders: Array<{
    path: string;
    added: number;
    flagsUpdated: number;
    deleted: number;
    fullResync: boolean;
    /** how changes to held messages were found: QRESYNC (VANISHED), CONDSTORE + UID search, full flag fetch + UID search, or a Graph delta query */
    changeDetection: 'qresync' | 'condstore' | 'search' | 'delta' | 'none';
  }>;
  parsed: number;
  failed: number;
}
