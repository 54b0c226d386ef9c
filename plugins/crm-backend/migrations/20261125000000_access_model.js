// @ts-check

/**
 * The suite's access model: a customer's 归属部门 (the department whose data
 * scope it falls in) and the moves of 工作移交, kept so that a handover that
 * fails in another plugin can be reverted exactly.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('crm_customers', t => {
    t.string('owner_department').nullable();
    t.index(['owner_department'], 'crm_customers_owner_department_idx');
  });
  await knex.schema.createTable('crm_handover_moves', t => {
    t.uuid('handover_id').notNullable();
    t.string('record_type', 30).notNullable();
    t.uuid('record_id').notNullable();
    // what the record looked like before the move (JSON), restored on revert
    t.text('before').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.primary(['handover_id', 'record_type', 'record_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('crm_handover_moves');
  await knex.schema.alterTable('crm_customers', t => {
    t.dropIndex(['owner_department'], 'crm_customers_owner_department_idx');
    t.dropColumn('owner_department');
  });
};
