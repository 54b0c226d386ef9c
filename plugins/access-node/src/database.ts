import type { Knex } from 'knex';
import type { Page } from '@cocrm/plugin-access-common';

/*
 * The suite's database helpers, shared by every plugin backend so that paging,
 * date ranges and value decoding mean the same everywhere.
 */

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

/** Dates come back as Date (pg), epoch ms (better-sqlite3) or strings; the APIs speak ISO. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return new Date(Number(value)).toISOString();
    return new Date(value.includes('T') || value.includes('Z') ? value : `${value.replace(' ', 'T')}Z`).toISOString();
  }
  throw new Error(`Unexpected date value ${String(value)}`);
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

/** Booleans come back as true/false (pg) or 1/0 (SQLite). */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** Escapes LIKE wildcards so user input matches literally (ESCAPE '\'). */
export function likeContains(q: string): string {
  return `%${q.replace(/[\\%_]/g, m => `\\${m}`)}%`;
}
