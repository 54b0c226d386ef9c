import { translationApiRef } from '@backstage/frontend-plugin-api';
import { mockApis } from '@backstage/frontend-test-utils';
import type { Contract, CrmAccessView, CrmResourceKind, Customer, Page } from '@cocrm/plugin-crm-common';
import { flattenMessages, suiteMessagesZhCN, suiteTranslationRef } from '@cocrm/suite-react';
import { CrmApi, crmApiRef } from '../api/CrmClient';
import { crmMessagesZhCN } from '../translations/zh-CN';

const zh = flattenMessages(crmMessagesZhCN as any);
const suiteZh = flattenMessages(suiteMessagesZhCN);

function translator(messages: Record<string, string>) {
  return (key: string, options?: Record<string, unknown>) => {
    const text = messages[key] ?? key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(options?.[k] ?? ''));
  };
}
const t = translator(zh);
// the shared building blocks ask with their own ref
const suiteT = translator(suiteZh);

/** A TranslationApi that answers every CRM (and shared suite) key in zh-CN (the app's default language). */
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

export function page<T>(items: T[], totalCount = items.length): Page<T> {
  return { items, totalCount, page: 0, pageSize: 25 };
}

export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    version: 3,
    createdBy: 'user:default/zhouhao',
    createdAt: '2026-01-05T02:00:00.000Z',
    updatedBy: 'user:default/zhouhao',
    updatedAt: '2026-03-01T06:30:00.000Z',
    deletedAt: null,
    deletedBy: null,
    number: 'KH000001',
    name: '上海浦江精密机械有限公司',
    shortName: '浦江精机',
    unifiedSocialCreditCode: null,
    type: 'enterprise',
    level: 'A',
    industryCode: '34',
    industryPosition: 'major',
    regionCode: '310115',
    address: '上海市浦东新区张江路 1 号',
    postcode: '201203',
    phone: '021-58881234',
    website: 'www.example.cn',
    annualRevenue: { amount: 123456789, currency: 'CNY' },
    foundedOn: '2005-06-01',
    employeeCount: 320,
    mainCustomers: null,
    managementStyle: null,
    expectedPurchase: null,
    parentId: null,
    parentName: null,
    groupId: null,
    groupName: null,
    channel: 'direct',
    source: 'referral',
    status: 'intent',
    accountManagers: ['user:default/zhouhao'],
    ownerDepartment: 'group:default/sales-1',
    remark: null,
    ...overrides,
  };
}

const KINDS: CrmResourceKind[] = ['customer', 'contact', 'visit', 'contract'];

export function contract(overrides: Partial<Contract> = {}): Contract {
  return {
    id: '55555555-5555-4555-8555-555555555555',
    version: 2,
    createdBy: 'user:default/zhouhao',
    createdAt: '2026-03-01T02:00:00.000Z',
    updatedBy: 'user:default/zhouhao',
    updatedAt: '2026-03-02T06:30:00.000Z',
    deletedAt: null,
    deletedBy: null,
    number: 'HT000001',
    name: '年度设备采购合同',
    customerId: '11111111-1111-4111-8111-111111111111',
    customerName: '上海浦江精密机械有限公司',
    format: 'standard',
    contractType: 'sales',
    amount: { amount: 150_000_000, currency: 'CNY' },
    signedAt: '2026-03-01',
    startDate: '2026-04-01',
    endDate: '2027-03-31',
    paymentTerms: '签约后付 30%',
    standard: 'GB/T 19001',
    keyTerms: '延期交付按日计违约金',
    remark: null,
    owner: 'user:default/zhouhao',
    ownerDepartment: null,
    status: 'draft',
    workflowInstanceId: null,
    workflowVersion: null,
    attachments: [],
    ...overrides,
  };
}

/**
 * A `GET /access` answer: every action allowed and no field rules, unless
 * `can` takes actions away or `hidden`/`readOnly` add rules.
 */
export function accessView(
  options: {
    can?: Partial<Record<CrmResourceKind, CrmAccessView['can'][CrmResourceKind]>>;
    hidden?: Partial<Record<CrmResourceKind, string[]>>;
    readOnly?: Partial<Record<CrmResourceKind, string[]>>;
  } = {},
): CrmAccessView {
  const all = { read: true, create: true, update: true, delete: true, export: true, assign: true };
  const view = { can: {}, fields: {} } as CrmAccessView;
  for (const kind of KINDS) {
    view.can[kind] = { ...all, ...options.can?.[kind] };
    view.fields[kind] = { hidden: options.hidden?.[kind] ?? [], readOnly: options.readOnly?.[kind] ?? [] };
  }
  return view;
}

export type FakeCrmApi = { [K in keyof CrmApi]: jest.Mock };

/** A CrmApi whose every method is a jest mock with empty answers. */
export function fakeCrmApi(overrides: Partial<FakeCrmApi> = {}): FakeCrmApi {
  const empty = async () => page([]);
  const api: FakeCrmApi = {
    getAccess: jest.fn(async () => accessView()),
    listCustomers: jest.fn(empty),
    getCustomer: jest.fn(async () => customer()),
    createCustomer: jest.fn(async () => customer()),
    updateCustomer: jest.fn(async () => customer()),
    deleteCustomer: jest.fn(async () => undefined),
    restoreCustomer: jest.fn(async () => customer()),
    getTimeline: jest.fn(async () => ({ items: [], nextBefore: null })),
    getGraph: jest.fn(async () => ({ nodes: [], edges: [] })),
    exportCustomers: jest.fn(),
    listContacts: jest.fn(empty),
    getContact: jest.fn(),
    createContact: jest.fn(),
    updateContact: jest.fn(),
    deleteContact: jest.fn(async () => undefined),
    restoreContact: jest.fn(),
    exportContacts: jest.fn(),
    listRelations: jest.fn(async () => []),
    createRelation: jest.fn(),
    updateRelation: jest.fn(),
    deleteRelation: jest.fn(async () => undefined),
    listVisits: jest.fn(empty),
    getVisit: jest.fn(),
    createVisit: jest.fn(),
    updateVisit: jest.fn(),
    deleteVisit: jest.fn(async () => undefined),
    restoreVisit: jest.fn(),
    exportVisits: jest.fn(),
    listContracts: jest.fn(empty),
    getContract: jest.fn(async () => contract()),
    createContract: jest.fn(async () => contract()),
    updateContract: jest.fn(async () => contract()),
    deleteContract: jest.fn(async () => undefined),
    restoreContract: jest.fn(async () => contract()),
    exportContracts: jest.fn(),
    submitContract: jest.fn(),
    resubmitContract: jest.fn(),
    uploadContractAttachment: jest.fn(),
    downloadContractAttachment: jest.fn(),
    deleteContractAttachment: jest.fn(async () => undefined),
    getApproval: jest.fn(),
    listContactMail: jest.fn(empty),
    ...overrides,
  };
  return api;
}

/** The API pairs every CRM test needs (typed loosely: the fakes implement only what the tests use). */
export function testApis(api: FakeCrmApi): any {
  return [
    [crmApiRef, api],
    [translationApiRef, zhTranslationApi],
    mockApis.identity({ userEntityRef: 'user:default/zhouhao' }),
    mockApis.permission(),
  ];
}
