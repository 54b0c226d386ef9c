import { Knex } from 'knex';
import { ContactRelation } from '@cocrm/plugin-crm-common';
import { AccessFilter, applyAccessFilter } from '../permissions/query';
import { MetaRow, metaFromRow } from './rows';

interface RelationRow extends MetaRow {
  from_contact_id: string;
  to_contact_id: string;
  type: string;
  strength: string;
  remark: string | null;
}

function fromRow(r: RelationRow): ContactRelation {
  return {
    ...metaFromRow(r),
    fromContactId: r.from_contact_id,
    toContactId: r.to_contact_id,
    type: r.type as ContactRelation['type'],
    strength: r.strength as ContactRelation['strength'],
    remark: r.remark,
  };
}

/** Relations between contacts; both ends must be live and visible to the caller. */
export class RelationStore {
  constructor(private readonly knex: Knex) {}

  private visible(filter: AccessFilter) {
    return (qb: Knex.QueryBuilder) => {
      for (const [alias, col] of [['fc', 'r.from_contact_id'], ['tc', 'r.to_contact_id']] as const) {
        qb.whereExists(b => {
          b.select(this.knex.raw('1'))
            .from(`crm_contacts as ${alias}`)
            .join(`crm_customers as ${alias}c`, `${alias}c.id`, `${alias}.customer_id`)
            .whereRaw(`${alias}.id = ${col}`)
            .whereNull(`${alias}.deleted_at`)
            .whereNull(`${alias}c.deleted_at`);
          applyAccessFilter(b, filter, `${alias}.customer_id`, this.knex);
        });
      }
    };
  }

  async get(id: string, filter: AccessFilter, db: Knex | Knex.Transaction = this.knex) {
    const qb = db('crm_contact_relations as r').select('r.*').where('r.id', id).whereNull('r.deleted_at');
    this.visible(filter)(qb);
    const row = await qb.first();
    return row ? fromRow(row) : undefined;
  }

  /** Relations touching any contact of the customer. */
  async ofCustomer(customerId: string, filter: AccessFilter): Promise<ContactRelation[]> {
    const qb = this.knex('crm_contact_relations as r')
      .select('r.*')
      .whereNull('r.deleted_at')
      .where(b =>
        b
          .whereIn('r.from_contact_id', this.knex('crm_contacts').select('id').where('customer_id', customerId))
          .orWhereIn('r.to_contact_id', this.knex('crm_contacts').select('id').where('customer_id', customerId)),
      )
      .orderBy('r.created_at')
      .limit(1000);
    this.visible(filter)(qb);
    return (await qb).map(fromRow);
  }

  async exists(db: Knex | Knex.Transaction, from: string, to: string, type: string) {
    return Boolean(await db('crm_contact_relations').where({ from_contact_id: from, to_contact_id: to, type }).whereNull('deleted_at').first('id'));
  }

  async insert(db: Knex.Transaction, row: Record<string, unknown>) {
    await db('crm_contact_relations').insert(row);
  }

  async update(db: Knex.Transaction, id: string, version: number, patch: Record<string, unknown>) {
    return (await db('crm_contact_relations').where({ id, version }).update({ ...patch, version: version + 1 })) === 1;
  }
}
