import { toIso } from '@cocrm/plugin-access-node';
import type { AccessRecordMeta } from '@cocrm/plugin-access-common';

export function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  return JSON.parse(String(value)) as T;
}

/** Columns shared by every editable record. */
export interface MetaRow {
  id: string;
  version: number | string;
  created_by: string;
  created_at: unknown;
  updated_by: string;
  updated_at: unknown;
  deleted_at?: unknown;
  deleted_by?: string | null;
}

export function metaFromRow(row: MetaRow): AccessRecordMeta {
  return {
    id: row.id,
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toIso(row.updated_at),
  };
}

export function newMeta(actor: string, now: Date) {
  return { version: 1, created_by: actor, created_at: now, updated_by: actor, updated_at: now };
}
