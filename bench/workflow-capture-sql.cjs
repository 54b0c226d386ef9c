/* eslint-disable */
// Prints, as JSON, the exact SQL statements the workflow API runs for an inbox (待办) request or
// the sidebar counts: it parses the query string with the API's own inboxQuerySchema and calls the
// real ListStore against the bench database, recording every statement knex sends (count, then
// page, as fetchPage sends them).
//
// Run with Backstage's TypeScript transform (workflow-inbox.mjs does this):
//   node --require @backstage/cli-node/config/nodeTransform.cjs bench/workflow-capture-sql.cjs '<json>'
// input: { connection, workloads: [{ name, kind: 'inbox'|'counts', user, query }] }

const path = require('node:path');
const root = path.resolve(__dirname, '..');
const createKnex = require('knex');
const { ListStore } = require(path.join(root, 'plugins/workflow-backend/src/database/ListStore'));
const { parseInput } = require(path.join(root, 'plugins/workflow-backend/src/errors'));
const { inboxQuerySchema } = require(path.join(root, 'plugins/workflow-common/src/lists'));

async function main() {
  const input = JSON.parse(process.argv[2]);
  const knex = createKnex({ client: 'pg', connection: input.connection, pool: { min: 1, max: 2 } });
  const out = [];
  try {
    const store = new ListStore(knex);
    for (const w of input.workloads) {
      const statements = [];
      const onQuery = q => statements.push({ sql: q.sql, bindings: q.bindings });
      knex.on('query', onQuery);
      let result;
      if (w.kind === 'inbox') {
        const page = await store.inbox(w.user, parseInput(inboxQuerySchema, Object.fromEntries(new URLSearchParams(w.query))));
        result = { totalCount: page.totalCount, items: page.items.length };
      } else {
        result = await store.counts(w.user);
      }
      knex.removeListener('query', onQuery);
      out.push({
        name: w.name,
        result,
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
