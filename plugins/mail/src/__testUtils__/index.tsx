import { act } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { translationApiRef } from '@backstage/frontend-plugin-api';
import type { TranslationApi } from '@backstage/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { flattenMessages, suiteMessagesZhCN, suiteTranslationRef } from '@cocrm/suite-react';
import { MailApi, mailApiRef } from '../api/MailClient';
import type {
  Draft,
  Mailbox,
  MailAccount,
  MailLeadSuggestion,
  MailSyncState,
  MessageView,
  OutboxItem,
  Page,
  RoutedThread,
  ThreadDetail,
  ThreadSummary,
} from '../api/types';
import { MailPage } from '../components/MailPage';
import { mailMessagesZhCN } from '../translations/zh-CN';

function translator(messages: Record<string, string>) {
  return (key: string, options?: Record<string, unknown>) => {
    const text = messages[key] ?? key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(options?.[k] ?? ''));
  };
}
const t = translator(flattenMessages(mailMessagesZhCN));
const suiteT = translator(flattenMessages(suiteMessagesZhCN));

/** A TranslationApi answering every mail (and shared suite) key in zh-CN, the app's default language. */
export const zhTranslationApi = {
  getTranslation: (ref: { id: string }) => ({
    ready: true as const,
    t: ref.id === suiteTranslationRef.id ? suiteT : t,
  }),
  translation$: () => ({
    subscribe: () => ({ unsubscribe: () => undefined, closed: false }),
    [Symbol.observable ?? '@@observable']() {
      return this;
    },
  }),
};

export const user = (name: string) => `user:default/${name}`;

export function page<T>(items: T[], totalCount = items.length, pageNo = 0, pageSize = 50): Page<T> {
  return { items, totalCount, page: pageNo, pageSize };
}

export const ACCOUNT_ID = '0a000000-0000-4000-8000-000000000001';
export const SHARED_ID = '0a000000-0000-4000-8000-000000000002';
export const INBOX_ID = '0f000000-0000-4000-8000-000000000001';
export const SENT_ID = '0f000000-0000-4000-8000-000000000002';
export const SALES_INBOX_ID = '0f000000-0000-4000-8000-000000000003';
export const CUSTOMER_ID = 'c0000000-0000-4000-8000-000000000001';

export const MAILBOXES: Mailbox[] = [
  {
    accountId: ACCOUNT_ID,
    displayName: '周浩',
    email: 'zhouhao@cocrm.cn',
    kind: 'personal',
    provider: 'imap',
    folders: [
      { id: INBOX_ID, path: 'INBOX', name: 'INBOX', specialUse: '\\Inbox', total: 12, unread: 3 },
      { id: SENT_ID, path: 'Sent', name: 'Sent', specialUse: '\\Sent', total: 4, unread: 0 },
    ],
  },
  {
    accountId: SHARED_ID,
    displayName: '销售部公共邮箱',
    email: 'sales@cocrm.cn',
    kind: 'shared',
    provider: 'imap',
    folders: [{ id: SALES_INBOX_ID, path: 'INBOX', name: 'INBOX', specialUse: '\\Inbox', total: 30, unread: 0 }],
  },
];

export function thread(overrides: Partial<ThreadSummary> = {}): ThreadSummary {
  return {
    threadId: 't-1',
    subject: '浦江精机设备采购报价',
    participants: [{ name: '李经理', address: 'li@pujiang.cn' }],
    lastAt: '2026-03-01T02:00:00.000Z',
    messageCount: 2,
    unread: 1,
    hasAttachments: true,
    snippet: '请查收附件中的报价单',
    latestMessageId: 'm-2',
    customers: [{ id: CUSTOMER_ID, name: '浦江精机' }],
    ...overrides,
  };
}

export function message(overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: 'm-2',
    messageIdHeader: '<m-2@pujiang.cn>',
    subject: '浦江精机设备采购报价',
    from: [{ name: '李经理', address: 'li@pujiang.cn' }],
    to: [{ name: '周浩', address: 'zhouhao@cocrm.cn' }],
    cc: [{ name: '王工', address: 'wang@pujiang.cn' }],
    replyTo: [],
    receivedAt: '2026-03-01T02:00:00.000Z',
    text: '周经理：请查收附件中的报价单。',
    html: '<p>周经理：</p><p>请查收附件中的<b>报价单</b>。</p><img src="data:image/gif;base64,R0lGOD" data-remote-image="blocked">',
    remoteImagesBlocked: 1,
    senderAllowed: false,
    attachments: [
      {
        index: 0,
        filename: '报价单.pdf',
        contentType: 'application/pdf',
        size: 120_000,
        inline: false,
        contentId: null,
        url: '/api/mail/messages/m-2/attachments/0',
      },
    ],
    flags: [],
    seen: false,
    flagged: false,
    accountIds: [ACCOUNT_ID],
    threadId: 't-1',
    parseStatus: 'parsed',
    parseError: null,
    ...overrides,
  };
}

export function threadDetail(overrides: Partial<ThreadDetail> = {}): ThreadDetail {
  return {
    threadId: 't-1',
    subject: '浦江精机设备采购报价',
    messages: [
      message({
        id: 'm-1',
        from: [{ name: '周浩', address: 'zhouhao@cocrm.cn' }],
        to: [{ name: '李经理', address: 'li@pujiang.cn' }],
        cc: [],
        text: '李经理您好，请报价。',
        html: '<p>李经理您好，请报价。</p>',
        remoteImagesBlocked: 0,
        attachments: [],
        flags: ['\\Seen'],
        seen: true,
        receivedAt: '2026-02-28T02:00:00.000Z',
      }),
      message(),
    ],
    links: [
      {
        customerId: CUSTOMER_ID,
        customerName: '浦江精机',
        contactIds: ['ct-1'],
        source: 'contact',
        state: 'linked',
        manual: false,
        by: null,
        at: '2026-03-01T02:00:05.000Z',
      },
    ],
    ...overrides,
  };
}

/** A routed thread as a colleague sees it through 浦江精机: one message shared in full, one subject only. */
export function routedThread(overrides: Partial<RoutedThread> = {}): RoutedThread {
  const shared = `/api/mail/routed/customers/${CUSTOMER_ID}/messages/m-2/attachments/0`;
  const full = message({ flags: [], seen: false, accountIds: [] });
  return {
    threadId: 't-1',
    subject: '浦江精机设备采购报价',
    customer: { id: CUSTOMER_ID, name: '浦江精机' },
    messages: [
      {
        id: 'm-1',
        visibility: 'subject',
        subject: '浦江精机设备采购报价',
        from: [{ name: '周浩', address: 'zhouhao@cocrm.cn' }],
        to: [{ name: '李经理', address: 'li@pujiang.cn' }],
        receivedAt: '2026-02-28T02:00:00.000Z',
      },
      { ...full, attachments: full.attachments.map(a => ({ ...a, url: shared })), visibility: 'full' },
    ],
    ...overrides,
  };
}

export function draft(overrides: Partial<Draft> = {}): Draft {
  return {
    id: 'd-1',
    accountId: ACCOUNT_ID,
    mode: 'new',
    sourceMessageId: null,
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    html: '',
    customerId: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    version: 1,
    createdBy: user('zhouhao'),
    createdAt: '2026-03-01T03:00:00.000Z',
    updatedBy: user('zhouhao'),
    updatedAt: '2026-03-01T03:00:00.000Z',
    ...overrides,
  };
}

export function outboxItem(overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id: 'o-1',
    accountId: ACCOUNT_ID,
    draftId: 'd-1',
    status: 'sent',
    messageIdHeader: '<o-1@cocrm.cn>',
    subject: '报价确认',
    from: { name: '周浩', address: 'zhouhao@cocrm.cn' },
    to: [{ name: '李经理', address: 'li@pujiang.cn' }],
    cc: [],
    bcc: [],
    customerId: null,
    attachments: [],
    size: 2048,
    attempts: 1,
    error: null,
    rejected: [],
    messageId: null,
    sentCopy: 'appended',
    createdAt: '2026-03-01T03:00:00.000Z',
    updatedAt: '2026-03-01T03:00:05.000Z',
    sentAt: '2026-03-01T03:00:05.000Z',
    ...overrides,
  };
}

/** An unknown sender of 周浩's mailbox who wrote twice. */
export function leadSuggestion(overrides: Partial<MailLeadSuggestion> = {}): MailLeadSuggestion {
  return {
    id: 'ls-1',
    accountId: ACCOUNT_ID,
    address: 'chen@xinhe-tech.cn',
    name: '陈总',
    firstMessageId: 'm-10',
    firstAt: '2026-02-27T01:30:00.000Z',
    lastAt: '2026-03-01T06:15:00.000Z',
    messageCount: 2,
    ...overrides,
  };
}

export function account(overrides: Partial<MailAccount> = {}): MailAccount {
  return {
    id: ACCOUNT_ID,
    owner: user('zhouhao'),
    kind: 'personal',
    provider: 'imap',
    displayName: '周浩',
    email: 'zhouhao@cocrm.cn',
    aliases: [],
    imap: { host: 'imap.cocrm.cn', port: 993, secure: true, user: 'zhouhao@cocrm.cn' },
    smtp: { host: 'smtp.cocrm.cn', port: 465, secure: true, user: 'zhouhao@cocrm.cn' },
    graphMailbox: null,
    folders: [],
    sentFolder: null,
    sharing: 'everything',
    readerDepartments: [],
    suggestLeads: false,
    syncEnabled: true,
    ownerDepartment: 'group:default/sales-1',
    lastSyncAt: '2026-03-01T02:59:00.000Z',
    lastSyncError: null,
    version: 3,
    createdBy: user('zhouhao'),
    createdAt: '2026-02-01T00:00:00.000Z',
    updatedBy: user('zhouhao'),
    updatedAt: '2026-02-01T00:00:00.000Z',
    ...overrides,
  };
}

export function syncState(overrides: Partial<MailSyncState> = {}): MailSyncState {
  return {
    accountId: ACCOUNT_ID,
    lastSyncAt: '2026-03-01T02:59:00.000Z',
    lastError: null,
    folders: [],
    counts: { messages: 120, parsed: 118, failed: 2, pending: 0, deleted: 3 },
    failures: [],
    ...overrides,
  };
}

export type FakeMailApi = { [K in keyof MailApi]: jest.Mock };

/** A MailApi whose every method is a jest mock with plausible answers. */
export function fakeMailApi(overrides: Partial<FakeMailApi> = {}): FakeMailApi {
  return {
    listAccounts: jest.fn(async () => ({ items: [account()] })),
    getProviders: jest.fn(async () => ({ graph: false })),
    testAccount: jest.fn(async () => ({ imap: 'ok', smtp: 'ok', folders: ['INBOX', 'Sent', '客户'] })),
    createAccount: jest.fn(async () => account()),
    updateAccount: jest.fn(async () => account({ version: 4 })),
    deleteAccount: jest.fn(async () => undefined),
    getSyncState: jest.fn(async () => syncState()),
    syncNow: jest.fn(async () => undefined),
    retryMessage: jest.fn(async () => undefined),
    listMailboxes: jest.fn(async () => ({ items: MAILBOXES })),
    listThreads: jest.fn(async () => page([thread()])),
    getThread: jest.fn(async () => threadDetail()),
    getMessage: jest.fn(async () => message()),
    setFlags: jest.fn(async () => undefined),
    downloadAttachment: jest.fn(async () => ({ blob: new Blob(['x']), filename: 'x' })),
    downloadRaw: jest.fn(async () => ({ blob: new Blob(['x']), filename: 'm.eml' })),
    trustSender: jest.fn(async () => undefined),
    listTrustedSenders: jest.fn(async () => ({ items: [] })),
    untrustSender: jest.fn(async () => undefined),
    saveKnowledge: jest.fn(async () => ({ id: 'k-1' })),
    listKnowledge: jest.fn(async () => page([])),
    getKnowledge: jest.fn(async () => {
      throw new Error('no knowledge item in this test');
    }),
    deleteKnowledge: jest.fn(async () => undefined),
    downloadKnowledgeAttachment: jest.fn(async () => ({ blob: new Blob(['x']), filename: 'x' })),
    listLinks: jest.fn(async () => ({ items: threadDetail().links })),
    linkCustomer: jest.fn(async () => undefined),
    unlinkCustomer: jest.fn(async () => undefined),
    getRoutedThread: jest.fn(async () => routedThread()),
    downloadRoutedAttachment: jest.fn(async () => ({ blob: new Blob(['x']), filename: 'x' })),
    listLeadSuggestions: jest.fn(async () => page([])),
    listDrafts: jest.fn(async () => page([])),
    createDraft: jest.fn(async () => draft()),
    getDraft: jest.fn(async () => draft()),
    updateDraft: jest.fn(async (_id: string, input: { version: number }) =>
      draft({ ...input, version: input.version + 1 }),
    ),
    deleteDraft: jest.fn(async () => undefined),
    uploadAttachment: jest.fn(async () => {
      throw new Error('no upload in this test');
    }),
    removeAttachment: jest.fn(async () => undefined),
    sendDraft: jest.fn(async () => outboxItem({ status: 'queued', sentAt: null })),
    listOutbox: jest.fn(async () => page([])),
    retryOutbox: jest.fn(async () => outboxItem({ status: 'queued' })),
    resendOutbox: jest.fn(async () => outboxItem({ status: 'queued' })),
    searchCustomers: jest.fn(async () => [{ id: 'c-2', name: '华东重工', number: 'KH000002' }]),
    getCustomer: jest.fn(async (id: string) => ({ id, name: '浦江精机', number: 'KH000001' })),
    searchContacts: jest.fn(async () => []),
    getOrg: jest.fn(async () => ({
      departments: [
        { ref: 'group:default/sales', displayName: '销售部' },
        { ref: 'group:default/service', displayName: '客服部' },
      ],
      users: [],
    })),
    getOwnAccess: jest.fn(async () => ({ manageAll: false })),
    ...overrides,
  };
}

/** Shows where the app is, so tests can check what the URL keeps. */
function LocationProbe() {
  const location = useLocation();
  return (
    <div data-testid="location" style={{ display: 'none' }}>
      {`${location.pathname}${location.search}`}
    </div>
  );
}

export interface RenderOptions {
  me?: string;
  /** permission names the permission API allows; everything else is denied */
  allow?: string[];
}

/**
 * Renders the whole mail page at `path` (e.g. "/mail/threads/t-1?folder=…").
 * Inside act(), so the fake API's immediate answers are applied before the
 * test looks.
 */
export async function renderMail(api: FakeMailApi, path: string, options: RenderOptions = {}) {
  const allow = new Set(options.allow ?? ['mail.account.create']);
  await act(async () => {
    renderInTestApp(
      <>
        <MailPage />
        <LocationProbe />
      </>,
      {
        apis: [
          [mailApiRef, api as unknown as MailApi],
          // the fake answers plain strings; Backstage's typed TranslationFunction cannot be satisfied by a stub
          [translationApiRef, zhTranslationApi as unknown as TranslationApi],
          mockApis.identity({ userEntityRef: user(options.me ?? 'zhouhao') }),
          mockApis.permission({
            authorize: r => (allow.has(r.permission.name) ? 'ALLOW' : 'DENY') as never,
          }),
        ] as const,
        mountPath: '/mail/*',
        initialRouteEntries: [path],
      },
    );
  });
}

/** The app's URL as the probe shows it. */
export function currentUrl(): string {
  return document.querySelector('[data-testid="location"]')?.textContent ?? '';
}
