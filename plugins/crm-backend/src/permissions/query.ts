import { Knex } from 'knex';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { isAndCriteria, isNotCriteria, isOrCriteria } from '@backstage/plugin-permission-node';

/** What a CRM permission rule turns into before it becomes SQL. */
export type CrmQuery = { kind: 'hasAccountManager'; userRefs: string[] };

/**
 * The data scope a caller may see for one permission: `undefined` means all
 * records, otherwise criteria that become a knex `where` on every query
 * (lists, counts, search, graph, timeline), so nothing unseen is ever loaded.
 */
export type AccessFilter = PermissionCriteria<CrmQuery> | undefined;

/**
 * Adds the access filter to `qb`. `customerIdColumn` names the column that holds
 * the id of the customer the row belongs to (customers.id, contacts.customer_id …).
 */
export function applyAccessFilter(
  qb: Knex.QueryBuilder,
  filter: AccessFilter,
  customerIdColumn: string,
  knex: Knex,
): void {
  if (!filter) return;
  qb.where(inner => applyCriteria(inner, filter, customerIdColumn, knex));
}

function applyCriteria(
  qb: Knex.QueryBuilder,
  criteria: PermissionCriteria<CrmQuery>,
  col: string,
  knex: Knex,
): void {
  if (isAndCriteria(criteria)) {
    if (criteria.allOf.length === 0) return;
    for (const c of criteria.allOf) qb.andWhere(b => applyCriteria(b, c, col, knex));
  } else if (isOrCriteria(criteria)) {
    if (criteria.anyOf.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    for (const c of criteria.anyOf) qb.orWhere(b => applyCriteria(b, c, col, knex));
  } else if (isNotCriteria(criteria)) {
    qb.whereNot(b => applyCriteria(b, criteria.not, col, knex));
  } else if (criteria.kind === 'hasAccountManager') {
    if (criteria.userRefs.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    qb.whereExists(
      knex('crm_customer_managers as acl')
        .select(knex.raw('1'))
        .whereRaw(`acl.customer_id = ${col}`)
        .whereIn('acl.user_ref', criteria.userRefs),
    );
  }
}
