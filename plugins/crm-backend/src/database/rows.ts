import { toIso, toIsoOrNull, likeContains } from '@cocrm/plugin-access-node';
import { Knex } from 'knex';

/** pg returns bigint as string; amounts in 分 fit safely in a double up to 2^53. */
export function toNumberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

/** Columns shared by every editable record. */
export interface MetaRow {
  id: string;
  version: number;
  created_by: string;
  created_at: unknown;
  updated_by: string;
  updated_at: unknown;
  deleted_at: unknown;
  deleted_by: string | null;
}

export function metaFromRow(row: MetaRow) {
  return {
    id: row.id,
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toIso(row.updated_at),
    deletedAt: toIsoOrNull(row.deleted_at),
    deletedBy: row.deleted_by,
  };
}

export function newMeta(actor: string, now: Date) {
  return {
    version: 1,
    created_by: actor,
    created_at: now,
    updated_by: actor,
    updated_at: now,
    deleted_at: null,
    deleted_by: null,
  };
}

/** Code-point bigrams, the same ones crm_bigrams() computes in PostgreSQL. */
export function bigramsOf(q: string): string[] {
  const chars = Array.from(q);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return [...out];
}

/**
 * Substring search over a normalised `search_text` column. On PostgreSQL the
 * bigram array (GIN-indexed) narrows the candidates first, so even a
 * two-character Chinese query avoids a sequential scan; LIKE then checks the
 * exact substring. SQLite has no such index and scans.
 */
export function whereSearch(
  knex: Knex,
  qb: Knex.QueryBuilder,
  column: string,
  normalizedQuery: string,
) {
  const isPg = knex.client.config.client === 'pg';
  const grams = bigramsOf(normalizedQuery);
  if (isPg && grams.length > 0) {
    const table = column.split('.')[0];
    qb.whereRaw(`${table}.search_bigrams @> ?::text[]`, [grams]);
  }
  qb.whereRaw(`${column} LIKE ? ESCAPE '\\'`, [likeContains(normalizedQuery)]);
}

/**
 * Rows strictly older than a timeline cursor (at, then id). The cursor's id
 * may be another source's (a mail entry's `mail:…`, or none at all), which
 * PostgreSQL refuses to compare with a uuid column, so ids are compared as
 * text in code-point order, the order the merged timeline uses.
 */
export function whereOlderThan(
  knex: Knex,
  qb: Knex.QueryBuilder,
  columns: { at: string; id: string },
  before: { at: Date; id: string },
) {
  const idText = knex.client.config.client === 'pg' ? `CAST(${columns.id} AS text) COLLATE "C"` : columns.id;
  qb.where(b => b.where(columns.at, '<', before.at).orWhere(b2 => b2.where(columns.at, '=', before.at).whereRaw(`${idText} < ?`, [before.id])));
}

/** Separates fields in search_text so that a match never spans two fields. */
export const SEARCH_FIELD_SEPARATOR = '\u001f';

/**
 * Substring search over individual columns, for a caller from whom some of
 * the fields in `search_text` are hidden: matching on them would reveal their
 * values. Slower (no bigram index) and without the phone-digit folding, but
 * only such callers pay for it.
 */
export function whereSearchColumns(qb: Knex.QueryBuilder, columns: Array<string | Knex.QueryBuilder>, normalizedQuery: string) {
  const pattern = likeContains(normalizedQuery);
  qb.where(b => {
    for (const col of columns) {
      if (typeof col === 'string') b.orWhereRaw(`LOWER(${col}) LIKE ? ESCAPE '\\'`, [pattern]);
      else b.orWhereExists(col.whereRaw(`LOWER(email) LIKE ? ESCAPE '\\'`, [pattern]));
    }
  });
}
