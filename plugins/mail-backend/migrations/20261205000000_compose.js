// @ts-check

/**
 * Compose and send (issue 5 §7): drafts with their attachments (bytes in a
 * table of their own so draft lists never drag them along), and the outbox
 * that makes sending exactly-once: the MIME is built once when the draft is
 * sent and kept in mail_raw, so every attempt, the stored message and the Sent
 * copy are the same bytes with the same Message-ID.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mail_drafts', t => {
    t.uuid('id').primary();
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts');
    // 'new' | 'reply' | 'replyAll' | 'forward'
    t.string('mode', 10).notNullable();
    t.uuid('source_message_id').nullable().references('id').inTable('mail_messages');
    t.text('to_json').notNullable();
    t.text('cc_json').notNullable();
    t.text('bcc_json').notNullable();
    t.text('subject').notNullable();
    t.text('html').notNullable();
    t.uuid('customer_id').nullable();
    t.text('in_reply_to').nullable();
    t.text('references_json').notNullable();
    // set when sending consumed the draft (it is then soft-deleted in the same transaction)
    t.uuid('outbox_id').nullable();
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('deleted_by').nullable();
    t.index(['created_by', 'deleted_at']);
  });

  await knex.schema.createTable('mail_draft_attachments', t => {
    t.uuid('id').primary();
    t.uuid('draft_id').notNullable().references('id').inTable('mail_drafts');
    t.integer('position').notNullable();
    t.string('filename', 255).notNullable();
    t.string('content_type', 255).notNullable();
    t.bigInteger('size').notNullable();
    // 'upload' (bytes in mail_draft_blobs) | 'forward' (part `source_index` of the source message's raw)
    t.string('source', 10).notNullable();
    t.uuid('source_message_id').nullable().references('id').inTable('mail_messages');
    t.integer('source_index').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['draft_id']);
  });

  await knex.schema.createTable('mail_draft_blobs', t => {
    t.uuid('attachment_id').primary().references('id').inTable('mail_draft_attachments').onDelete('CASCADE');
    t.binary('content').notNullable();
  });

  await knex.schema.createTable('mail_outbox', t => {
    t.uuid('id').primary();
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts');
    t.uuid('draft_id').nullable();
    t.string('created_by').notNullable();
    // 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain'
    t.string('status', 10).notNullable();
    t.text('message_id_header').notNullable();
    // the exact MIME, built once
    t.string('raw_ref', 80).notNullable().references('ref').inTable('mail_raw');
    t.bigInteger('size').notNullable();
    t.text('subject').notNullable();
    t.text('from_json').notNullable();
    t.text('to_json').notNullable();
    t.text('cc_json').notNullable();
    t.text('bcc_json').notNullable();
    // { from, to[] }: Bcc recipients are only here, never in the MIME
    t.text('envelope_json').notNullable();
    t.uuid('customer_id').nullable();
    t.text('attachments_json').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    // who holds the send: only the claimer may record its outcome
    t.uuid('claim_id').nullable();
    t.timestamp('claimed_at', { useTz: true }).nullable();
    t.string('error_key', 40).nullable();
    t.text('error_detail').nullable();
    t.text('rejected_json').notNullable();
    t.text('server_response').nullable();
    // the logical message in mail_messages once sent
    t.uuid('message_id').nullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    // after 'sent': parse + hooks, then the Sent folder copy; each recoverable by the sweep
    t.timestamp('hooks_done_at', { useTz: true }).nullable();
    // 'pending' | 'appended' | 'skipped' | 'failed'
    t.string('copy_status', 10).notNullable();
    t.integer('copy_attempts').notNullable().defaultTo(0);
    t.text('copy_error').nullable();
    t.timestamp('post_lease_until', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status']);
    t.index(['created_by', 'created_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mail_outbox');
  await knex.schema.dropTable('mail_draft_blobs');
  await knex.schema.dropTable('mail_draft_attachments');
  await knex.schema.dropTable('mail_drafts');
};
