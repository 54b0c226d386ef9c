// @ts-check

/**
 * The outbox of side effects (notifications, signals, events, approval mails)
 * written in the same transaction as the transition that causes them, and the
 * single-use approve/reject tokens of approval mails (only their hash is kept).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workflow_outbox', t => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable();
    // notify | signal | event | mail
    t.string('kind', 16).notNullable();
    t.text('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    // order within the transition that wrote it
    t.integer('position').notNullable().defaultTo(0);
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    // a delivery in progress holds the row until then; an expired claim (crashed replica) is taken over
    t.timestamp('claimed_until', { useTz: true }).nullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    // given up after the last attempt; kept with its error for inspection
    t.timestamp('failed_at', { useTz: true }).nullable();
    t.text('last_error').nullable();
    t.index(['delivered_at', 'failed_at', 'next_attempt_at']);
    t.index(['instance_id']);
  });

  await knex.schema.createTable('workflow_mail_tokens', t => {
    // hex sha256 of the 32 random bytes whose base64url form is in the link
    t.string('token_hash', 64).primary();
    t.uuid('task_id').notNullable();
    t.uuid('instance_id').notNullable();
    t.string('approver').notNullable();
    // the task's version when the mail was written: a task that moved on refuses the link
    t.integer('task_version').notNullable();
    t.string('decision', 8).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.index(['task_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('workflow_mail_tokens');
  await knex.schema.dropTableIfExists('workflow_outbox');
};
