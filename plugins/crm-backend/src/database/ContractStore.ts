import { Knex } from 'knex';
import { Contract, ContractListQuery, ContractStatus, Page } from '@cocrm/plugin-crm-common';
import { fetchPage, likeContains, toIsoOrNull } from '@cocrm/plugin-access-node';
import { AccessFilter, ScopeColumns, applyAccessFilter } from '../permissions/query';
import { MetaRow, metaFromRow, toNumberOrNull, whereSearch } from './rows';

export interface ContractRow extends MetaRow {
  number: string;
  name: string;
  customer_id: string;
  format: string;
  contract_type: string;
  amount: number | string;
  currency: string;
  signed_at: string | null;
  start_date: string | null;
  end_date: string | null;
  payment_terms: string | null;
  standard: string | null;
  key_terms: string | null;
  remark: string | null;
  owner_ref: string;
  owner_department: string | null;
  status: string;
  workflow_instance_id: string | null;
  workflow_version: number | null;
  submit_started_at: unknown;
  search_text: string;
}

type JoinedRow = Omit<ContractRow, 'search_text'> & { customer_name: string };

/** A contract's scope is its own: 负责人 and 归属部门 columns. */
export const CONTRACT_SCOPE: ScopeColumns = { owner: 'k.owner_ref', ownerDepartment: 'k.owner_department' };

const CONTRACT_COLUMNS = [
  'id', 'number', 'name', 'customer_id', 'format', 'contract_type', 'amount', 'currency', 'signed_at',
  'start_date', 'end_date', 'payment_terms', 'standard', 'key_terms', 'remark', 'owner_ref',
  'owner_department', 'status', 'workflow_instance_id', 'workflow_version', 'submit_started_at',
  'version', 'created_by', 'created_at', 'updated_by', 'updated_at', 'deleted_at', 'deleted_by',
].map(col => `k.${col}`);

const SORT_COLUMNS: Record<string, string> = {
  number: 'k.number',
  name: 'k.name',
  amount: 'k.amount',
  signedAt: 'k.signed_at',
  status: 'k.status',
  createdAt: 'k.created_at',
  updatedAt: 'k.updated_at',
};
export const CONTRACT_SORT_KEYS = Object.keys(SORT_COLUMNS);

export function contractFromRow(row: JoinedRow): Contract {
  return {
    ...metaFromRow(row),
    number: row.number,
    name: row.name,
    customerId: row.customer_id,
    customerName: row.customer_name,
    format: row.format as Contract['format'],
    contractType: row.contract_type as Contract['contractType'],
    amount: { amount: toNumberOrNull(row.amount) ?? 0, currency: row.currency },
    signedAt: row.signed_at,
    startDate: row.start_date,
    endDate: row.end_date,
    paymentTerms: row.payment_terms,
    standard: row.standard,
    keyTerms: row.key_terms,
    remark: row.remark,
    owner: row.owner_ref,
    ownerDepartment: row.owner_department ?? null,
    status: row.status as ContractStatus,
    workflowInstanceId: row.workflow_instance_id,
    workflowVersion: row.workflow_version === null || row.workflow_version === undefined ? null : Number(row.workflow_version),
  };
}

/** The bookkeeping of a contract's approval that the API does not show. */
export interface ContractApprovalState {
  id: string;
  status: ContractStatus;
  workflowInstanceId: string | null;
  workflowVersion: number | null;
  submitStartedAt: string | null;
  version: number;
  deleted: boolean;
}

type ListQuery = Required<Pick<ContractListQuery, 'page' | 'pageSize' | 'sort' | 'order'>> & ContractListQuery;

/** Queries of 合同 (with the name of their customer). */
export class ContractStore {
  constructor(private readonly knex: Knex) {}

  private base(db: Knex | Knex.Transaction) {
    return db('crm_contracts as k')
      .join('crm_customers as c', 'c.id', 'k.customer_id')
      .whereNull('c.deleted_at')
      .select(...CONTRACT_COLUMNS, 'c.name as customer_name');
  }

  async get(id: string, filter: AccessFilter, opts: { includeDeleted?: boolean; db?: Knex | Knex.Transaction } = {}): Promise<Contract | undefined> {
    const qb = this.base(opts.db ?? this.knex).where('k.id', id);
    if (!opts.includeDeleted) qb.whereNull('k.deleted_at');
    applyAccessFilter(qb, filter, CONTRACT_SCOPE, this.knex);
    const row = (await qb.first()) as JoinedRow | undefined;
    return row ? contractFromRow(row) : undefined;
  }

  async list(query: ListQuery, filter: AccessFilter): Promise<Page<Contract>> {
    const where = (qb: Knex.QueryBuilder) => {
      if (query.deleted) qb.whereNotNull('k.deleted_at');
      else qb.whereNull('k.deleted_at');
      if (query.q) {
        const q = query.q;
        // 编号 and 名称 through the contract's search text, 客户名 through the customer's name key
        qb.where(b => {
          b.where(inner => whereSearch(this.knex, inner, 'k.search_text', q));
          b.orWhereRaw(`c.name_key LIKE ? ESCAPE '\\'`, [likeContains(q.replace(/\s+/g, ''))]);
        });
      }
      if (query.status?.length) qb.whereIn('k.status', query.status);
      if (query.contractType?.length) qb.whereIn('k.contract_type', query.contractType);
      if (query.customerId) qb.where('k.customer_id', query.customerId);
      if (query.owner) qb.where('k.owner_ref', query.owner);
      if (query.signedFrom) qb.where('k.signed_at', '>=', query.signedFrom);
      if (query.signedTo) qb.where('k.signed_at', '<=', query.signedTo);
      applyAccessFilter(qb, filter, CONTRACT_SCOPE, this.knex);
    };
    const count = this.knex('crm_contracts as k').join('crm_customers as c', 'c.id', 'k.customer_id').whereNull('c.deleted_at').count({ n: '*' });
    where(count);
    const rows = this.base(this.knex);
    where(rows);
    return fetchPage({
      count,
      rows,
      sortColumn: SORT_COLUMNS[query.sort] ?? 'k.updated_at',
      idColumn: 'k.id',
      request: query,
      hydrate: (list: JoinedRow[]) => list.map(contractFromRow),
    });
  }

  async insert(tx: Knex.Transaction, row: Omit<ContractRow, 'deleted_at' | 'deleted_by' | 'submit_started_at'>) {
    await tx('crm_contracts').insert(row);
  }

  /** Optimistic update: true when the row had `version` and was changed. */
  async update(tx: Knex.Transaction, id: string, version: number, patch: Partial<ContractRow>): Promise<boolean> {
    return (await tx('crm_contracts').where({ id, version }).update({ ...patch, version: version + 1 })) === 1;
  }

  /**
   * The approval bookkeeping of a contract, row-locked on PostgreSQL (SQLite
   * runs one writing transaction at a time) so that a status event, the
   * recovery and 提交审批 never interleave on one contract.
   */
  async lockApproval(tx: Knex.Transaction, id: string): Promise<ContractApprovalState | undefined> {
    const qb = tx('crm_contracts').where({ id });
    if (tx.client.config.client === 'pg') qb.forUpdate();
    const row = (await qb.first('id', 'status', 'workflow_instance_id', 'workflow_version', 'submit_started_at', 'version', 'deleted_at')) as
      | Pick<ContractRow, 'id' | 'status' | 'workflow_instance_id' | 'workflow_version' | 'submit_started_at' | 'version' | 'deleted_at'>
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status as ContractStatus,
      workflowInstanceId: row.workflow_instance_id,
      workflowVersion: row.workflow_version === null ? null : Number(row.workflow_version),
      submitStartedAt: toIsoOrNull(row.submit_started_at),
      version: Number(row.version),
      deleted: row.deleted_at !== null && row.deleted_at !== undefined,
    };
  }

  /** Sets or clears the 提交审批 marker without changing the record's version (it is no edit). */
  async markSubmitting(db: Knex | Knex.Transaction, id: string, at: Date | null) {
    await db('crm_contracts').where({ id }).update({ submit_started_at: at });
  }

  /** Live contracts whose approval is open or whose 提交审批 left a marker, a batch after `afterId`. */
  async openApprovals(afterId: string | null, limit: number): Promise<Array<{ id: string; submitting: boolean }>> {
    const qb = this.knex('crm_contracts')
      .whereNull('deleted_at')
      .where(b => b.whereIn('status', ['in_approval', 'returned']).orWhereNotNull('submit_started_at'))
      .orderBy('id')
      .limit(limit)
      .select('id', 'submit_started_at');
    if (afterId) qb.where('id', '>', afterId);
    const rows: Array<{ id: string; submit_started_at: unknown }> = await qb;
    return rows.map(r => ({ id: r.id, submitting: r.submit_started_at !== null && r.submit_started_at !== undefined }));
  }

  async hasLiveContracts(db: Knex | Knex.Transaction, customerId: string): Promise<boolean> {
    return Boolean(await db('crm_contracts').where({ customer_id: customerId }).whereNull('deleted_at').first('id'));
  }
}
