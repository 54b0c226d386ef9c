import { Knex } from 'knex';
import { LoggerService } from '@backstage/backend-plugin-api';
import { OrgDirectory, primaryDepartmentOf } from '@cocrm/plugin-access-node';

/**
 * Gives customers without 归属部门 (created before it existed, or whose
 * managers were unknown at the time) their first account manager's
 * department. Idempotent; only touches rows that are still NULL.
 */
export async function backfillOwnerDepartments(deps: { knex: Knex; org: OrgDirectory; logger: Pick<LoggerService, 'info'> }) {
  const { knex } = deps;
  const rows: Array<{ id: string; user_ref: string }> = await knex('crm_customers as c')
    .join('crm_customer_managers as m', 'm.customer_id', 'c.id')
    .whereNull('c.owner_department')
    .orderBy('c.id')
    .orderBy('m.user_ref')
    .select('c.id', 'm.user_ref')
    .limit(10_000);
  if (rows.length === 0) return;
  const org = await deps.org.snapshot();
  const first = new Map<string, string>();
  for (const r of rows) if (!first.has(r.id)) first.set(r.id, r.user_ref);
  let n = 0;
  for (const [id, manager] of first) {
    const department = primaryDepartmentOf(org, manager);
    if (!department) continue;
    n += await knex('crm_customers').where('id', id).whereNull('owner_department').update({ owner_department: department });
  }
  if (n) deps.logger.info(`gave ${n} customers their owner department`);
}
