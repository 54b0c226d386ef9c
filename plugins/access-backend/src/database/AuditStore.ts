import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { AuditEntry, AuditQuery, Page } from '@cocrm/plugin-access-common';
import { fetchPage, toIso, whereTimeRange } from '@cocrm/plugin-access-node';
import { parseJson } from './rows';

export type AuditRecordType = 'role' | 'grant' | 'handover';
export type AuditChange = { field: string; from: unknown; to: unknown };

/** What one mutation leaves in the audit log. */
export interface AuditWrite {
  recordType: AuditRecordType;
  recordId: string;
  action: string;
  actor: string;
  at: Date;
  summary?: string | null;
  changes?: AuditChange[] | null;
}

interface AuditRow {
  id: string;
  record_type: string;
  record_id: string;
  action: string;
  actor: string;
  at: unknown;
  summary: string | null;
  changes: string | null;
}

function fromRow(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    source: 'access',
    recordType: row.record_type,
    recordId: row.record_id,
    summary: row.summary,
    action: row.action,
    actor: row.actor,
    at: toIso(row.at),
    changes: parseJson<AuditEntry['changes']>(row.changes, null),
  };
}

/** Written in the mutation's own transaction, so the log and the data never disagree. */
export async function writeAudit(tx: Knex.Transaction, entry: AuditWrite): Promise<void> {
  await tx('access_audit').insert({
    id: randomUUID(),
    record_type: entry.recordType,
    record_id: entry.recordId,
    action: entry.action,
    actor: entry.actor,
    at: entry.at,
    summary: entry.summary ?? null,
    changes: entry.changes ? JSON.stringify(entry.changes) : null,
  });
}

type AuditFilter = Omit<AuditQuery, 'page' | 'pageSize' | 'order'>;

/** The access plugin's part of the suite's audit log. */
export class AuditStore {
  constructor(private readonly knex: Knex) {}

  private filtered(query: AuditFilter): Knex.QueryBuilder {
    const qb = this.knex('access_audit');
    if (query.actor) qb.where('actor', query.actor);
    if (query.recordType) qb.where('record_type', query.recordType);
    if (query.recordId) qb.where('record_id', query.recordId);
    if (query.action) qb.where('action', query.action);
    if (query.q) {
      // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`)}%`;
      qb.where(w =>
        w
          .whereRaw("lower(coalesce(summary, '')) LIKE ? ESCAPE '\\'", [pattern])
          .orWhereRaw("lower(record_id) LIKE ? ESCAPE '\\'", [pattern]),
      );
    }
    whereTimeRange(qb, 'at', query.from, query.to);
    return qb;
  }

  list(query: AuditQuery): Promise<Page<AuditEntry>> {
    return fetchPage<AuditRow, AuditEntry>({
      count: this.filtered(query).count({ n: '*' }),
      rows: this.filtered(query).select('*'),
      sortColumn: 'at',
      idColumn: 'id',
      request: query,
      hydrate: rows => rows.map(fromRow),
    });
  }

  /** Every matching entry in batches, for exports that must not hold the whole log in memory. */
  async *batches(query: AuditQuery, batchSize = 1000, limit = 100_000): AsyncGenerator<AuditEntry[]> {
    for (let offset = 0; offset < limit; offset += batchSize) {
      const rows: AuditRow[] = await this.filtered(query)
        .select('*')
        .orderBy('at', query.order)
        .orderBy('id', query.order)
        .limit(Math.min(batchSize, limit - offset))
        .offset(offset);
      if (rows.length) yield rows.map(fromRow);
      if (rows.length < batchSize) return;
    }
  }
}
