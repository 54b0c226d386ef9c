// @ts-check

/**
 * Access schema: roles with their grants, field rules and members, grants
 * given directly to users or departments, work handovers, the record of which
 * resource types' defaults were applied, and the audit of every mutation.
 * Runs on SQLite and PostgreSQL alike.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
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

  await knex.schema.createTable('access_roles', t => {
    t.uuid('id').primary();
    t.string('key', 40).notNullable();
    t.string('name', 50).notNullable();
    t.text('description');
    t.boolean('builtin').notNullable().defaultTo(false);
    meta(t);
  });
  // Keys and names are unique among live roles: a deleted role's key may be reused.
  await knex.raw('CREATE UNIQUE INDEX access_roles_key_uq ON access_roles ("key") WHERE deleted_at IS NULL');
  await knex.raw('CREATE UNIQUE INDEX access_roles_name_uq ON access_roles (name) WHERE deleted_at IS NULL');

  // Child rows of a role, replaced as a set whenever the role's grants change.
  await knex.schema.createTable('access_role_grants', t => {
    t.uuid('role_id').notNullable().references('id').inTable('access_roles').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('resource_type', 100).notNullable();
    t.string('action', 20).notNullable();
    t.string('scope', 20).notNullable();
    // JSON array of group refs, for scope `specified`
    t.text('departments');
    t.boolean('include_subdepartments').notNullable().defaultTo(false);
    t.primary(['role_id', 'resource_type', 'action']);
  });

  await knex.schema.createTable('access_role_field_rules', t => {
    t.uuid('role_id').notNullable().references('id').inTable('access_roles').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('resource_type', 100).notNullable();
    t.string('field', 100).notNullable();
    t.string('mode', 10).notNullable();
    t.primary(['role_id', 'resource_type', 'field']);
  });

  await knex.schema.createTable('access_role_members', t => {
    t.uuid('id').primary();
    t.uuid('role_id').notNullable().references('id').inTable('access_roles').onDelete('CASCADE');
    t.string('kind', 20).notNullable();
    t.string('ref', 200).notNullable();
    t.boolean('include_subdepartments').notNullable().defaultTo(false);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['role_id', 'kind', 'ref'], { indexName: 'access_role_members_uq' });
    t.index(['kind', 'ref'], 'access_role_members_subject_idx');
  });

  await knex.schema.createTable('access_direct_grants', t => {
    t.uuid('id').primary();
    t.string('subject_kind', 20).notNullable();
    t.string('subject_ref', 200).notNullable();
    t.boolean('include_subdepartments').notNullable().defaultTo(false);
    t.string('resource_type', 100).notNullable();
    t.string('action', 20).notNullable();
    t.string('scope', 20).notNullable();
    t.text('departments');
    t.boolean('scope_include_subdepartments').notNullable().defaultTo(false);
    meta(t);
  });
  // One live grant per subject and permission: a second one would only widen or confuse the first.
  await knex.raw(
    'CREATE UNIQUE INDEX access_direct_grants_uq ON access_direct_grants (subject_kind, subject_ref, resource_type, action) WHERE deleted_at IS NULL',
  );

  await knex.schema.createTable('access_handovers', t => {
    t.uuid('id').primary();
    t.string('kind', 20).notNullable();
    t.string('from_ref', 200).notNullable();
    t.text('receivers').notNullable();
    t.text('reason');
    t.string('status', 20).notNullable();
    t.text('counts').notNullable();
    t.text('error');
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['created_at'], 'access_handovers_created_idx');
  });

  // A resource type's defaults are applied once; the primary key makes a second replica's attempt fail.
  await knex.schema.createTable('access_defaults_applied', t => {
    t.string('resource_type', 100).primary();
    t.timestamp('applied_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('access_audit', t => {
    t.uuid('id').primary();
    t.string('record_type', 30).notNullable();
    t.string('record_id', 100).notNullable();
    t.string('action', 30).notNullable();
    t.string('actor').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('summary');
    t.text('changes');
    t.index(['at'], 'access_audit_at_idx');
    t.index(['record_type', 'record_id'], 'access_audit_record_idx');
    t.index(['actor', 'at'], 'access_audit_actor_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'access_audit',
    'access_defaults_applied',
    'access_handovers',
    'access_direct_grants',
    'access_role_members',
    'access_role_field_rules',
    'access_role_grants',
    'access_roles',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
};
