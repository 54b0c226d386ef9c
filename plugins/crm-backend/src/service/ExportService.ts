import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import {
  CONTACT_FIELDS,
  CONTRACT_FIELDS,
  CONTRACT_FORMAT_LABELS,
  CONTRACT_STATUS_LABELS,
  CONTRACT_TYPE_LABELS,
  ContractListQuery,
  CUSTOMER_FIELDS,
  ContactListQuery,
  CrmLocale,
  CrmResourceKind,
  CustomerListQuery,
  VISIT_FIELDS,
  VisitListQuery,
  crmContactExportPermission,
  crmContractExportPermission,
  crmCustomerExportPermission,
  crmVisitExportPermission,
  industryLabel,
  regionLabel,
} from '@cocrm/plugin-crm-common';
import type { FieldModel, Label } from '@cocrm/plugin-access-common';
import { CrmError } from '../errors';
import { CustomerService } from './CustomerService';
import { ContactService } from './ContactService';
import { VisitService } from './VisitService';
import { ContractService } from './ContractService';
import { RequestContext } from './RequestContext';
import { CallerFields } from './FieldRules';

/** More than this is a data dump, not an export: narrow the filters (or ask an admin for a backup). */
export const EXPORT_MAX_ROWS = 50_000;
const BATCH = 1_000;

const col = (name: string, zh: string, en: string): FieldModel => ({ name, label: { 'zh-CN': zh, en } });

/** Columns per resource: identity columns (never hidden) and the model's fields, in the order of the forms. */
const COLUMNS: Record<CrmResourceKind, FieldModel[]> = {
  customer: [
    col('number', '客户编号', 'Number'),
    col('name', '客户名称', 'Name'),
    col('status', '状态', 'Status'),
    ...CUSTOMER_FIELDS,
    col('accountManagers', '客户经理', 'Account managers'),
    col('ownerDepartment', '归属部门', 'Owner department'),
    col('createdAt', '创建时间', 'Created'),
    col('updatedAt', '更新时间', 'Updated'),
  ],
  contact: [
    col('name', '姓名', 'Name'),
    col('customerName', '所属客户', 'Customer'),
    ...CONTACT_FIELDS,
    col('createdAt', '创建时间', 'Created'),
    col('updatedAt', '更新时间', 'Updated'),
  ],
  visit: [
    col('visitedAt', '拜访时间', 'Visited at'),
    col('customerName', '客户', 'Customer'),
    col('visitorRef', '拜访人', 'Visitor'),
    ...VISIT_FIELDS,
  ],
  contract: [
    col('number', '合同编号', 'Number'),
    col('name', '合同名称', 'Name'),
    col('customerName', '客户', 'Customer'),
    col('status', '审批状态', 'Approval status'),
    ...CONTRACT_FIELDS.filter(f => f.name !== 'attachments'),
    col('owner', '负责人', 'Owner'),
    col('ownerDepartment', '归属部门', 'Owner department'),
    col('createdAt', '创建时间', 'Created'),
    col('updatedAt', '更新时间', 'Updated'),
  ],
};

/** Dictionary fields exported by their names rather than their codes. */
const DICTIONARIES: Partial<Record<CrmResourceKind, Record<string, Record<string, Label>>>> = {
  contract: { status: CONTRACT_STATUS_LABELS, contractType: CONTRACT_TYPE_LABELS, format: CONTRACT_FORMAT_LABELS },
};

const SHEET: Record<CrmResourceKind, { 'zh-CN': string; en: string }> = {
  customer: { 'zh-CN': '客户', en: 'Customers' },
  contact: { 'zh-CN': '联系人', en: 'Contacts' },
  visit: { 'zh-CN': '拜访', en: 'Visits' },
  contract: { 'zh-CN': '合同', en: 'Contracts' },
};

function shanghai(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

/** One cell as a person reads it: money in 元, dictionary codes with their names, lists joined. */
function cell(field: string, value: unknown, names: Map<string, string>): string | number {
  if (value === null || value === undefined) return '';
  if (field === 'industryCode') return industryLabel(String(value));
  if (field === 'regionCode') return regionLabel(String(value));
  if (field === 'createdAt' || field === 'updatedAt' || field === 'visitedAt') return shanghai(String(value));
  if (Array.isArray(value)) return value.map(v => names.get(String(v)) ?? String(v)).join('、');
  if (typeof value === 'object' && value && 'amount' in value) {
    const m = value as { amount: number; currency: string };
    return `${(m.amount / 100).toFixed(2)} ${m.currency}`;
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return names.get(value) ?? value;
  return value as number;
}

/**
 * Excel export of a list with the list's own filters, within the caller's
 * export scope and without the fields hidden from them. Streams rows to the
 * response in batches so a large export never sits in memory whole.
 */
export class ExportService {
  constructor(
    private readonly customers: CustomerService,
    private readonly contacts: ContactService,
    private readonly visits: VisitService,
    private readonly contracts: ContractService,
    private readonly displayNames: () => Promise<Map<string, string>>,
  ) {}

  /** Counts first, so that a too-large export fails with a 4xx before any byte is sent. */
  async prepare(kind: CrmResourceKind, query: object, ctx: RequestContext) {
    const first = await this.page(kind, query, 0, 1, ctx);
    if (first.totalCount > EXPORT_MAX_ROWS) throw new CrmError(400, 'exportTooLarge', { max: EXPORT_MAX_ROWS });
    const fields = await this.customers.callerFields(ctx);
    return {
      filename: `${SHEET[kind][ctx.locale]}-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.xlsx`,
      write: (out: Writable) => this.write(kind, query, ctx, fields, out),
    };
  }

  private async write(kind: CrmResourceKind, query: object, ctx: RequestContext, fields: CallerFields, out: Writable) {
    const locale: CrmLocale = ctx.locale;
    const columns = COLUMNS[kind].filter(c => !fields.isHidden(kind, c.name));
    const names = await this.displayNames();
    const dictionaries = DICTIONARIES[kind] ?? {};
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
    const sheet = workbook.addWorksheet(SHEET[kind][locale]);
    sheet.columns = columns.map(c => ({ header: c.label[locale], key: c.name, width: Math.max(12, c.label[locale].length * 2 + 4) }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for (let page = 0; page * BATCH < EXPORT_MAX_ROWS; page++) {
      const { items } = await this.page(kind, query, page, BATCH, ctx);
      for (const item of items) {
        const record = item as unknown as Record<string, unknown>;
        sheet
          .addRow(
            Object.fromEntries(
              columns.map(c => {
                const label = dictionaries[c.name]?.[String(record[c.name])];
                return [c.name, label ? label[locale] : cell(c.name, record[c.name], names)];
              }),
            ),
          )
          .commit();
      }
      if (items.length < BATCH) break;
    }
    sheet.commit();
    await workbook.commit();
  }

  private page(kind: CrmResourceKind, query: object, page: number, pageSize: number, ctx: RequestContext) {
    const q = { ...query, page, pageSize };
    if (kind === 'customer') {
      return this.customers.list(q as Parameters<CustomerService['list']>[0] & CustomerListQuery, ctx, { permission: crmCustomerExportPermission });
    }
    if (kind === 'contact') {
      return this.contacts.list(q as Parameters<ContactService['list']>[0] & ContactListQuery, ctx, { permission: crmContactExportPermission });
    }
    if (kind === 'contract') {
      return this.contracts.list(q as Parameters<ContractService['list']>[0] & ContractListQuery, ctx, { permission: crmContractExportPermission });
    }
    return this.visits.list(q as Parameters<VisitService['list']>[0] & VisitListQuery, ctx, { permission: crmVisitExportPermission });
  }
}
