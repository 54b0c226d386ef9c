import { Knex } from 'knex';
import { DirectGrant, GrantSpec } from '@cocrm/plugin-access-common';
import { MetaRow, metaFromRow } from './rows';
import { toBool } from '@cocrm/plugin-access-node';
import { Db, grantColumns, grantFromColumns } from './RoleStore';

interface DirectGrantRow extends MetaRow {
  subject_kind: string;
  subject_ref: string;
  include_subdepartments: boolean | number;
  resource_type: string;
  action: string;
  scope: string;
  departments: string | null;
  scope_include_subdepartments: boolean | number;
}

/**
 * A direct grant as the API shows it. access-common's DirectGrant has one
 * `includeSubdepartments` for two things (the subject's sub-departments and
 * the `specified` scope's); here it is the subject's, and the scope's flag is
 * `scopeIncludeSubdepartments`.
 */
export type DirectGrantView = Omit<DirectGrant, 'includeSubdepartments'> & {
  includeSubdepartments: boolean;
  scopeIncludeSubdepartments?: boolean;
};

function fromRow(row: DirectGrantRow): DirectGrantView {
  const { includeSubdepartments: scopeIncludeSubdepartments, ...spec } = grantFromColumns({
    ...row,
    include_subdepartments: row.scope_include_subdepartments,
  });
  return {
    ...metaFromRow(row),
    subjectKind: row.subject_kind as DirectGrant['subjectKind'],
    subjectRef: row.subject_ref,
    includeSubdepartments: toBool(row.include_subdepartments),
    ...spec,
    ...(spec.scope === 'specified' ? { scopeIncludeSubdepartments: Boolean(scopeIncludeSubdepartments) } : {}),
  };
}

/** The grant part of a direct grant, in the shape roles' grants have. */
export function grantSpecOf(view: DirectGrantView): GrantSpec {
  const spec: GrantSpec = { resourceType: view.resourceType, action: view.action, scope: view.scope };
  if (view.scope === 'specified') {
    spec.departments = view.departments ?? [];
    spec.includeSubdepartments = Boolean(view.scopeIncludeSubdepartments);
  }
  return spec;
}

/** Grants given directly to a user or department, outside any role. */
export class GrantStore {
  constructor(private readonly knex: Knex) {}

  async list(filter: { subjectKind?: string; subjectRef?: string } = {}, db: Db = this.knex): Promise<DirectGrantView[]> {
    const qb = db('access_direct_grants').whereNull('deleted_at');
    if (filter.subjectKind) qb.where('subject_kind', filter.subjectKind);
    if (filter.subjectRef) qb.where('subject_ref', filter.subjectRef);
    const rows: DirectGrantRow[] = await qb.orderBy(['subject_kind', 'subject_ref', 'created_at', 'id']);
    return rows.map(fromRow);
  }

  async get(id: string, db: Db = this.knex): Promise<DirectGrantView | undefined> {
    const row: DirectGrantRow | undefined = await db('access_direct_grants').where({ id }).whereNull('deleted_at').first();
    return row && fromRow(row);
  }

  async findLive(db: Db, subjectKind: string, subjectRef: string, grant: Pick<GrantSpec, 'resourceType' | 'action'>) {
    return db('access_direct_grants')
      .where({ subject_kind: subjectKind, subject_ref: subjectRef, resource_type: grant.resourceType, action: grant.action })
      .whereNull('deleted_at')
      .first('id');
  }

  async insert(
    tx: Knex.Transaction,
    grant: { id: string; subjectKind: string; subjectRef: string; includeSubdepartments: boolean; spec: GrantSpec },
    meta: { version: number; created_by: string; created_at: Date; updated_by: string; updated_at: Date },
  ): Promise<void> {
    const { include_subdepartments: scopeIncludeSubdepartments, ...columns } = grantColumns(grant.spec);
    await tx('access_direct_grants').insert({
      id: grant.id,
      subject_kind: grant.subjectKind,
      subject_ref: grant.subjectRef,
      include_subdepartments: grant.subjectKind === 'department' && grant.includeSubdepartments,
      ...columns,
      scope_include_subdepartments: scopeIncludeSubdepartments,
      ...meta,
    });
  }

  async softDelete(tx: Knex.Transaction, id: string, version: number, actor: string, now: Date): Promise<number> {
    return tx('access_direct_grants')
      .where({ id, version })
      .whereNull('deleted_at')
      .update({ deleted_at: now, deleted_by: actor, updated_at: now, updated_by: actor, version: version + 1 });
  }
}
