// @ts-check

/**
 * Workflow schema: flows with their published versions (an instance keeps the
 * version it started with), instances with their resolved route, the nodes
 * activated so far, approval tasks, the append-only action log, CC receipts and
 * delegations. Runs on SQLite and PostgreSQL alike.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workflow_flows', t => {
    t.uuid('id').primary();
    t.string('document_type', 64).notNullable();
    t.string('name', 100).notNullable();
    t.integer('current_version').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('deleted_by').nullable();
  });
  // one live flow per document type: that is the flow a submission takes
  await knex.raw('CREATE UNIQUE INDEX workflow_flows_type_uq ON workflow_flows (document_type) WHERE deleted_at IS NULL');

  await knex.schema.createTable('workflow_flow_versions', t => {
    t.uuid('id').primary();
    t.uuid('flow_id').notNullable().references('id').inTable('workflow_flows');
    t.integer('number').notNullable();
    t.text('definition').notNullable();
    t.string('published_by').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable();
    t.unique(['flow_id', 'number']);
  });

  await knex.schema.createTable('workflow_instances', t => {
    t.uuid('id').primary();
    t.uuid('flow_id').notNullable().references('id').inTable('workflow_flows');
    t.uuid('flow_version_id').notNullable().references('id').inTable('workflow_flow_versions');
    t.integer('flow_version').notNullable();
    t.string('document_type', 64).notNullable();
    t.string('document_id', 100).notNullable();
    t.string('title', 200).notNullable();
    t.bigInteger('amount').nullable();
    t.string('currency', 3).nullable();
    t.string('applicant').notNullable();
    t.string('department').nullable();
    t.text('fields').notNullable();
    // JSON: the route resolved at (re)submit — steps on the taken branches with their approvers — and the policies
    t.text('plan').notNullable();
    t.string('status', 20).notNullable();
    t.string('outcome', 20).nullable();
    t.integer('round').notNullable().defaultTo(1);
    t.integer('current_position').notNullable().defaultTo(0);
    t.string('return_policy', 20).nullable();
    t.integer('resume_position').nullable();
    // bumped by every transition; the action log's sequence
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['applicant', 'status']);
    t.index(['document_type', 'document_id']);
  });
  // a document is in at most one open approval: concurrent submits → one wins, the other is a 409
  await knex.raw(
    "CREATE UNIQUE INDEX workflow_instances_open_doc_uq ON workflow_instances (document_type, document_id) WHERE status IN ('running', 'returned')",
  );

  await knex.schema.createTable('workflow_nodes', t => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('workflow_instances');
    t.integer('round').notNullable();
    t.integer('position').notNullable();
    t.string('step_id', 64).notNullable();
    t.string('name', 50).notNullable();
    t.string('kind', 10).notNullable();
    t.string('mode', 12).nullable();
    t.integer('ratio').nullable();
    t.string('status', 12).notNullable();
    // where the route went after this node when it jumped back (退回 jump-back), so a recall can restore it
    t.integer('jumped_to').nullable();
    t.timestamp('activated_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['instance_id', 'round', 'position']);
  });

  await knex.schema.createTable('workflow_tasks', t => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('workflow_instances');
    t.uuid('node_id').notNullable().references('id').inTable('workflow_nodes');
    t.string('assignee').notNullable();
    t.string('on_behalf_of').nullable();
    t.string('status', 16).notNullable();
    t.string('origin', 16).notNullable();
    t.uuid('parent_task_id').nullable();
    t.integer('seq').notNullable().defaultTo(0);
    t.integer('version').notNullable().defaultTo(1);
    t.text('comment').nullable();
    t.string('decided_by').nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    // the instance version of the decision, to tell whether anyone decided after it (撤回)
    t.integer('decided_seq').nullable();
    t.string('closed_reason', 16).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['assignee', 'status']);
    t.index(['on_behalf_of', 'status']);
    t.index(['instance_id']);
    t.index(['node_id']);
  });

  await knex.schema.createTable('workflow_actions', t => {
    t.bigIncrements('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('workflow_instances');
    t.integer('seq').notNullable();
    t.string('action', 20).notNullable();
    t.string('actor').notNullable();
    t.string('on_behalf_of').nullable();
    t.uuid('task_id').nullable();
    t.uuid('node_id').nullable();
    t.text('comment').nullable();
    t.text('detail').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    // a log line per sequence number: two transitions can never interleave unnoticed
    t.unique(['instance_id', 'seq']);
  });

  await knex.schema.createTable('workflow_cc', t => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('workflow_instances');
    t.uuid('node_id').nullable();
    t.string('user_ref').notNullable();
    t.string('by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('read_at', { useTz: true }).nullable();
    t.index(['user_ref']);
    t.index(['instance_id']);
  });

  await knex.schema.createTable('workflow_delegations', t => {
    t.uuid('id').primary();
    t.string('delegator').notNullable();
    t.string('delegate').notNullable();
    // JSON array of document types; null = all
    t.text('document_types').nullable();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['delegator']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'workflow_delegations',
    'workflow_cc',
    'workflow_actions',
    'workflow_tasks',
    'workflow_nodes',
    'workflow_instances',
    'workflow_flow_versions',
    'workflow_flows',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
};
