import { Knex } from 'knex';
import { HandoverRecord, Page } from '@cocrm/plugin-access-common';
import { fetchPage, toIso } from '@cocrm/plugin-access-node';
import { parseJson } from './rows';

interface HandoverRow {
  id: string;
  kind: string;
  from_ref: string;
  receivers: string;
  reason: string | null;
  status: string;
  counts: string;
  error: string | null;
  created_by: string;
  created_at: unknown;
}

function fromRow(row: HandoverRow): HandoverRecord {
  return {
    id: row.id,
    kind: row.kind as HandoverRecord['kind'],
    from: row.from_ref,
    receivers: parseJson<string[]>(row.receivers, []),
    reason: row.reason,
    status: row.status as HandoverRecord['status'],
    counts: parseJson<Record<string, number>>(row.counts, {}),
    error: row.error,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
  };
}

/** The record of each 工作移交: who handed what to whom, and how it ended. */
export class HandoverStore {
  constructor(private readonly knex: Knex) {}

  async insert(record: HandoverRecord): Promise<void> {
    await this.knex('access_handovers').insert({
      id: record.id,
      kind: record.kind,
      from_ref: record.from,
      receivers: JSON.stringify(record.receivers),
      reason: record.reason,
      status: record.status,
      counts: JSON.stringify(record.counts),
      error: record.error,
      created_by: record.createdBy,
      created_at: new Date(record.createdAt),
      updated_at: new Date(record.createdAt),
    });
  }

  async finish(
    tx: Knex.Transaction,
    id: string,
    outcome: Pick<HandoverRecord, 'status' | 'counts' | 'error'>,
    now: Date,
  ): Promise<void> {
    await tx('access_handovers')
      .where({ id })
      .update({ status: outcome.status, counts: JSON.stringify(outcome.counts), error: outcome.error, updated_at: now });
  }

  async get(id: string, db: Knex | Knex.Transaction = this.knex): Promise<HandoverRecord | undefined> {
    const row: HandoverRow | undefined = await db('access_handovers').where({ id }).first();
    return row && fromRow(row);
  }

  list(request: { page: number; pageSize: number }): Promise<Page<HandoverRecord>> {
    return fetchPage<HandoverRow, HandoverRecord>({
      count: this.knex('access_handovers').count({ n: '*' }),
      rows: this.knex('access_handovers').select('*'),
      sortColumn: 'created_at',
      idColumn: 'id',
      request: { ...request, order: 'desc' },
      hydrate: rows => rows.map(fromRow),
    });
  }
}
