// @ts-check

/**
 * Webmail (issue 5 §7 read side, §8): substring search over mail_messages.search_text,
 * flag changes waiting to be pushed to the IMAP server, the per-user list of
 * senders whose remote images are shown, and mail saved as knowledge (转为知识).
 *
 * Search on PostgreSQL: pg_trgm (GIN) answers patterns of three or more
 * characters, Chinese included under this database's C.UTF-8 locale; a
 * two-character pattern yields no trigram, so the indexer also stores the
 * text's distinct two-character sequences of letters/digits (search_bigrams)
 * under a GIN index, and a query asks that the array contains ARRAY['合同']
 * before LIKE '%合同%' checks the substring.
 * SQLite scans with LIKE.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const isPg = knex.client.config.client === 'pg';

  if (isPg) {
    await knex.raw('ALTER TABLE mail_messages ADD COLUMN search_bigrams text[]');
    await knex.raw('CREATE INDEX mail_messages_search_bigrams_idx ON mail_messages USING gin (search_bigrams)');
    // a role without the right to create extensions keeps working, with sequential scans for 3+ characters
    let trigrams = true;
    try {
      await knex.transaction(async trx => {
        await trx.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      });
    } catch {
      trigrams = false;
    }
    if (trigrams) {
      await knex.raw('CREATE INDEX mail_messages_search_trgm_idx ON mail_messages USING gin (search_text gin_trgm_ops)');
    }
  }
  await knex.schema.alterTable('mail_messages', t => {
    // the thread list sorts by it
    t.index(['received_at']);
  });

  // a local flag change waiting for the IMAP server: the latest intent per copy and flag
  await knex.schema.createTable('mail_flag_ops', t => {
    t.uuid('id').primary();
    t.uuid('copy_id').notNullable().references('id').inTable('mail_copies');
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts').index();
    // '\\Seen' | '\\Flagged'
    t.string('flag', 30).notNullable();
    // true = add, false = remove
    t.boolean('value').notNullable();
    // changes with every new intent: a push removes only the intent it applied
    t.uuid('revision').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.string('created_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['copy_id', 'flag']);
  });

  await knex.schema.createTable('mail_remote_image_senders', t => {
    t.string('user_ref').notNullable();
    t.string('address', 320).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['user_ref', 'address']);
  });

  // 转为知识: a copy of the mail kept until the knowledge base exists; attachments by reference to the raw message
  await knex.schema.createTable('mail_knowledge_items', t => {
    t.uuid('id').primary();
    t.string('owner').notNullable().index();
    t.uuid('message_id').nullable().references('id').inTable('mail_messages');
    // keeps the attachments reachable: part index → the raw message's n-th attachment
    t.string('raw_ref', 80).notNullable().references('ref').inTable('mail_raw');
    t.string('title', 300).notNullable();
    t.text('note').nullable();
    t.text('subject').nullable();
    t.text('from_json').notNullable();
    t.text('to_json').notNullable();
    t.text('cc_json').notNullable();
    t.timestamp('received_at', { useTz: true }).nullable();
    t.text('text_body').nullable();
    t.text('html_body').nullable();
    // JSON array of { index, filename, contentType, size, contentId, inline }; index = the part in the raw message
    t.text('attachments_json').notNullable();
    // lower-cased title, subject, note, sender, text: the list's search
    t.text('search_text').notNullable();
    // 'private' now; shared items arrive with the knowledge base
    t.string('visibility', 10).notNullable().defaultTo('private');
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('deleted_by').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mail_knowledge_items');
  await knex.schema.dropTable('mail_remote_image_senders');
  await knex.schema.dropTable('mail_flag_ops');
  await knex.schema.alterTable('mail_messages', t => {
    t.dropIndex(['received_at']);
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP INDEX IF EXISTS mail_messages_search_trgm_idx');
    await knex.raw('DROP INDEX IF EXISTS mail_messages_search_bigrams_idx');
    await knex.raw('ALTER TABLE mail_messages DROP COLUMN search_bigrams');
  }
};
