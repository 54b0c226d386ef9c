import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CompiledAccess, OrgView } from '@cocrm/plugin-access-common';
import { SuiteApiError, SuiteHttp, toQueryString } from '@cocrm/suite-react';
import type { SuiteDownload, SuiteErrorBody, SuiteHttpOptions } from '@cocrm/suite-react';
import type {
  AccountTestResult,
  CrmContactOption,
  CrmCustomerOption,
  Draft,
  DraftAttachment,
  DraftCreateInput,
  DraftUpdateInput,
  KnowledgeItem,
  KnowledgeItemSummary,
  MailAccountInput,
  MailAccount,
  Mailbox,
  MailLeadSuggestion,
  MailErrorBody,
  MailProviders,
  MailSyncState,
  MessageView,
  OrgDirectory,
  OutboxItem,
  OwnMailAccess,
  Page,
  RemoteImageSender,
  RoutedThread,
  ThreadDetail,
  ThreadLink,
  ThreadQuery,
  ThreadSummary,
} from './types';

/**
 * An HTTP error answered by the mail backend. Its field errors come as a list
 * of `{ path, message }`; `fields` offers them by path like every suite error.
 */
export class MailApiError extends SuiteApiError<MailErrorBody & SuiteErrorBody> {
  constructor(status: number, body: MailErrorBody) {
    super(status, body as MailErrorBody & SuiteErrorBody);
    this.name = 'MailApiError';
  }

  override get fields(): Record<string, string> {
    const raw: unknown = this.body.error.fields;
    if (Array.isArray(raw)) {
      const out: Record<string, string> = {};
      for (const f of raw as Array<{ path?: unknown; message?: unknown }>) {
        if (typeof f?.path === 'string' && typeof f.message === 'string' && !(f.path in out)) out[f.path] = f.message;
      }
      return out;
    }
    // a record, as the other suite backends answer
    return (raw as Record<string, string> | undefined) ?? {};
  }

  /**
   * Someone else saved first (staleDraft, staleAccount): reloading helps.
   * Other 409s say the thing is in another state (not parsed yet, not failed)
   * or clash with another record (an address in use, with field messages).
   */
  override get isStale(): boolean {
    if (this.status !== 409) return false;
    const key = this.body.error.key;
    return key ? key.startsWith('stale') : !this.body.error.fields?.length;
  }

  /** The message key (e.g. "staleDraft"), when the backend sent one. */
  get key(): string | undefined {
    return this.body.error.key;
  }
}

/** Upload progress: bytes sent of the file's size. */
export type UploadProgress = (loaded: number, total: number) => void;

/** Typed client of the mail backend (`/api/mail`), plus the few reads the UI needs from the CRM and access plugins. */
export interface MailApi {
  // accounts
  listAccounts(): Promise<{ items: MailAccount[] }>;
  getProviders(): Promise<MailProviders>;
  /** tries the login; `accountId` lets an edit test with the stored passwords */
  testAccount(input: MailAccountInput & { accountId?: string }): Promise<AccountTestResult>;
  createAccount(input: MailAccountInput): Promise<MailAccount>;
  updateAccount(id: string, input: Partial<MailAccountInput> & { version: number }): Promise<MailAccount>;
  deleteAccount(id: string, version: number): Promise<void>;
  getSyncState(id: string): Promise<MailSyncState>;
  syncNow(id: string): Promise<void>;
  retryMessage(accountId: string, messageId: string): Promise<void>;

  // webmail
  listMailboxes(): Promise<{ items: Mailbox[] }>;
  listThreads(query: ThreadQuery): Promise<Page<ThreadSummary>>;
  getThread(threadId: string): Promise<ThreadDetail>;
  /** one message; `showRemoteImages` renders its remote images this once */
  getMessage(id: string, options?: { showRemoteImages?: boolean }): Promise<MessageView>;
  setFlags(messageId: string, flags: { seen?: boolean; flagged?: boolean }): Promise<void>;
  downloadAttachment(messageId: string, index: number, fallbackName: string): Promise<SuiteDownload>;
  downloadRaw(messageId: string): Promise<SuiteDownload>;
  trustSender(address: string): Promise<void>;
  /** the senders whose remote images the caller sees */
  listTrustedSenders(): Promise<{ items: RemoteImageSender[] }>;
  untrustSender(address: string): Promise<void>;
  saveKnowledge(messageId: string, input: { title?: string; note?: string }): Promise<KnowledgeItem>;
  listKnowledge(query: { page?: number; pageSize?: number; q?: string }): Promise<Page<KnowledgeItemSummary>>;
  getKnowledge(id: string, options?: { showRemoteImages?: boolean }): Promise<KnowledgeItem>;
  deleteKnowledge(id: string): Promise<void>;
  downloadKnowledgeAttachment(id: string, index: number, fallbackName: string): Promise<SuiteDownload>;

  // routing
  listLinks(threadId: string): Promise<{ items: ThreadLink[] }>;
  linkCustomer(threadId: string, customerId: string): Promise<void>;
  unlinkCustomer(threadId: string, customerId: string): Promise<void>;
  /** a thread routed to the customer, as far as the caller may see it there (read-only; also for those who do not read the mailbox) */
  getRoutedThread(
    customerId: string,
    threadId: string,
    options?: { showRemoteImages?: boolean },
  ): Promise<RoutedThread>;
  /** an attachment of a message shared in full through the customer */
  downloadRoutedAttachment(
    customerId: string,
    messageId: string,
    index: number,
    fallbackName: string,
  ): Promise<SuiteDownload>;
  /** unknown external senders of the readable mailboxes that ask for lead suggestions, the latest mail first */
  listLeadSuggestions(query: { page?: number; pageSize?: number }): Promise<Page<MailLeadSuggestion>>;

  // compose
  listDrafts(query: { page?: number; pageSize?: number }): Promise<Page<Draft>>;
  createDraft(input: DraftCreateInput): Promise<Draft>;
  getDraft(id: string): Promise<Draft>;
  updateDraft(id: string, input: DraftUpdateInput): Promise<Draft>;
  deleteDraft(id: string, version: number): Promise<void>;
  uploadAttachment(
    draftId: string,
    file: File,
    onProgress?: UploadProgress,
    signal?: AbortSignal,
  ): Promise<DraftAttachment>;
  removeAttachment(draftId: string, attachmentId: string): Promise<void>;
  sendDraft(id: string, version: number): Promise<OutboxItem>;
  listOutbox(query: { page?: number; pageSize?: number }): Promise<Page<OutboxItem>>;
  retryOutbox(id: string): Promise<OutboxItem>;
  resendOutbox(id: string): Promise<OutboxItem>;

  // other plugins
  searchCustomers(q: string): Promise<CrmCustomerOption[]>;
  /** one customer by id, through the CRM (404/403 when gone or out of the caller's scope) */
  getCustomer(id: string): Promise<CrmCustomerOption>;
  searchContacts(q: string): Promise<CrmContactOption[]>;
  getOrg(): Promise<OrgDirectory>;
  getOwnAccess(userRef: string): Promise<OwnMailAccess>;
}

export const mailApiRef = createApiRef<MailApi>({ id: 'plugin.mail.api' });

export interface MailClientOptions extends SuiteHttpOptions {
  /** gives the Backstage token to uploads, which go through XMLHttpRequest for their progress */
  getToken?: () => Promise<string | undefined>;
}

export class MailClient implements MailApi {
  private readonly http: SuiteHttp;
  private readonly options: MailClientOptions;

  constructor(options: MailClientOptions) {
    this.options = options;
    this.http = new SuiteHttp(options, {
      pluginId: 'mail',
      createError: (status, body) => new MailApiError(status, body as MailErrorBody),
    });
  }

  private request<T>(method: string, path: string, body?: unknown, pluginId?: string): Promise<T> {
    return this.http.request<T>(method, path, body, { pluginId });
  }

  private id(id: string) {
    return encodeURIComponent(id);
  }

  private paged(query: { page?: number; pageSize?: number; q?: string }) {
    return toQueryString({ page: query.page, pageSize: query.pageSize, q: query.q });
  }

  // ---- accounts
  listAccounts() {
    return this.request<{ items: MailAccount[] }>('GET', '/accounts');
  }
  async getProviders() {
    return this.request<MailProviders>('GET', '/accounts/providers');
  }
  testAccount(input: MailAccountInput & { accountId?: string }) {
    return this.request<AccountTestResult>('POST', '/accounts/test', input);
  }
  createAccount(input: MailAccountInput) {
    return this.request<MailAccount>('POST', '/accounts', input);
  }
  updateAccount(id: string, input: Partial<MailAccountInput> & { version: number }) {
    return this.request<MailAccount>('PUT', `/accounts/${this.id(id)}`, input);
  }
  deleteAccount(id: string, version: number) {
    return this.request<void>('DELETE', `/accounts/${this.id(id)}${toQueryString({ version })}`);
  }
  getSyncState(id: string) {
    return this.request<MailSyncState>('GET', `/accounts/${this.id(id)}/sync-state`);
  }
  async syncNow(id: string) {
    await this.request<unknown>('POST', `/accounts/${this.id(id)}/sync`);
  }
  async retryMessage(accountId: string, messageId: string) {
    await this.request<unknown>('POST', `/accounts/${this.id(accountId)}/messages/${this.id(messageId)}/retry`);
  }

  // ---- webmail
  listMailboxes() {
    return this.request<{ items: Mailbox[] }>('GET', '/mailboxes');
  }
  listThreads(query: ThreadQuery) {
    return this.request<Page<ThreadSummary>>(
      'GET',
      `/threads${toQueryString({
        accountId: query.accountId,
        folderId: query.folderId,
        q: query.q,
        unread: query.unread ? true : undefined,
        page: query.page,
        pageSize: query.pageSize,
      })}`,
    );
  }
  getThread(threadId: string) {
    return this.request<ThreadDetail>('GET', `/threads/${this.id(threadId)}`);
  }
  getMessage(id: string, options: { showRemoteImages?: boolean } = {}) {
    return this.request<MessageView>(
      'GET',
      `/messages/${this.id(id)}${toQueryString({ remoteImages: options.showRemoteImages ? 'show' : undefined })}`,
    );
  }
  async setFlags(messageId: string, flags: { seen?: boolean; flagged?: boolean }) {
    await this.request<unknown>('POST', `/messages/${this.id(messageId)}/flags`, flags);
  }
  downloadAttachment(messageId: string, index: number, fallbackName: string) {
    return this.http.download(`/messages/${this.id(messageId)}/attachments/${index}`, fallbackName, {
      accept: '*/*',
    });
  }
  downloadRaw(messageId: string) {
    return this.http.download(`/messages/${this.id(messageId)}/raw`, 'message.eml', { accept: 'message/rfc822, */*' });
  }
  async trustSender(address: string) {
    await this.request<unknown>('POST', '/remote-images/senders', { address });
  }
  listTrustedSenders() {
    return this.request<{ items: RemoteImageSender[] }>('GET', '/remote-images/senders');
  }
  async untrustSender(address: string) {
    await this.request<unknown>('DELETE', `/remote-images/senders/${this.id(address)}`);
  }
  saveKnowledge(messageId: string, input: { title?: string; note?: string }) {
    return this.request<KnowledgeItem>('POST', `/messages/${this.id(messageId)}/knowledge`, input);
  }
  listKnowledge(query: { page?: number; pageSize?: number; q?: string }) {
    return this.request<Page<KnowledgeItemSummary>>('GET', `/knowledge${this.paged(query)}`);
  }
  getKnowledge(id: string, options: { showRemoteImages?: boolean } = {}) {
    return this.request<KnowledgeItem>(
      'GET',
      `/knowledge/${this.id(id)}${toQueryString({ remoteImages: options.showRemoteImages ? 'show' : undefined })}`,
    );
  }
  async deleteKnowledge(id: string) {
    await this.request<unknown>('DELETE', `/knowledge/${this.id(id)}`);
  }
  downloadKnowledgeAttachment(id: string, index: number, fallbackName: string) {
    return this.http.download(`/knowledge/${this.id(id)}/attachments/${index}`, fallbackName, { accept: '*/*' });
  }

  // ---- routing
  listLinks(threadId: string) {
    return this.request<{ items: ThreadLink[] }>('GET', `/threads/${this.id(threadId)}/links`);
  }
  async linkCustomer(threadId: string, customerId: string) {
    await this.request<unknown>('POST', `/threads/${this.id(threadId)}/links`, { customerId });
  }
  async unlinkCustomer(threadId: string, customerId: string) {
    await this.request<unknown>('DELETE', `/threads/${this.id(threadId)}/links/${this.id(customerId)}`);
  }
  getRoutedThread(customerId: string, threadId: string, options: { showRemoteImages?: boolean } = {}) {
    return this.request<RoutedThread>(
      'GET',
      `/routed/customers/${this.id(customerId)}/threads/${this.id(threadId)}${toQueryString({
        remoteImages: options.showRemoteImages ? 'show' : undefined,
      })}`,
    );
  }
  downloadRoutedAttachment(customerId: string, messageId: string, index: number, fallbackName: string) {
    return this.http.download(
      `/routed/customers/${this.id(customerId)}/messages/${this.id(messageId)}/attachments/${index}`,
      fallbackName,
      { accept: '*/*' },
    );
  }
  listLeadSuggestions(query: { page?: number; pageSize?: number }) {
    return this.request<Page<MailLeadSuggestion>>('GET', `/lead-suggestions${this.paged(query)}`);
  }

  // ---- compose
  listDrafts(query: { page?: number; pageSize?: number }) {
    return this.request<Page<Draft>>('GET', `/drafts${this.paged(query)}`);
  }
  createDraft(input: DraftCreateInput) {
    return this.request<Draft>('POST', '/drafts', input);
  }
  getDraft(id: string) {
    return this.request<Draft>('GET', `/drafts/${this.id(id)}`);
  }
  updateDraft(id: string, input: DraftUpdateInput) {
    return this.request<Draft>('PUT', `/drafts/${this.id(id)}`, input);
  }
  deleteDraft(id: string, version: number) {
    return this.request<void>('DELETE', `/drafts/${this.id(id)}${toQueryString({ version })}`);
  }
  async uploadAttachment(draftId: string, file: File, onProgress?: UploadProgress, signal?: AbortSignal) {
    const path = `/drafts/${this.id(draftId)}/attachments${toQueryString({ filename: file.name })}`;
    if (typeof XMLHttpRequest === 'undefined' || !this.options.getToken) {
      const res = await this.http.send('POST', path, { file });
      onProgress?.(file.size, file.size);
      return (await res.json()) as DraftAttachment;
    }
    const url = `${await this.options.discoveryApi.getBaseUrl('mail')}${path}`;
    const token = await this.options.getToken();
    return new Promise<DraftAttachment>((resolve, reject) => {
      // fetch cannot report upload progress; XMLHttpRequest can
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Accept-Language', this.http.language());
      xhr.upload.onprogress = e => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        let body: unknown;
        try {
          body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
        } catch {
          body = undefined;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(body as DraftAttachment);
          return;
        }
        const parsed = body as MailErrorBody | undefined;
        reject(
          new MailApiError(
            xhr.status,
            parsed?.error?.message
              ? parsed
              : { error: { name: 'Error', message: `${xhr.status} ${xhr.statusText || 'Upload failed'}` } },
          ),
        );
      };
      xhr.onerror = () => reject(new MailApiError(0, { error: { name: 'NetworkError', message: 'Network error' } }));
      xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  }
  async removeAttachment(draftId: string, attachmentId: string) {
    await this.request<unknown>('DELETE', `/drafts/${this.id(draftId)}/attachments/${this.id(attachmentId)}`);
  }
  sendDraft(id: string, version: number) {
    return this.request<OutboxItem>('POST', `/drafts/${this.id(id)}/send`, { version });
  }
  listOutbox(query: { page?: number; pageSize?: number }) {
    return this.request<Page<OutboxItem>>('GET', `/outbox${this.paged(query)}`);
  }
  retryOutbox(id: string) {
    return this.request<OutboxItem>('POST', `/outbox/${this.id(id)}/retry`);
  }
  resendOutbox(id: string) {
    return this.request<OutboxItem>('POST', `/outbox/${this.id(id)}/resend`, { confirm: true });
  }

  // ---- other plugins
  async searchCustomers(q: string) {
    const page = await this.request<Page<CrmCustomerOption>>(
      'GET',
      `/customers${toQueryString({ q, pageSize: 20 })}`,
      undefined,
      'crm',
    );
    return page.items.map(c => ({ id: c.id, name: c.name, number: c.number }));
  }
  async getCustomer(id: string) {
    const c = await this.request<CrmCustomerOption>('GET', `/customers/${this.id(id)}`, undefined, 'crm');
    return { id: c.id, name: c.name, number: c.number };
  }
  async searchContacts(q: string) {
    const page = await this.request<Page<CrmContactOption>>(
      'GET',
      `/contacts${toQueryString({ q, pageSize: 20 })}`,
      undefined,
      'crm',
    );
    return page.items.map(c => ({ id: c.id, name: c.name, customerName: c.customerName, emails: c.emails ?? [] }));
  }
  async getOrg() {
    const org = await this.request<OrgView>('GET', '/org', undefined, 'access');
    return { departments: org.departments, users: org.users };
  }
  async getOwnAccess(userRef: string) {
    const access = await this.request<CompiledAccess>(
      'GET',
      `/users/${this.id(userRef)}/compiled`,
      undefined,
      'access',
    );
    return { manageAll: access.permissions['mail.account.update']?.all === true };
  }
}
