import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';
import {
  Attachment,
  CONTRACT_DELETABLE_STATUSES,
  Contract,
  ContractCreate,
  ContractListQuery,
  ContractStatus,
  ContractUpdate,
  MAX_ATTACHMENTS_PER_RECORD,
  MAX_ATTACHMENT_BYTES,
  Page,
  contractDatesProblem,
  crmContractAssignPermission,
  crmContractCreatePermission,
  crmContractDeletePermission,
  crmContractReadPermission,
  crmContractUpdatePermission,
  crmCustomerReadPermission,
  normalizeSearchText,
} from '@cocrm/plugin-crm-common';
import { OrgDirectory, primaryDepartmentOf } from '@cocrm/plugin-access-node';
import { AttachmentStore } from '../database/AttachmentStore';
import { ContractRow, ContractStore } from '../database/ContractStore';
import { CustomerStore } from '../database/CustomerStore';
import { SEARCH_FIELD_SEPARATOR } from '../database/rows';
import { CrmError } from '../errors';
import { Access } from './Access';
import { diff, writeAudit } from './Audit';
import { CallerFields, FieldRules } from './FieldRules';
import { RequestContext } from './RequestContext';
import { UserDirectory } from './UserDirectory';
import { formatNumber, nextSequenceValue } from './sequences';
import { cleanFileName, sniffContentType } from '@cocrm/plugin-access-node';

type ListQuery = Required<Pick<ContractListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & ContractListQuery;

/** The record type of contracts in crm_audit and crm_attachments. */
export const CONTRACT_RECORD = 'contract';

/**
 * How long a 提交审批 may wait for the workflow plugin before its marker is
 * taken for the trace of a crash (recovery then finds out what happened).
 */
export const SUBMIT_MARKER_TTL_MS = 2 * 60 * 1000;

/** Audit field names where the contract's differ in meaning from a customer's (名称, 状态). */
export const CONTRACT_AUDIT_RENAMES: Record<string, string> = { name: 'contractName', status: 'approvalStatus' };

function searchText(c: { number: string; name: string }) {
  return [c.number, c.name].map(normalizeSearchText).join(SEARCH_FIELD_SEPARATOR);
}

function columns(input: Partial<ContractCreate>): Partial<ContractRow> {
  const map: Array<[keyof ContractCreate, keyof ContractRow]> = [
    ['name', 'name'], ['format', 'format'], ['contractType', 'contract_type'], ['signedAt', 'signed_at'],
    ['startDate', 'start_date'], ['endDate', 'end_date'], ['paymentTerms', 'payment_terms'], ['standard', 'standard'],
    ['keyTerms', 'key_terms'], ['remark', 'remark'],
  ];
  const row: Record<string, unknown> = {};
  for (const [from, to] of map) if (input[from] !== undefined) row[to] = input[from];
  if (input.amount !== undefined) {
    row.amount = input.amount.amount;
    row.currency = input.amount.currency;
  }
  return row as Partial<ContractRow>;
}

/** Sorts and filters that reveal a field's values through the order or the count. */
function queriedFields(query: ListQuery): Array<string | undefined> {
  const sortField: Record<string, string> = { amount: 'amount', signedAt: 'signedAt' };
  return [
    sortField[query.sort],
    query.contractType?.length ? 'contractType' : undefined,
    query.signedFrom || query.signedTo ? 'signedAt' : undefined,
  ];
}

function pick(input: object, keys: string[]): Record<string, unknown> {
  const source = input as Record<string, unknown>;
  return Object.fromEntries(keys.filter(k => k in source).map(k => [k, source[k]]));
}

const summaryOf = (c: { number: string; name: string }) => `${c.number} ${c.name}`;

/** Refuses changes to a contract whose approval runs or has passed; the workflow owns it then. */
export function assertEditable(status: ContractStatus) {
  if (status === 'in_approval') throw new CrmError(409, 'contractInApproval');
  if (status === 'approved') throw new CrmError(409, 'contractApprovedLocked');
}

/**
 * Business rules of 合同: numbering, data scope (负责人 / 归属部门), field
 * rules, the lock while an approval runs, attachments and history. The
 * approval itself (提交审批 and its outcome) is ContractApprovals'.
 */
export class ContractService {
  constructor(
    private readonly knex: Knex,
    private readonly store: ContractStore,
    private readonly customers: CustomerStore,
    private readonly attachments: AttachmentStore,
    private readonly access: Access,
    private readonly users: UserDirectory,
    private readonly fields: FieldRules,
    private readonly org: OrgDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(query: ListQuery, ctx: RequestContext, opts: { permission?: typeof crmContractReadPermission } = {}): Promise<Page<Contract>> {
    const permission = opts.permission ?? (query.deleted ? crmContractDeletePermission : crmContractReadPermission);
    const filter = await this.access.filter(permission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertQueryable('contract', queriedFields(query));
    const page = await this.store.list(query, filter);
    return { ...page, items: fields.redactAll('contract', page.items) };
  }

  /** One contract with its attachments, without what is hidden from the caller. */
  async get(id: string, ctx: RequestContext): Promise<Contract> {
    const fields = await this.fields.forCaller(ctx);
    const contract = await this.load(id, ctx);
    return this.present(contract, fields);
  }

  private async present(contract: Contract, fields: CallerFields, db: Knex | Knex.Transaction = this.knex): Promise<Contract> {
    const withFiles = fields.isHidden('contract', 'attachments') ? contract : { ...contract, attachments: await this.attachments.list(CONTRACT_RECORD, contract.id, db) };
    return fields.redact('contract', withFiles);
  }

  /** A live contract within the caller's read scope, with every field (for internal use). */
  private async load(id: string, ctx: RequestContext): Promise<Contract> {
    const contract = await this.store.get(id, await this.access.filter(crmContractReadPermission, ctx.credentials));
    if (!contract) throw new CrmError(404, 'contractNotFound');
    return contract;
  }

  /** A live contract the caller may read and update (404 unseen, 403 outside the update scope), every field. */
  loadForUpdate(id: string, ctx: RequestContext): Promise<Contract> {
    return this.loadFor(id, crmContractUpdatePermission, ctx);
  }

  async create(input: ContractCreate, ctx: RequestContext, sent: string[] = Object.keys(input)): Promise<Contract> {
    await this.access.check(crmContractCreatePermission, ctx.credentials);
    const fields = await this.fields.forCaller(ctx);
    fields.assertWritable('contract', pick(input, sent));
    const creator = ctx.actor.startsWith('user:') ? ctx.actor : undefined;
    const owner = input.owner ?? creator;
    if (!owner) throw CrmError.field('owner', 'required');
    // filing a contract under someone else (or another department) is 分配
    if (owner !== creator || input.ownerDepartment) await this.access.filter(crmContractAssignPermission, ctx.credentials);
    await this.assertUserExists(owner);
    const ownerDepartment = await this.ownerDepartmentFor(input.ownerDepartment, owner);
    const customerScope = await this.access.filter(crmCustomerReadPermission, ctx.credentials).catch(e => {
      // without any customer read scope there is no customer the contract could be for
      if (e instanceof CrmError && e.status === 403) throw CrmError.field('customerId', 'customerNotFound');
      throw e;
    });
    if (!(await this.customers.get(input.customerId, customerScope))) throw CrmError.field('customerId', 'customerNotFound');
    const id = randomUUID();
    const now = this.now();
    await this.knex.transaction(async tx => {
      const number = formatNumber('HT', await nextSequenceValue(tx, 'contract'));
      await this.store.insert(tx, {
        id,
        number,
        name: input.name,
        customer_id: input.customerId,
        format: input.format,
        contract_type: input.contractType,
        amount: input.amount.amount,
        currency: input.amount.currency,
        signed_at: input.signedAt,
        start_date: input.startDate,
        end_date: input.endDate,
        payment_terms: input.paymentTerms,
        standard: input.standard,
        key_terms: input.keyTerms,
        remark: input.remark,
        owner_ref: owner,
        owner_department: ownerDepartment,
        status: 'draft',
        workflow_instance_id: null,
        workflow_version: null,
        search_text: searchText({ number, name: input.name }),
        version: 1,
        created_by: ctx.actor,
        created_at: now,
        updated_by: ctx.actor,
        updated_at: now,
      });
      await writeAudit(tx, {
        recordType: 'contract',
        recordId: id,
        customerId: input.customerId,
        action: 'created',
        actor: ctx.actor,
        at: now,
        summary: summaryOf({ number, name: input.name }),
        detail: { amount: input.amount },
      });
    });
    return this.present((await this.store.get(id, undefined))!, fields);
  }

  async update(id: string, input: ContractUpdate, ctx: RequestContext): Promise<Contract> {
    const before = await this.loadFor(id, crmContractUpdatePermission, ctx);
    assertEditable(before.status);
    const fields = await this.fields.forCaller(ctx);
    const { version: _version, ...written } = input;
    fields.assertWritable('contract', written, before as unknown as Record<string, unknown>);
    const ownerChange = input.owner !== undefined && input.owner !== before.owner;
    const departmentChange = input.ownerDepartment !== undefined && input.ownerDepartment !== before.ownerDepartment;
    if (ownerChange || departmentChange) {
      await this.access.forAction(crmContractAssignPermission, ctx.credentials, async () => before, filter => this.store.get(id, filter));
    }
    if (ownerChange) await this.assertUserExists(input.owner!);
    let ownerDepartment: string | null | undefined;
    if (departmentChange) ownerDepartment = await this.ownerDepartmentFor(input.ownerDepartment, input.owner ?? before.owner);
    else if (ownerChange) ownerDepartment = await this.ownerDepartmentFor(undefined, input.owner!);
    const start = input.startDate !== undefined ? input.startDate : before.startDate;
    const end = input.endDate !== undefined ? input.endDate : before.endDate;
    const problem = contractDatesProblem(start, end);
    if (problem) throw CrmError.field('endDate', problem);
    const now = this.now();
    const updated = await this.knex.transaction(async tx => {
      await this.assertNotSubmitting(tx, id);
      const patch: Partial<ContractRow> = {
        ...columns(input),
        ...(input.owner !== undefined ? { owner_ref: input.owner } : {}),
        ...(ownerDepartment !== undefined ? { owner_department: ownerDepartment } : {}),
        ...(input.name !== undefined ? { search_text: searchText({ number: before.number, name: input.name }) } : {}),
        updated_by: ctx.actor,
        updated_at: now,
      };
      // the status is read again under the version check: an outcome that just arrived bumped the version
      if (!(await this.store.update(tx, id, input.version, patch))) throw new CrmError(409, 'staleVersion');
      const after = (await this.store.get(id, undefined, { db: tx }))!;
      await writeAudit(tx, {
        recordType: 'contract',
        recordId: id,
        customerId: before.customerId,
        action: 'updated',
        actor: ctx.actor,
        at: now,
        summary: summaryOf(after),
        changes: diff(before, after, CONTRACT_AUDIT_RENAMES),
      });
      return after;
    });
    return this.present(updated, fields);
  }

  async remove(id: string, version: number, ctx: RequestContext): Promise<void> {
    const before = await this.loadFor(id, crmContractDeletePermission, ctx);
    if (!CONTRACT_DELETABLE_STATUSES.includes(before.status)) throw new CrmError(409, 'contractNotDeletable');
    const now = this.now();
    await this.knex.transaction(async tx => {
      await this.assertNotSubmitting(tx, id);
      if (!(await this.store.update(tx, id, version, { deleted_at: now, deleted_by: ctx.actor, updated_at: now, updated_by: ctx.actor }))) {
        throw new CrmError(409, 'staleVersion');
      }
      await writeAudit(tx, { recordType: 'contract', recordId: id, customerId: before.customerId, action: 'deleted', actor: ctx.actor, at: now, summary: summaryOf(before) });
    });
  }

  async restore(id: string, ctx: RequestContext): Promise<Contract> {
    const deleted = await this.store.get(id, await this.access.filter(crmContractDeletePermission, ctx.credentials), { includeDeleted: true });
    if (!deleted) throw new CrmError(404, 'contractNotFound');
    if (!deleted.deletedAt) throw new CrmError(409, 'notDeleted');
    const now = this.now();
    await this.knex.transaction(async tx => {
      if (!(await this.store.update(tx, id, deleted.version, { deleted_at: null, deleted_by: null, updated_at: now, updated_by: ctx.actor }))) {
        throw new CrmError(409, 'staleVersion');
      }
      await writeAudit(tx, { recordType: 'contract', recordId: id, customerId: deleted.customerId, action: 'restored', actor: ctx.actor, at: now, summary: summaryOf(deleted) });
    });
    return this.present((await this.store.get(id, undefined))!, await this.fields.forCaller(ctx));
  }

  // ------------------------------------------------------------ attachments

  async addAttachment(id: string, rawFileName: string, content: Buffer, ctx: RequestContext): Promise<Attachment> {
    const contract = await this.loadFor(id, crmContractUpdatePermission, ctx);
    this.assertAttachmentsWritable(await this.fields.forCaller(ctx));
    assertEditable(contract.status);
    const fileName = cleanFileName(rawFileName);
    if (!fileName) throw CrmError.field('fileName', 'attachmentNameRequired');
    if (content.length === 0) throw new CrmError(400, 'attachmentEmpty');
    if (content.length > MAX_ATTACHMENT_BYTES) throw new CrmError(413, 'attachmentTooLarge', { max: MAX_ATTACHMENT_BYTES / 1024 / 1024 });
    const attachmentId = randomUUID();
    const now = this.now();
    await this.knex.transaction(async tx => {
      await this.assertNotSubmitting(tx, id);
      if ((await this.attachments.count(tx, CONTRACT_RECORD, id)) >= MAX_ATTACHMENTS_PER_RECORD) {
        throw new CrmError(409, 'tooManyAttachments', { max: MAX_ATTACHMENTS_PER_RECORD });
      }
      // files are part of what gets approved: the change bumps the contract's version like an edit
      if (!(await this.store.update(tx, id, contract.version, { updated_at: now, updated_by: ctx.actor }))) throw new CrmError(409, 'staleVersion');
      await this.attachments.insert(tx, {
        id: attachmentId,
        recordType: CONTRACT_RECORD,
        recordId: id,
        fileName,
        contentType: sniffContentType(content, fileName),
        sha256: createHash('sha256').update(content).digest('hex'),
        content,
        createdBy: ctx.actor,
        createdAt: now,
      });
      await writeAudit(tx, {
        recordType: 'contract',
        recordId: id,
        customerId: contract.customerId,
        action: 'attachmentAdded',
        actor: ctx.actor,
        at: now,
        summary: summaryOf(contract),
        changes: [{ field: 'attachments', from: null, to: fileName }],
      });
    });
    return (await this.attachments.get(CONTRACT_RECORD, id, attachmentId))!;
  }

  async removeAttachment(id: string, attachmentId: string, ctx: RequestContext): Promise<void> {
    const contract = await this.loadFor(id, crmContractUpdatePermission, ctx);
    this.assertAttachmentsWritable(await this.fields.forCaller(ctx));
    assertEditable(contract.status);
    const now = this.now();
    await this.knex.transaction(async tx => {
      await this.assertNotSubmitting(tx, id);
      const attachment = await this.attachments.get(CONTRACT_RECORD, id, attachmentId, tx);
      if (!attachment) throw new CrmError(404, 'attachmentNotFound');
      if (!(await this.store.update(tx, id, contract.version, { updated_at: now, updated_by: ctx.actor }))) throw new CrmError(409, 'staleVersion');
      await this.attachments.remove(tx, CONTRACT_RECORD, id, attachmentId);
      await writeAudit(tx, {
        recordType: 'contract',
        recordId: id,
        customerId: contract.customerId,
        action: 'attachmentRemoved',
        actor: ctx.actor,
        at: now,
        summary: summaryOf(contract),
        changes: [{ field: 'attachments', from: attachment.fileName, to: null }],
      });
    });
  }

  /** A file of a contract the caller may read; hidden attachments are as absent as missing ones. */
  async attachmentContent(id: string, attachmentId: string, ctx: RequestContext): Promise<{ attachment: Attachment; content: Buffer }> {
    await this.load(id, ctx);
    if ((await this.fields.forCaller(ctx)).isHidden('contract', 'attachments')) throw new CrmError(404, 'attachmentNotFound');
    const found = await this.attachments.content(CONTRACT_RECORD, id, attachmentId);
    if (!found) throw new CrmError(404, 'attachmentNotFound');
    return found;
  }

  // ------------------------------------------------------------ internals

  private assertAttachmentsWritable(fields: CallerFields) {
    if (fields.isHidden('contract', 'attachments') || fields.readOnly('contract').includes('attachments')) {
      throw CrmError.field('attachments', 'fieldNotWritable', {}, 403);
    }
  }

  /** While 提交审批 waits for the workflow plugin, what it submitted must stay what the contract says. */
  private async assertNotSubmitting(tx: Knex.Transaction, id: string) {
    const state = await this.store.lockApproval(tx, id);
    if (state?.submitStartedAt && this.now().getTime() - Date.parse(state.submitStartedAt) < SUBMIT_MARKER_TTL_MS) {
      throw new CrmError(409, 'contractSubmitting');
    }
    if (state) assertEditable(state.status);
  }

  private loadFor(id: string, permission: typeof crmContractUpdatePermission, ctx: RequestContext) {
    return this.access.forAction(permission, ctx.credentials, () => this.load(id, ctx), filter => this.store.get(id, filter));
  }

  private async assertUserExists(ref: string) {
    if ((await this.users.missing([ref])).length) throw CrmError.field('owner', 'userNotFound', { ref });
  }

  /** 归属部门: the one named (it must exist), else the owner's primary department. */
  private async ownerDepartmentFor(named: string | null | undefined, owner: string): Promise<string | null> {
    const org = await this.org.snapshot();
    if (named) {
      if (!org.departments.has(named)) throw CrmError.field('ownerDepartment', 'departmentNotFound', { ref: named });
      return named;
    }
    return primaryDepartmentOf(org, owner);
  }
}
