import { Knex } from 'knex';
import { Page } from '@cocrm/plugin-access-common';

/** The suite's one way to page: a count and one sorted page, id as the tie-breaker. */
export async function fetchPage<R, T>(options: {
  count: Knex.QueryBuilder;
  rows: Knex.QueryBuilder;
  sortColumn: string;
  idColumn: string;
  request: { page: number; pageSize: number; order: 'asc' | 'desc' };
  hydrate: (rows: R[]) => T[] | Promise<T[]>;
}): Promise<Page<T>> {
  const { request } = options;
  options.rows
    .orderBy(options.sortColumn, request.order)
    .orderBy(options.idColumn, request.order)
    .limit(request.pageSize)
    .offset(request.page * request.pageSize);
  // one after the other: on a small machine parallel queries only compete
  const countRow = await options.count.first();
  const rows = await options.rows;
  return {
    items: await options.hydrate(rows as R[]),
    totalCount: Number((countRow as { n: number | string } | undefined)?.n ?? 0),
    page: request.page,
    pageSize: request.pageSize,
  };
}

/**
 * A date-only bound (YYYY-MM-DD) means a whole day in Asia/Shanghai, and `to`
 * includes that day; a full timestamp is taken as it is.
 */
function bound(value: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = new Date(`${value}T00:00:00+08:00`);
    return end ? new Date(start.getTime() + 24 * 3600 * 1000) : start;
  }
  return new Date(value);
}

export function whereTimeRange(qb: Knex.QueryBuilder, column: string, from?: string, to?: string) {
  if (from) qb.where(column, '>=', bound(from, false));
  if (to) qb.where(column, '<', bound(to, true));
}
