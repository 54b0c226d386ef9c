// @ts-check

/**
 * Threads and routing into customer records (issue 5 §5, §6).
 *
 * - mail_thread_keys: every Message-ID a thread holds or is referred to by its
 *   messages (In-Reply-To / References), as message keys. A parent that arrives
 *   after its replies finds their thread under its own key; a message whose keys
 *   sit in two threads merges them.
 * - mail_message_customers / mail_message_contacts: what the CRM matched for one
 *   message (kept per message so that a thread's automatic links can be derived
 *   again after merges and re-matching without asking the CRM for old mail).
 * - mail_links: per thread and customer; `manual` rows are the user's choice and
 *   are never touched by matching (a manual unlink stays unlinked).
 * - mail_lead_suggestions: unknown external senders of mailboxes that ask for it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mail_messages', t => {
    // 'in' | 'out' | 'internal' (every participant a colleague: never on customer pages)
    t.string('direction', 10).nullable();
  });

  await knex.schema.createTable('mail_thread_keys', t => {
    // a message key ('m:<normalised Message-ID>') the thread holds or is referred to by
    t.string('message_key', 1000).primary();
    t.uuid('thread_id').notNullable().index();
  });

  await knex.schema.createTable('mail_message_customers', t => {
    t.uuid('message_id').notNullable().references('id').inTable('mail_messages');
    t.uuid('customer_id').notNullable();
    // 'contact' | 'domain' | 'record'
    t.string('source', 10).notNullable();
    t.primary(['message_id', 'customer_id']);
    t.index(['customer_id']);
  });

  await knex.schema.createTable('mail_message_contacts', t => {
    t.uuid('message_id').notNullable().references('id').inTable('mail_messages');
    t.uuid('contact_id').notNullable();
    t.uuid('customer_id').notNullable();
    t.primary(['message_id', 'contact_id']);
    t.index(['contact_id']);
  });

  await knex.schema.createTable('mail_links', t => {
    t.uuid('id').primary();
    t.uuid('thread_id').notNullable();
    t.uuid('customer_id').notNullable().index();
    // the name when linked (the CRM's current name is asked for when shown)
    t.string('customer_name', 300).nullable();
    // JSON array of contact ids of this customer among the thread's participants
    t.text('contact_ids').notNullable().defaultTo('[]');
    // 'contact' | 'domain' | 'thread' | 'record' | 'manual'
    t.string('source', 10).notNullable();
    // 'linked' | 'unlinked' (only manual rows are ever unlinked)
    t.string('state', 10).notNullable();
    t.boolean('manual').notNullable().defaultTo(false);
    // null for automatic links
    t.string('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.string('updated_by').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['thread_id', 'customer_id']);
  });

  await knex.schema.createTable('mail_lead_suggestions', t => {
    t.uuid('id').primary();
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts');
    t.string('address', 320).notNullable();
    t.string('name', 300).nullable();
    t.uuid('first_message_id').notNullable().references('id').inTable('mail_messages');
    t.timestamp('first_at', { useTz: true }).notNullable();
    t.timestamp('last_at', { useTz: true }).notNullable();
    t.integer('message_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['account_id', 'address']);
  });

  // which messages a suggestion counted: routing the same message again never counts it twice
  await knex.schema.createTable('mail_lead_suggestion_messages', t => {
    t.uuid('suggestion_id').notNullable().references('id').inTable('mail_lead_suggestions').onDelete('CASCADE');
    t.uuid('message_id').notNullable().references('id').inTable('mail_messages');
    t.primary(['suggestion_id', 'message_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mail_lead_suggestion_messages');
  await knex.schema.dropTable('mail_lead_suggestions');
  await knex.schema.dropTable('mail_links');
  await knex.schema.dropTable('mail_message_contacts');
  await knex.schema.dropTable('mail_message_customers');
  await knex.schema.dropTable('mail_thread_keys');
  await knex.schema.alterTable('mail_messages', t => {
    t.dropColumn('direction');
  });
};
