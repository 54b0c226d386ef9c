import type { Knex } from 'knex';

export const isPg = (db: Knex | Knex.Transaction): boolean => db.client.config.client === 'pg';

/**
 * Bind parameters one statement may carry: PostgreSQL's protocol counts them
 * in 16 bits, SQLite refuses more than SQLITE_MAX_VARIABLE_NUMBER (32766 since
 * 3.32; better-sqlite3 ships it). A little is kept back for the statement's
 * own WHERE.
 */
export const paramLimit = (db: Knex | Knex.Transaction): number => (isPg(db) ? 65535 : 32766) - 100;

/** IN lists stay at this length: long ones plan badly and bloat the statement text. */
export const IN_CHUNK = 500;

/**
 * Rows of one multi-row INSERT: within the parameter limit, and at most 500
 * because knex writes SQLite's multi-row insert as a compound SELECT (UNION
 * ALL), which SQLite caps at SQLITE_MAX_COMPOUND_SELECT = 500.
 */
export const insertChunk = (db: Knex | Knex.Transaction, columns: number): number => Math.max(1, Math.min(500, Math.floor(paramLimit(db) / columns)));

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** One row's new values for updateEach, by column; every row names the same columns. */
export interface RowUpdate {
  id: string;
  set: Record<string, unknown>;
}

/**
 * Gives every row its own values in one UPDATE per chunk. SQLite:
 * `SET col = CASE id WHEN ? THEN ? … END WHERE id IN (…)`; PostgreSQL:
 * `UPDATE … FROM (VALUES …) v WHERE t.id = v.id`, which it runs faster (a
 * fifth less time for a batch of search texts) with half the parameters.
 * `common` is set on every row alike (a value or an expression such as
 * `knex.raw('n + 1')`); `whereNot` skips rows whose current value is the
 * given one. Bare parameters are text to PostgreSQL, so the id (uuid) and
 * columns of other types are cast: `pgTypes` names the latter (e.g. uuid,
 * text[]).
 */
export async function updateEach(
  db: Knex | Knex.Transaction,
  table: string,
  rows: RowUpdate[],
  options: { common?: Record<string, unknown>; pgTypes?: Record<string, string>; whereNot?: Record<string, string> } = {},
): Promise<void> {
  const whereNot = Object.entries(options.whereNot ?? {});
  if (!rows.length) return;
  const columns = Object.keys(rows[0].set);
  const common = options.common ?? {};
  if (isPg(db)) {
    const cell = ['CAST(? AS uuid)', ...columns.map(c => (options.pgTypes?.[c] ? `CAST(? AS ${options.pgTypes[c]})` : '?'))].join(', ');
    const sets = [...columns.map(() => '?? = v.??'), ...Object.keys(common).map(() => '?? = ?')].join(', ');
    for (const part of chunks(rows, Math.min(IN_CHUNK, Math.floor((paramLimit(db) - 2 * Object.keys(common).length) / (columns.length + 1))))) {
      const bindings: Knex.RawBinding[] = [table];
      for (const c of columns) bindings.push(c, c);
      for (const [c, v] of Object.entries(common)) bindings.push(c, v as Knex.RawBinding);
      for (const r of part) bindings.push(r.id, ...columns.map(c => r.set[c] as Knex.RawBinding));
      bindings.push(...columns);
      for (const [c, v] of whereNot) bindings.push(c, v);
      await db.raw(
        `UPDATE ?? AS t SET ${sets} FROM (VALUES ${part.map(() => `(${cell})`).join(', ')}) AS v(id, ${columns.map(() => '??').join(', ')}) WHERE t.id = v.id${whereNot.map(() => ' AND t.?? <> ?').join('')}`,
        bindings,
      );
    }
    return;
  }
  const perRow = 2 * columns.length + 1;
  for (const part of chunks(rows, Math.min(IN_CHUNK, Math.floor(paramLimit(db) / perRow)))) {
    const values: Record<string, unknown> = { ...common };
    for (const column of columns) {
      const bindings: Knex.RawBinding[] = ['id'];
      for (const r of part) bindings.push(r.id, r.set[column] as Knex.RawBinding);
      values[column] = db.raw(`CASE ?? ${part.map(() => 'WHEN ? THEN ?').join(' ')} END`, bindings);
    }
    const q = db(table).whereIn(
      'id',
      part.map(r => r.id),
    );
    for (const [c, v] of whereNot) q.whereNot(c, v);
    await q.update(values);
  }
}
