// @ts-check

/**
 * CRM schema: customers, their account managers, contacts (+ e-mail addresses),
 * contact relations, visits, per-type number sequences and the record audit
 * that feeds the customer timeline. Runs on SQLite and PostgreSQL; PostgreSQL
 * additionally gets a character-bigram GIN index so that two-character Chinese
 * substrings are found without a sequential scan (pg_trgm needs three).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const isPg = knex.client.config.client === 'pg';

  /** @param {import('knex').Knex.CreateTableBuilder} t */
  const meta = t => {
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('deleted_by').nullable();
  };

  await knex.schema.createTable('crm_sequences', t => {
    t.string('name').primary();
    t.bigInteger('value').notNullable();
  });
  // Seeded so that the first numbers never race on an INSERT.
  await knex('crm_sequences').insert([{ name: 'customer', value: 0 }]);

  await knex.schema.createTable('crm_customers', t => {
    t.uuid('id').primary();
    t.string('number', 20).notNullable().unique();
    t.string('name', 100).notNullable();
    t.string('name_key', 100).notNullable();
    t.string('short_name', 50);
    t.string('uscc', 18);
    t.string('type', 20).notNullable();
    t.string('level', 1);
    t.string('industry_code', 2);
    t.string('industry_position', 20);
    t.string('region_code', 6);
    t.string('address', 200);
    t.string('postcode', 6);
    t.string('phone', 50);
    t.string('website', 200);
    t.bigInteger('annual_revenue');
    t.string('annual_revenue_currency', 3);
    t.string('founded_on', 10);
    t.integer('employee_count');
    t.text('main_customers');
    t.text('management_style');
    t.bigInteger('expected_purchase');
    t.string('expected_purchase_currency', 3);
    t.uuid('parent_id').references('id').inTable('crm_customers');
    t.uuid('group_id').references('id').inTable('crm_customers');
    t.string('channel', 20);
    t.string('source', 20);
    t.string('status', 20).notNullable();
    t.text('remark');
    t.text('search_text').notNullable();
    meta(t);
    t.index(['updated_at'], 'crm_customers_updated_idx');
    t.index(['created_at'], 'crm_customers_created_idx');
    t.index(['industry_code'], 'crm_customers_industry_idx');
    t.index(['region_code'], 'crm_customers_region_idx');
    t.index(['parent_id'], 'crm_customers_parent_idx');
    t.index(['group_id'], 'crm_customers_group_idx');
  });
  // Duplicates are only duplicates among live records; both databases support partial indexes.
  await knex.raw(
    'CREATE UNIQUE INDEX crm_customers_name_key_uq ON crm_customers (name_key) WHERE deleted_at IS NULL',
  );
  // the list's usual filters; with it a filtered count is an index-only scan (bench/README.md)
  await knex.raw(
    'CREATE INDEX crm_customers_list_filter_idx ON crm_customers (level, status, industry_code) WHERE deleted_at IS NULL',
  );
  await knex.raw(
    'CREATE UNIQUE INDEX crm_customers_uscc_uq ON crm_customers (uscc) WHERE deleted_at IS NULL AND uscc IS NOT NULL',
  );

  await knex.schema.createTable('crm_customer_managers', t => {
    t.uuid('customer_id').notNullable().references('id').inTable('crm_customers').onDelete('CASCADE');
    t.string('user_ref').notNullable();
    t.primary(['customer_id', 'user_ref']);
    t.index(['user_ref', 'customer_id'], 'crm_customer_managers_user_idx');
  });

  await knex.schema.createTable('crm_contacts', t => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('id').inTable('crm_customers');
    t.string('name', 50).notNullable();
    t.string('gender', 10).notNullable();
    t.string('department', 50);
    t.string('title', 50);
    t.string('position', 50);
    t.string('mobile', 50);
    t.string('phone', 50);
    t.string('wechat', 50);
    t.string('birthday', 10);
    t.text('hobbies');
    t.text('personal_needs');
    t.text('photo');
    t.boolean('key_decision_maker').notNullable().defaultTo(false);
    t.text('remark');
    t.text('search_text').notNullable();
    meta(t);
    t.index(['customer_id'], 'crm_contacts_customer_idx');
    t.index(['updated_at'], 'crm_contacts_updated_idx');
  });

  await knex.schema.createTable('crm_contact_emails', t => {
    t.uuid('contact_id').notNullable().references('id').inTable('crm_contacts').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('email', 200).notNullable();
    t.primary(['contact_id', 'email']);
    // mail routing looks contacts up by address
    t.index(['email'], 'crm_contact_emails_email_idx');
  });

  await knex.schema.createTable('crm_contact_relations', t => {
    t.uuid('id').primary();
    t.uuid('from_contact_id').notNullable().references('id').inTable('crm_contacts');
    t.uuid('to_contact_id').notNullable().references('id').inTable('crm_contacts');
    t.string('type', 20).notNullable();
    t.string('strength', 10).notNullable();
    t.text('remark');
    meta(t);
    t.index(['from_contact_id'], 'crm_contact_relations_from_idx');
    t.index(['to_contact_id'], 'crm_contact_relations_to_idx');
  });
  await knex.raw(
    'CREATE UNIQUE INDEX crm_contact_relations_uq ON crm_contact_relations (from_contact_id, to_contact_id, type) WHERE deleted_at IS NULL',
  );

  await knex.schema.createTable('crm_visits', t => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('id').inTable('crm_customers');
    t.string('visitor_ref').notNullable();
    t.timestamp('visited_at', { useTz: true }).notNullable();
    t.text('content').notNullable();
    t.text('companions').notNullable();
    t.text('next_plan');
    meta(t);
    t.index(['customer_id', 'visited_at'], 'crm_visits_customer_idx');
    t.index(['visited_at'], 'crm_visits_visited_idx');
  });

  await knex.schema.createTable('crm_visit_contacts', t => {
    t.uuid('visit_id').notNullable().references('id').inTable('crm_visits').onDelete('CASCADE');
    t.uuid('contact_id').notNullable().references('id').inTable('crm_contacts');
    t.primary(['visit_id', 'contact_id']);
    t.index(['contact_id'], 'crm_visit_contacts_contact_idx');
  });

  await knex.schema.createTable('crm_audit', t => {
    t.uuid('id').primary();
    t.string('record_type', 30).notNullable();
    t.uuid('record_id').notNullable();
    // the customer whose timeline shows the entry
    t.uuid('customer_id');
    t.string('action', 20).notNullable();
    t.string('actor').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('summary');
    t.text('changes');
    t.index(['customer_id', 'at'], 'crm_audit_customer_idx');
    t.index(['record_type', 'record_id'], 'crm_audit_record_idx');
  });

  if (isPg) {
    await knex.raw(`
      CREATE OR REPLACE FUNCTION crm_bigrams(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
        FROM generate_series(1, greatest(char_length(t) - 1, 0)) AS i
      $$`);
    for (const table of ['crm_customers', 'crm_contacts']) {
      await knex.raw(
        `ALTER TABLE ${table} ADD COLUMN search_bigrams text[] GENERATED ALWAYS AS (crm_bigrams(search_text)) STORED`,
      );
      await knex.raw(
        `CREATE INDEX ${table}_search_idx ON ${table} USING gin (search_bigrams)`,
      );
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'crm_audit',
    'crm_visit_contacts',
    'crm_visits',
    'crm_contact_relations',
    'crm_contact_emails',
    'crm_contacts',
    'crm_customer_managers',
    'crm_customers',
    'crm_sequences',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP FUNCTION IF EXISTS crm_bigrams(text)');
  }
};
