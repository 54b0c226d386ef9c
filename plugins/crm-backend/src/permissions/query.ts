import { Knex } from 'knex';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { isAndCriteria, isNotCriteria, isOrCriteria } from '@backstage/plugin-permission-node';

/** What the suite's rules (IS_OWNER, IN_DEPARTMENT) turn into before they become SQL. */
export type CrmQuery =
  | { kind: 'isOwner'; userRefs: string[] }
  | { kind: 'inDepartment'; departmentRefs: string[] };

/**
 * The data scope a caller may see for one permission: `undefined` means all
 * records, otherwise criteria that become a knex `where` on every query
 * (lists, counts, search, export, graph, timeline), so nothing unseen is ever loaded.
 */
export type AccessFilter = PermissionCriteria<CrmQuery> | undefined;

/**
 * Where a query finds whose a row is. Customers carry 归属部门 in a column and
 * their owners (account managers) in crm_customer_managers; contacts, visits
 * and relations reach both through their customer. Contracts have their own
 * owner (负责人) and 归属部门 columns.
 */
export type ScopeColumns =
  | { customerId: string; ownerDepartment?: string; owner?: undefined }
  | { owner: string; ownerDepartment: string; customerId?: undefined };

/** Adds the access filter to `qb`. */
export function applyAccessFilter(qb: Knex.QueryBuilder, filter: AccessFilter, columns: string | ScopeColumns, knex: Knex): void {
  if (!filter) return;
  const cols: ScopeColumns = typeof columns === 'string' ? { customerId: columns } : columns;
  qb.where(inner => applyCriteria(inner, filter, cols, knex));
}

function applyCriteria(qb: Knex.QueryBuilder, criteria: PermissionCriteria<CrmQuery>, cols: ScopeColumns, knex: Knex): void {
  if (isAndCriteria(criteria)) {
    if (criteria.allOf.length === 0) return;
    for (const c of criteria.allOf) qb.andWhere(b => applyCriteria(b, c, cols, knex));
  } else if (isOrCriteria(criteria)) {
    if (criteria.anyOf.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    for (const c of criteria.anyOf) qb.orWhere(b => applyCriteria(b, c, cols, knex));
  } else if (isNotCriteria(criteria)) {
    qb.whereNot(b => applyCriteria(b, criteria.not, cols, knex));
  } else if (criteria.kind === 'isOwner') {
    if (criteria.userRefs.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    if (cols.owner) {
      qb.whereIn(cols.owner, criteria.userRefs);
      return;
    }
    qb.whereExists(
      knex('crm_customer_managers as acl')
        .select(knex.raw('1'))
        .whereRaw(`acl.customer_id = ${cols.customerId}`)
        .whereIn('acl.user_ref', criteria.userRefs),
    );
  } else if (criteria.kind === 'inDepartment') {
    if (criteria.departmentRefs.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    if (cols.ownerDepartment) {
      qb.whereIn(cols.ownerDepartment, criteria.departmentRefs);
    } else {
      qb.whereExists(
        knex('crm_customers as scope_c')
          .select(knex.raw('1'))
          .whereRaw(`scope_c.id = ${cols.customerId}`)
          .whereIn('scope_c.owner_department', criteria.departmentRefs),
      );
    }
  }
}
