import type { Knex } from 'knex';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';

/** What the suite's two rules (IS_OWNER, IN_DEPARTMENT) become before they become SQL. */
export type ScopeQuery = { kind: 'isOwner'; userRefs: string[] } | { kind: 'inDepartment'; departmentRefs: string[] };

/**
 * Adds a data-scope filter where a record names its owner and its department
 * in columns of its own row (an approval's applicant and department, a
 * mailbox's owner and owner_department) — the one way plugins with such
 * records turn a conditional decision into a knex `where`.
 */
export function whereInScope(
  qb: Knex.QueryBuilder,
  criteria: PermissionCriteria<ScopeQuery>,
  columns: { owner: string; department: string },
): void {
  if ('allOf' in criteria) {
    for (const c of criteria.allOf) qb.andWhere(b => whereInScope(b, c, columns));
  } else if ('anyOf' in criteria) {
    if (criteria.anyOf.length === 0) {
      qb.whereRaw('1 = 0');
      return;
    }
    for (const c of criteria.anyOf) qb.orWhere(b => whereInScope(b, c, columns));
  } else if ('not' in criteria) {
    qb.whereNot(b => whereInScope(b, criteria.not, columns));
  } else if (criteria.kind === 'isOwner') {
    if (criteria.userRefs.length === 0) qb.whereRaw('1 = 0');
    else qb.whereIn(columns.owner, criteria.userRefs);
  } else if (criteria.departmentRefs.length === 0) {
    qb.whereRaw('1 = 0');
  } else {
    qb.whereIn(columns.department, criteria.departmentRefs);
  }
}
