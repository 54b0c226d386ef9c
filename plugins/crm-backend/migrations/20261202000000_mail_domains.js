// @ts-check

/**
 * 邮箱域名 for mail routing. A customer keeps its registered domains in
 * `crm_customers.mail_domains` (a JSON array: what the record says, also in
 * the recycle bin); `crm_customer_mail_domains` is the lookup the mail
 * plugin's questions use, holding the domains of live customers only, so
 * that the primary key makes a domain belong to one customer at a time and a
 * deleted customer frees its domains.
 *
 * Contacts' addresses are looked up in `crm_contact_emails` (indexed by
 * address since the first migration) joined to the live contact and
 * customer, so soft deletes need no copy kept in step. The addresses have
 * always been stored lower-cased by the API; rows written around it (bulk
 * loads) are folded here so that the lookup by lower-cased address finds them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('crm_customers', t => {
    t.text('mail_domains').notNullable().defaultTo('[]');
  });
  await knex.schema.createTable('crm_customer_mail_domains', t => {
    t.string('domain', 253).primary();
    t.uuid('customer_id').notNullable().references('id').inTable('crm_customers').onDelete('CASCADE');
    t.index(['customer_id'], 'crm_customer_mail_domains_customer_idx');
  });

  /** @type {Array<{ contact_id: string; email: string }>} */
  const mixedCase = await knex('crm_contact_emails').whereRaw('email <> LOWER(email)').select('contact_id', 'email');
  for (const row of mixedCase) {
    const lower = row.email.normalize('NFKC').trim().toLowerCase();
    const clash = await knex('crm_contact_emails').where({ contact_id: row.contact_id, email: lower }).first('email');
    const own = knex('crm_contact_emails').where({ contact_id: row.contact_id, email: row.email });
    if (clash) await own.delete();
    else await own.update({ email: lower });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('crm_customer_mail_domains');
  await knex.schema.alterTable('crm_customers', t => {
    t.dropColumn('mail_domains');
  });
};
