// @ts-check

/**
 * Mail in the portal (issue 5): what an account is (personal or a shared
 * mailbox read by departments; IMAP+SMTP or Microsoft 365), how its routed
 * mail is shared, its other addresses; Graph cursors (folder id + delta link)
 * and copy identities (immutable id); threads, search text and the routing
 * state of each logical message.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('mail_accounts', t => {
    // 'imap' | 'graph'
    t.string('provider', 10).notNullable().defaultTo('imap');
    // 'personal' | 'shared' (sales@, service@: connected by admins, read by reader_departments)
    t.string('kind', 10).notNullable().defaultTo('personal');
    // the owner's department when connected: the IN_DEPARTMENT data scope of mail.account / mail.message
    t.string('owner_department').nullable();
    t.string('smtp_host', 255).nullable();
    t.integer('smtp_port').nullable();
    t.boolean('smtp_secure').nullable();
    t.string('smtp_user', 255).nullable();
    // null = the IMAP password (the usual case)
    t.text('smtp_password_enc').nullable();
    // Microsoft 365: the mailbox (UPN) read with the app-only credentials of mail.microsoft
    t.string('graph_mailbox', 320).nullable();
    // JSON array of further addresses of this mailbox (aliases)
    t.text('aliases').notNullable().defaultTo('[]');
    // routed mail on customer pages: 'everything' | 'subject' | 'nothing'
    t.string('sharing', 10).notNullable().defaultTo('everything');
    // store a lead suggestion for mail from an unknown external sender
    t.boolean('suggest_leads').notNullable().defaultTo(false);
    t.boolean('sync_enabled').notNullable().defaultTo(true);
    // where sent mail is appended (IMAP); null = the folder with the \Sent special use
    t.string('sent_folder', 500).nullable();
    // one sync of an account at a time, across replicas and 立即同步: a lease taken with a conditional update
    t.string('sync_lease_owner', 100).nullable();
    t.timestamp('sync_lease_until', { useTz: true }).nullable();
  });
  // the departments whose members (sub-departments included) read a shared mailbox
  await knex.schema.createTable('mail_account_readers', t => {
    t.uuid('account_id').notNullable().references('id').inTable('mail_accounts');
    t.string('department_ref').notNullable();
    t.primary(['account_id', 'department_ref']);
    t.index(['department_ref']);
  });
  await knex.schema.alterTable('mail_folders', t => {
    // the IMAP special use (\\Sent, \\Drafts …) when the server reports one
    t.string('special_use', 20).nullable();
    // Microsoft 365: the folder's immutable id and its delta link
    t.string('remote_id', 500).nullable();
    t.text('delta_link').nullable();
  });
  await knex.schema.alterTable('mail_copies', t => {
    // Microsoft 365: the message's immutable id (uid_validity = 'graph', uid = per-folder sequence)
    t.string('remote_id', 500).nullable();
    t.unique(['folder_id', 'remote_id']);
  });
  await knex.schema.alterTable('mail_messages', t => {
    // the thread (References / In-Reply-To); set when the message is parsed
    t.uuid('thread_id').nullable().index();
    // lower-cased subject, participants and text for substring search (Chinese included)
    t.text('search_text').nullable();
    // routing into customer records: null (not parsed yet) | 'pending' | 'routed' | 'failed'
    t.string('route_status', 10).nullable().index();
    t.text('route_error').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mail_messages', t => {
    t.dropIndex(['thread_id']);
    t.dropIndex(['route_status']);
    t.dropColumns('thread_id', 'search_text', 'route_status', 'route_error');
  });
  await knex.schema.alterTable('mail_copies', t => {
    t.dropUnique(['folder_id', 'remote_id']);
    t.dropColumn('remote_id');
  });
  await knex.schema.dropTable('mail_account_readers');
  await knex.schema.alterTable('mail_folders', t => {
    t.dropColumns('special_use', 'remote_id', 'delta_link');
  });
  await knex.schema.alterTable('mail_accounts', t => {
    t.dropColumns(
      'provider', 'kind', 'owner_department', 'smtp_host', 'smtp_port', 'smtp_secure', 'smtp_user', 'smtp_password_enc', 'graph_mailbox',
      'aliases', 'sharing', 'suggest_leads', 'sync_enabled', 'sent_folder', 'sync_lease_owner', 'sync_lease_until',
    );
  });
};
