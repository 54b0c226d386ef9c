import { Knex } from 'knex';
import type { Delegation } from '@cocrm/plugin-workflow-common';
import { DelegationRow, delegationFromRow } from './rows';
import type { Db } from './FlowStore';

/** 委托: who acts for whom, for which document types, when. */
export class DelegationStore {
  constructor(private readonly db: Knex) {}

  async insert(d: { id: string; delegator: string; delegate: string; documentTypes: string[] | null; startsAt: Date; endsAt: Date; actor: string; now: Date }) {
    await this.db('workflow_delegations').insert({
      id: d.id,
      delegator: d.delegator,
      delegate: d.delegate,
      document_types: d.documentTypes ? JSON.stringify(d.documentTypes) : null,
      starts_at: d.startsAt,
      ends_at: d.endsAt,
      created_by: d.actor,
      created_at: d.now,
    });
  }

  async revoke(id: string, delegator: string, now: Date): Promise<boolean> {
    const n = await this.db('workflow_delegations').where({ id, delegator }).whereNull('revoked_at').update({ revoked_at: now });
    return n === 1;
  }

  async listFor(userRef: string): Promise<Delegation[]> {
    const rows = await this.db<DelegationRow>('workflow_delegations')
      // one's own delegations with their history (撤销 stays visible); a delegate meets theirs on the tasks (代 X 审批)
      .where({ delegator: userRef })
      .orderBy('created_at', 'desc');
    return rows.map(delegationFromRow);
  }

  /**
   * The delegate who receives `approver`'s new tasks of `documentType` at
   * `at`, if any; the newest delegation wins. Delegation is one level: a
   * delegate's own delegation is not followed (no chains, no loops).
   */
  async activeDelegate(db: Db, approver: string, documentType: string, at: Date): Promise<string | null> {
    const rows = await db<DelegationRow>('workflow_delegations')
      .where({ delegator: approver })
      .whereNull('revoked_at')
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .orderBy('created_at', 'desc');
    const hit = rows.map(delegationFromRow).find(d => d.documentTypes === null || d.documentTypes.includes(documentType));
    return hit?.delegate ?? null;
  }
}
