// @ts-check

/**
 * Microsoft 365: a message moved between folders keeps its immutable id, so
 * the sync looks a copy up by (account, remote id) for every item of a delta
 * page. Without this index each lookup scans the account's copies.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mail_copies', t => {
    t.index(['account_id', 'remote_id'], 'mail_copies_account_remote_id_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mail_copies', t => {
    t.dropIndex(['account_id', 'remote_id'], 'mail_copies_account_remote_id_idx');
  });
};
