// @ts-check

/*
 * Big raw messages in chunks: a message over the sync's streaming threshold
 * (a 100 MB attachment) is written while it downloads, one row per ~1 MB, so
 * it is never one buffer in the backend, and read back the same way. Its
 * mail_raw row then holds no content and names the chunks' upload.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('mail_raw_chunks', t => {
    t.string('upload_id', 36).notNullable();
    t.integer('seq').notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['upload_id', 'seq']);
  });
  await knex.schema.alterTable('mail_raw', t => {
    t.string('chunks_id', 36).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mail_raw', t => {
    t.dropColumn('chunks_id');
  });
  await knex.schema.dropTable('mail_raw_chunks');
};
