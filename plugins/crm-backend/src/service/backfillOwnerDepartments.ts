import { Knex } from 'knex';
import { LoggerService } from '@backstage/backend-plugin-api';
import { OrgDirectory } from '@cocrm/plugin-access-node';

/**
 * Gives customers without 归属部门 (created before it existed, or while their
 * managers had no department in the catalog) the department of one of their
 * account managers. Set-based and idempotent: one UPDATE per department that
 * only touches rows still NULL, driven by the managers' index, so customers
 * whose managers have no department cost nothing but the first check.
 */
export async function backfillOwnerDepartments(deps: { knex: Knex; org: OrgDirectory; logger: Pick<LoggerService, 'info'> }) {
  const { knex } = deps;
  if (!(await knex('crm_customers').whereNull('owner_department').first('id'))) return;
  const org = await deps.org.snapshot();
  const membersOf = new Map<string, string[]>();
  for (const user of org.users.values()) {
    const department = user.departments[0];
    if (department) membersOf.set(department, [...(membersOf.get(department) ?? []), user.ref]);
  }
  let n = 0;
  for (const [department, users] of [...membersOf].sort(([a], [b]) => a.localeCompare(b))) {
    n += await knex('crm_customers')
      .whereNull('owner_department')
      .whereIn('id', knex('crm_customer_managers').select('customer_id').whereIn('user_ref', users))
      .update({ owner_department: department });
  }
  if (n) deps.logger.info(`gave ${n} customers their owner department`);
}
