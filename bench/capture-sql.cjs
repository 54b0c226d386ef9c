/* eslint-disable */
// Prints, as JSON, the exact SQL statements the CRM API runs for a list request: it parses the
// query string with the router's own schema and calls the real CustomerStore / ContactStore
// against the bench database, recording every statement knex sends (count, page, then the
// managers / e-mails lookup for the page ids).
//
// Run with Backstage's TypeScript transform (run.mjs does this):
//   node --require @backstage/cli-node/config/nodeTransform.cjs bench/capture-sql.cjs '<json>'
// input: { connection, workloads: [{ name, resource: 'customers'|'contacts', query, userRefs|null }] }

const path = require('node:path');
const root = path.resolve(__dirname, '..');
const createKnex = require('knex');
const { CustomerStore } = require(path.join(root, 'plugins/crm-backend/src/database/CustomerStore'));
const { ContactStore } = require(path.join(root, 'plugins/crm-backend/src/database/ContactStore'));
const { customerListQuerySchema, contactListQuerySchema } = require(path.join(root, 'plugins/crm-backend/src/queries'));
const { parseInput } = require(path.join(root, 'plugins/crm-backend/src/errors'));

async function main() {
  const input = JSON.parse(process.argv[2]);
  const knex = createKnex({ client: 'pg', connection: input.connection, pool: { min: 1, max: 4 } });
  const out = [];
  try {
    for (const w of input.workloads) {
      const statements = [];
      const onQuery = q => statements.push({ sql: q.sql, bindings: q.bindings });
      knex.on('query', onQuery);
      const query = Object.fromEntries(new URLSearchParams(w.query));
      // the permission framework's decision for a salesperson (本人), as Access turns it into a filter
      const filter = w.userRefs ? { kind: 'isOwner', userRefs: w.userRefs } : undefined;
      let page;
      if (w.resource === 'customers') {
        page = await new CustomerStore(knex).list(parseInput(customerListQuerySchema, query), filter);
      } else {
        page = await new ContactStore(knex).list(parseInput(contactListQuerySchema, query), filter);
      }
      knex.removeListener('query', onQuery);
      out.push({
        name: w.name,
        totalCount: page.totalCount,
        items: page.items.length,
        // knex reports the pg-native SQL ($1, $2 … in order): interpolate the bindings for psql
        statements: statements.map(s => ({ ...s, literal: knex.raw(s.sql.replace(/\$\d+/g, '?'), s.bindings).toQuery() })),
      });
    }
  } finally {
    await knex.destroy();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
