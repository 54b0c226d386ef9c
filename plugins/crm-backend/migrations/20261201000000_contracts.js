// @ts-check

/**
 * 合同: contracts with their approval state, and the CRM's attachment store
 * (files kept in this database, for contracts now and other records later).
 * crm_audit gains `detail` (facts of an entry that are no field change, such
 * as a contract's amount when it was approved).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('crm_sequences').insert({ name: 'contract', value: 0 }).onConflict('name').ignore();

  await knex.schema.createTable('crm_contracts', t => {
    t.uuid('id').primary();
    t.string('number', 20).notNullable().unique();
    t.string('name', 200).notNullable();
    t.uuid('customer_id').notNullable().references('id').inTable('crm_customers');
    t.string('format', 20).notNullable();
    t.string('contract_type', 20).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('signed_at', 10);
    t.string('start_date', 10);
    t.string('end_date', 10);
    t.text('payment_terms');
    t.text('standard');
    t.text('key_terms');
    t.text('remark');
    t.string('owner_ref').notNullable();
    t.string('owner_department');
    t.string('status', 20).notNullable();
    // the approval the status comes from, and the version of it last applied
    t.string('workflow_instance_id', 100);
    t.integer('workflow_version');
    // set while 提交审批 waits for the workflow plugin: a crash in between leaves a trace that recovery follows
    t.timestamp('submit_started_at', { useTz: true });
    // 编号 and 名称, normalised like every search_text
    t.text('search_text').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('deleted_by').nullable();
    t.index(['customer_id'], 'crm_contracts_customer_idx');
    t.index(['owner_ref'], 'crm_contracts_owner_idx');
    t.index(['owner_department'], 'crm_contracts_owner_department_idx');
    t.index(['updated_at'], 'crm_contracts_updated_idx');
  });
  // recovery and the status filter look at open approvals only
  await knex.raw('CREATE INDEX crm_contracts_status_idx ON crm_contracts (status) WHERE deleted_at IS NULL');
  if (knex.client.config.client === 'pg') {
    // the same two-character search as customers and contacts (crm_bigrams comes from the first migration)
    await knex.raw('ALTER TABLE crm_contracts ADD COLUMN search_bigrams text[] GENERATED ALWAYS AS (crm_bigrams(search_text)) STORED');
    await knex.raw('CREATE INDEX crm_contracts_search_idx ON crm_contracts USING gin (search_bigrams)');
  }

  await knex.schema.createTable('crm_attachments', t => {
    t.uuid('id').primary();
    t.string('record_type', 30).notNullable();
    t.uuid('record_id').notNullable();
    t.string('file_name', 255).notNullable();
    t.string('content_type', 100).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.binary('content').notNullable();
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['record_type', 'record_id'], 'crm_attachments_record_idx');
  });

  await knex.schema.alterTable('crm_audit', t => {
    t.text('detail');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('crm_audit', t => {
    t.dropColumn('detail');
  });
  await knex.schema.dropTableIfExists('crm_attachments');
  await knex.schema.dropTableIfExists('crm_contracts');
  await knex('crm_sequences').where({ name: 'contract' }).delete();
};
