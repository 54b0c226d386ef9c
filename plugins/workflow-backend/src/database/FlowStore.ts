import { Knex } from 'knex';
import { toIso } from '@cocrm/plugin-access-node';
import type { FlowDefinition } from '@cocrm/plugin-workflow-common';
import { parseJson } from './rows';

export type Db = Knex | Knex.Transaction;

interface FlowRow {
  id: string;
  document_type: string;
  name: string;
  current_version: number;
  version: number;
  created_by: string;
  created_at: unknown;
  updated_by: string;
  updated_at: unknown;
}

interface FlowVersionRow {
  id: string;
  flow_id: string;
  number: number;
  definition: string;
  published_by: string;
  published_at: unknown;
}

export interface Flow {
  id: string;
  documentType: string;
  name: string;
  currentVersion: number;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export interface FlowVersion {
  id: string;
  flowId: string;
  number: number;
  definition: FlowDefinition;
  publishedBy: string;
  publishedAt: string;
}

const flowFromRow = (r: FlowRow): Flow => ({
  id: r.id,
  documentType: r.document_type,
  name: r.name,
  currentVersion: Number(r.current_version),
  version: Number(r.version),
  createdBy: r.created_by,
  createdAt: toIso(r.created_at),
  updatedBy: r.updated_by,
  updatedAt: toIso(r.updated_at),
});

const versionFromRow = (r: FlowVersionRow): FlowVersion => ({
  id: r.id,
  flowId: r.flow_id,
  number: Number(r.number),
  definition: parseJson<FlowDefinition>(r.definition, undefined as unknown as FlowDefinition),
  publishedBy: r.published_by,
  publishedAt: toIso(r.published_at),
});

/** Flows and their immutable published versions. */
export class FlowStore {
  constructor(private readonly db: Knex) {}

  async insertFlow(db: Db, flow: { id: string; documentType: string; name: string; actor: string; now: Date }) {
    await db('workflow_flows').insert({
      id: flow.id,
      document_type: flow.documentType,
      name: flow.name,
      current_version: 1,
      version: 1,
      created_by: flow.actor,
      created_at: flow.now,
      updated_by: flow.actor,
      updated_at: flow.now,
    });
  }

  async insertVersion(db: Db, v: { id: string; flowId: string; number: number; definition: FlowDefinition; actor: string; now: Date }) {
    await db('workflow_flow_versions').insert({
      id: v.id,
      flow_id: v.flowId,
      number: v.number,
      definition: JSON.stringify(v.definition),
      published_by: v.actor,
      published_at: v.now,
    });
  }

  /** Moves the flow to its next version if nobody else did first; false → stale. */
  async bumpVersion(db: Db, flowId: string, expectedVersion: number, patch: { name: string; actor: string; now: Date }): Promise<boolean> {
    const n = await db('workflow_flows')
      .where({ id: flowId, version: expectedVersion })
      .whereNull('deleted_at')
      .update({
        current_version: db.raw('current_version + 1'),
        version: expectedVersion + 1,
        name: patch.name,
        updated_by: patch.actor,
        updated_at: patch.now,
      });
    return n === 1;
  }

  async softDelete(db: Db, flowId: string, expectedVersion: number, actor: string, now: Date): Promise<boolean> {
    const n = await db('workflow_flows')
      .where({ id: flowId, version: expectedVersion })
      .whereNull('deleted_at')
      .update({ deleted_at: now, deleted_by: actor, version: expectedVersion + 1, updated_by: actor, updated_at: now });
    return n === 1;
  }

  async get(flowId: string, db: Db = this.db): Promise<Flow | undefined> {
    const row = await db<FlowRow>('workflow_flows').where({ id: flowId }).whereNull('deleted_at').first();
    return row ? flowFromRow(row) : undefined;
  }

  async byDocumentType(documentType: string, db: Db = this.db): Promise<Flow | undefined> {
    const row = await db<FlowRow>('workflow_flows').where({ document_type: documentType }).whereNull('deleted_at').first();
    return row ? flowFromRow(row) : undefined;
  }

  async list(): Promise<Flow[]> {
    const rows = await this.db<FlowRow>('workflow_flows').whereNull('deleted_at').orderBy('document_type');
    return rows.map(flowFromRow);
  }

  async version(flowId: string, number: number, db: Db = this.db): Promise<FlowVersion | undefined> {
    const row = await db<FlowVersionRow>('workflow_flow_versions').where({ flow_id: flowId, number }).first();
    return row ? versionFromRow(row) : undefined;
  }

  /** Versions with how many instances started on each, and how many of those are still open (running or returned). */
  async versions(flowId: string): Promise<Array<Omit<FlowVersion, 'definition'> & { instanceCount: number; openInstanceCount: number }>> {
    const rows = await this.db('workflow_flow_versions as v')
      .leftJoin('workflow_instances as i', 'i.flow_version_id', 'v.id')
      .where('v.flow_id', flowId)
      .groupBy('v.id', 'v.flow_id', 'v.number', 'v.published_by', 'v.published_at')
      .select('v.id', 'v.flow_id', 'v.number', 'v.published_by', 'v.published_at')
      .count({ n: 'i.id' })
      .select(this.db.raw("SUM(CASE WHEN i.status IN ('running', 'returned') THEN 1 ELSE 0 END) AS open_n"))
      .orderBy('v.number', 'desc');
    return (rows as Array<Omit<FlowVersionRow, 'definition'> & { n: number | string; open_n: number | string | null }>).map(r => ({
      id: r.id,
      flowId: r.flow_id,
      number: Number(r.number),
      publishedBy: r.published_by,
      publishedAt: toIso(r.published_at),
      instanceCount: Number(r.n),
      openInstanceCount: Number(r.open_n ?? 0),
    }));
  }
}
