// @ts-check

/**
 * Mail schema (issue 5 foundation): accounts with the IMAP password encrypted
 * at rest, per-folder cursors, raw messages (bytes, until object storage
 * replaces the RawStore), logical messages (one per Message-ID or stable hash)
 * and their physical copies (account, folder, UIDVALIDITY, UID). Runs on
 * SQLite and PostgreSQL alike.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mail_accounts', t => {
    t.uuid('id').primary();
    t.string('owner').notNullable().index();
    t.string('display_name', 100).notNullable();
    t.string('email', 320).notNullable();
    t.string('imap_host', 255).notNullable();
    t.integer('imap_port').notNullable();
    t.boolean('imap_secure').notNullable();
    t.string('imap_user', 255).notNullable();
    // AES-256-GCM: base64(iv | tag | ciphertext); never the clear password
    t.text('imap_password_enc').notNullable();
    // JSON array of folder paths; empty = INBOX
    t.text('folders').notNullable();
    t.timestamp('last_sync_at', { useTz: true }).nullable();
    t.text('last_sync_error').nullable();
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('deleted_by').nullable();
  });

  await knex.schema.createTable('mail_folders', t => {
    t.uuid('id').primary();
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts');
    t.string('path', 500).notNullable();
    // 64-bit values as strings: both databases compare them only for equality
    t.string('uid_validity', 20).nullable();
    t.bigInteger('last_uid').notNullable().defaultTo(0);
    t.string('highest_modseq', 20).nullable();
    // set when a UIDVALIDITY change started a full resync; cleared when it completed
    t.string('resync_from_uid_validity', 20).nullable();
    t.timestamp('last_synced_at', { useTz: true }).nullable();
    t.unique(['account_id', 'path']);
  });

  await knex.schema.createTable('mail_raw', t => {
    t.string('ref', 80).primary();
    t.bigInteger('size').notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('mail_messages', t => {
    t.uuid('id').primary();
    // m:<normalised Message-ID> or h:<sha256 of stable headers + body>
    t.string('message_key', 1000).notNullable().unique();
    t.text('message_id_header').nullable();
    t.string('raw_ref', 80).notNullable().references('ref').inTable('mail_raw');
    t.bigInteger('size').notNullable();
    t.string('parse_status', 10).notNullable();
    t.text('parse_error').nullable();
    t.integer('parse_attempts').notNullable().defaultTo(0);
    t.timestamp('failed_at', { useTz: true }).nullable();
    t.text('subject').nullable();
    t.text('from_json').nullable();
    t.text('to_json').nullable();
    t.text('cc_json').nullable();
    t.text('reply_to_json').nullable();
    t.text('text_body').nullable();
    t.text('html_body').nullable();
    t.text('attachments_json').nullable();
    t.text('in_reply_to').nullable();
    t.text('references_json').nullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('parsed_at', { useTz: true }).nullable();
    t.index(['parse_status']);
  });

  await knex.schema.createTable('mail_copies', t => {
    t.uuid('id').primary();
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts');
    t.uuid('folder_id').notNullable().references('id').inTable('mail_folders');
    t.string('uid_validity', 20).notNullable();
    t.bigInteger('uid').notNullable();
    t.uuid('message_id').notNullable().references('id').inTable('mail_messages');
    t.text('flags').notNullable();
    t.string('modseq', 20).nullable();
    t.timestamp('internal_date', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    // the physical identity of a copy: a second sync can never insert it twice
    t.unique(['folder_id', 'uid_validity', 'uid']);
    t.index(['message_id']);
    t.index(['account_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mail_copies');
  await knex.schema.dropTable('mail_messages');
  await knex.schema.dropTable('mail_raw');
  await knex.schema.dropTable('mail_folders');
  await knex.schema.dropTable('mail_accounts');
};
