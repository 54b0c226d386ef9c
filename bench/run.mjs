#!/usr/bin/env node
// CRM list/search benchmark: seeds PostgreSQL, starts the real backend against it and compares
// the latency of HTTP API requests with the same SQL run through psql. See bench/README.md.
//
//   npm run bench [-- --customers 1000000] [--iterations 200] [--warmup 20] [--port 7107] [--keep] [--reuse]
//
//   --keep    leave the cocrm_bench_* databases in place afterwards
//   --reuse   skip creating/seeding when cocrm_bench_crm already holds the requested customers

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import createKnex from 'knex';
import { seed } from './seed.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, '.out');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : dflt;
};
const flag = name => argv.includes(`--${name}`);
const CUSTOMERS = opt('customers', 1_000_000);
const ITERATIONS = opt('iterations', 200);
const WARMUP = opt('warmup', 20);
const PORT = opt('port', 7107);
const ROUNDS = 10; // API and psql alternate in rounds, so drift on the shared machine hits both alike
const KEEP = flag('keep');
const REUSE = flag('reuse');

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const PREFIX = 'cocrm_bench_';
const DB = `${PREFIX}crm`;
const BASE = `http://127.0.0.1:${PORT}`;

const WORKLOADS = [
  { name: 'list', resource: 'customers', user: 'wangjianguo', target: 1.5,
    query: 'page=3&pageSize=25&sort=updatedAt&order=desc&level=A,B&status=intent,deal&industry=C' },
  { name: 'list-scoped', resource: 'customers', user: 'zhouhao', target: 1.5,
    query: 'page=3&pageSize=25&sort=updatedAt&order=desc&level=A,B&status=intent,deal&industry=C' },
  { name: 'search2', resource: 'customers', user: 'wangjianguo', target: 2, query: 'q=华信&pageSize=25' },
  { name: 'search3', resource: 'customers', user: 'wangjianguo', target: 2, query: 'q=华信科&pageSize=25' },
  { name: 'contacts-search2', resource: 'contacts', user: 'wangjianguo', target: 2, query: 'q=王伟&pageSize=25' },
];

fs.mkdirSync(out, { recursive: true });
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)}s`;
const log = msg => console.log(`[${elapsed()}] ${msg}`);
const sleep = ms => new Promise(r => setTimeout(r, ms));

// ---------------------------------------------------------------- database
async function withClient(database, fn) {
  const c = new pg.Client({ ...PG, database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const benchDatabases = () =>
  withClient('postgres', async c =>
    (await c.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1`, [PREFIX])).rows.map(r => r.datname),
  );

async function dropBenchDatabases() {
  const names = await benchDatabases();
  await withClient('postgres', async c => {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  });
  return names;
}

async function seededCount() {
  if (!(await benchDatabases()).includes(DB)) return -1;
  return withClient(DB, async c => {
    try {
      return Number((await c.query('SELECT count(*) AS n FROM crm_customers')).rows[0].n);
    } catch {
      return -1;
    }
  });
}

async function prepareDatabase() {
  if (REUSE && (await seededCount()) === CUSTOMERS) {
    log(`reusing ${DB} with ${CUSTOMERS} customers`);
    return null;
  }
  const dropped = await dropBenchDatabases();
  if (dropped.length) log(`dropped ${dropped.join(', ')}`);
  await withClient('postgres', c => c.query(`CREATE DATABASE ${DB}`));
  // the plugin's own migrations, as the backend would run them on start
  const knex = createKnex({ client: 'pg', connection: { ...PG, database: DB } });
  try {
    const [, applied] = await knex.migrate.latest({ directory: path.join(root, 'plugins/crm-backend/migrations') });
    log(`created ${DB}, migrations: ${applied.join(', ')}`);
  } finally {
    await knex.destroy();
  }
  log(`seeding ${CUSTOMERS} customers, ${CUSTOMERS * 3} contacts`);
  const connect = async () => {
    const c = new pg.Client({ ...PG, database: DB });
    await c.connect();
    return c;
  };
  const { seconds } = await seed(connect, { customers: CUSTOMERS, log: m => log(m) });
  const sizes = await withClient(DB, async c => (await c.query(
    `SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) AS size, reltuples::bigint AS rows
       FROM pg_class WHERE relname IN ('crm_customers','crm_customer_managers','crm_contacts','crm_contact_emails') ORDER BY 1`)).rows);
  log(`seeded in ${seconds.toFixed(0)}s: ${sizes.map(s => `${s.relname} ${s.rows} rows ${s.size}`).join('; ')}`);
  return seconds;
}

// ---------------------------------------------------------------- backend
let backend;

function writeConfig() {
  const file = path.join(out, 'app-config.bench.yaml');
  fs.writeFileSync(file, `# generated by bench/run.mjs
backend:
  baseUrl: ${BASE}
  listen:
    port: ${PORT}
  database:
    client: pg
    connection:
      host: ${PG.host}
      port: ${PG.port}
      user: ${PG.user}
    pluginDivisionMode: database
    prefix: ${PREFIX}
crm:
  demoData:
    file: null # no demo data
`);
  return file;
}

function startBackend() {
  const config = writeConfig();
  const logFile = path.join(out, 'backend.log');
  const fd = fs.openSync(logFile, 'w');
  backend = spawn('backstage-cli', ['package', 'start', '--config', '../../app-config.yaml', '--config', config], {
    cwd: path.join(root, 'packages/backend'),
    detached: true, // own process group: stopBackend() kills the CLI and the backend it spawned
    stdio: ['ignore', fd, fd],
    env: { ...process.env },
  });
  fs.closeSync(fd);
  backend.exited = new Promise(resolve => backend.once('exit', resolve));
  log(`backend starting (pid ${backend.pid}, log ${path.relative(root, logFile)})`);
}

async function stopBackend() {
  if (!backend || backend.exitCode !== null) return;
  const pid = backend.pid;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {}
  const done = await Promise.race([backend.exited.then(() => true), sleep(15000).then(() => false)]);
  if (!done) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  // the CLI may exit before its child: make sure nothing of the group is left
  await sleep(500);
  try {
    process.kill(-pid, 0);
    process.kill(-pid, 'SIGKILL');
  } catch {}
  log('backend stopped');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(pathAndQuery, headers = {}, retry = true) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.get(`${BASE}${pathAndQuery}`, { agent, headers }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        resolve({ status: res.statusCode, ms, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', e => {
      // the server closes idle keep-alive sockets after 5 s; a GET on such a socket is retried once
      if (retry && req.reusedSocket && e.code === 'ECONNRESET') resolve(request(pathAndQuery, headers, false));
      else reject(e);
    });
  });
}

async function waitFor(what, fn, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (backend.exitCode !== null) throw new Error(`backend exited (${backend.exitCode}) while waiting for ${what}; see bench/.out/backend.log`);
    // the CLI outlives a backend that failed to start
    if (/Backend startup failed/.test(fs.readFileSync(path.join(out, 'backend.log'), 'utf8'))) {
      throw new Error('backend startup failed; see bench/.out/backend.log');
    }
    try {
      const v = await fn();
      if (v) return v;
    } catch {}
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; see bench/.out/backend.log`);
    await sleep(1000);
  }
}

async function tokenOf(user) {
  return waitFor(`a token for ${user}`, async () => {
    const r = await request('/api/auth/demo/refresh', { 'x-demo-user': user, 'X-Requested-With': 'XMLHttpRequest' });
    return r.status === 200 ? JSON.parse(r.body).backstageIdentity.token : undefined;
  }, 180_000);
}

// ---------------------------------------------------------------- SQL of the API
function captureSql() {
  const transform = require.resolve('@backstage/cli-node/config/nodeTransform.cjs');
  const input = {
    connection: { ...PG, database: DB },
    workloads: WORKLOADS.map(w => ({
      name: w.name,
      resource: w.resource,
      query: w.query,
      // zhouhao is a plain sales person: the suite policy scopes him to customers he manages
      userRefs: w.user === 'zhouhao' ? ['user:default/zhouhao'] : null,
    })),
  };
  const r = spawnSync(process.execPath, ['--require', transform, path.join(here, 'capture-sql.cjs'), JSON.stringify(input)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ESBK_TSCONFIG_PATH: path.join(root, 'tsconfig.json') },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`capture-sql failed: ${r.stderr}`);
  return Object.fromEntries(JSON.parse(r.stdout).map(c => [c.name, c]));
}

// ---------------------------------------------------------------- measurements
function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

async function apiRun(url, token, n) {
  const times = [];
  for (let k = 0; k < n; k++) {
    const r = await request(url, { authorization: `Bearer ${token}`, 'accept-language': 'zh-CN' });
    if (r.status !== 200) throw new Error(`GET ${url} → ${r.status}: ${r.body.slice(0, 300)}`);
    times.push(r.ms);
  }
  return times;
}

/**
 * One psql process runs `n` iterations of the statements from a script file with \timing on;
 * an iteration's time is the sum of its statements' times (process start-up is not counted).
 */
function psqlRun(name, statements, n) {
  const file = path.join(out, `${name}.psql`);
  const body = statements.map(s => `${s.literal};`).join('\n');
  fs.writeFileSync(file, `\\set QUIET on\n\\o /dev/null\n\\timing on\n${Array(n).fill(body).join('\n')}\n`);
  const r = spawnSync('psql', ['-X', '-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', DB, '-v', 'ON_ERROR_STOP=1', '-f', file], {
    encoding: 'utf8',
    env: { ...process.env, PGCLIENTENCODING: 'UTF8' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  const ms = [...r.stdout.matchAll(/^Time: ([\d.]+) ms/gm)].map(m => Number(m[1]));
  if (ms.length !== n * statements.length) throw new Error(`psql: expected ${n * statements.length} timings, got ${ms.length}`);
  const times = [];
  for (let k = 0; k < n; k++) times.push(ms.slice(k * statements.length, (k + 1) * statements.length).reduce((a, b) => a + b, 0));
  return times;
}

const fmt = v => `${v.toFixed(1)}ms`;

async function measure(w, sql, token) {
  const url = `/api/crm/${w.resource}?${new URLSearchParams(w.query)}`;
  // the API must see what the captured SQL sees
  const first = await request(url, { authorization: `Bearer ${token}` });
  if (first.status !== 200) throw new Error(`GET ${url} → ${first.status}: ${first.body.slice(0, 300)}`);
  const page = JSON.parse(first.body);
  if (page.totalCount !== sql.totalCount || page.items.length !== sql.items) {
    throw new Error(`${w.name}: API answered ${page.totalCount}/${page.items.length}, captured SQL ${sql.totalCount}/${sql.items}`);
  }
  await apiRun(url, token, WARMUP);
  psqlRun(`${w.name}-warmup`, sql.statements, WARMUP);
  const api = [];
  const raw = [];
  const per = Math.ceil(ITERATIONS / ROUNDS);
  for (let done = 0; done < ITERATIONS; done += per) {
    const n = Math.min(per, ITERATIONS - done);
    await apiRun(url, token, 1); // untimed: reopens the keep-alive connection the server closed while psql ran
    api.push(...(await apiRun(url, token, n)));
    raw.push(...psqlRun(w.name, sql.statements, n));
  }
  const r = {
    name: w.name,
    url: `GET /api/crm/${w.resource}?${w.query}`,
    user: w.user,
    totalCount: page.totalCount,
    statements: sql.statements.length,
    n: api.length,
    api: { p50: percentile(api, 50), p95: percentile(api, 95) },
    psql: { p50: percentile(raw, 50), p95: percentile(raw, 95) },
    target: w.target,
  };
  r.ratio = { p50: r.api.p50 / r.psql.p50, p95: r.api.p95 / r.psql.p95 };
  const missed = ['p50', 'p95'].filter(p => r.ratio[p] > w.target);
  r.ok = missed.length === 0;
  r.line = `bench ${w.name}: api p50=${fmt(r.api.p50)} p95=${fmt(r.api.p95)} | psql p50=${fmt(r.psql.p50)} p95=${fmt(r.psql.p95)}`
    + ` | ratio p50=${r.ratio.p50.toFixed(2)} p95=${r.ratio.p95.toFixed(2)} (target ≤${w.target})`
    + ` | api−psql p50=${r.api.p50 >= r.psql.p50 ? '+' : ''}${fmt(r.api.p50 - r.psql.p50)}`
    + (r.ok ? ' OK' : ` MISSED (${missed.join(', ')})`);
  return r;
}

// ---------------------------------------------------------------- EXPLAIN
const KEY_LINE = /Scan|Join|Sort|Limit|Aggregate|Gather|Filter|Cond|Execution Time|Planning Time|JIT:|Functions:|Timing:/;

async function explain(captured) {
  const report = [];
  await withClient(DB, async c => {
    for (const name of ['list', 'list-scoped', 'search2', 'search3', 'contacts-search2']) {
      const stmts = captured[name].statements;
      const labels = ['count', 'page', stmts.length > 2 ? (captured[name].statements[2].sql.includes('emails') ? 'e-mails' : 'managers') : null];
      for (let k = 0; k < stmts.length; k++) {
        const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${stmts[k].literal}`);
        const plan = rows.map(r => r['QUERY PLAN']);
        fs.writeFileSync(path.join(out, `explain-${name}-${labels[k]}.txt`), `${stmts[k].literal};\n\n${plan.join('\n')}\n`);
        report.push({ workload: name, statement: labels[k], key: plan.filter(l => KEY_LINE.test(l)) });
      }
    }
  });
  return report;
}

/** Would pg_trgm index CJK here? (transaction rolled back: the bench schema stays the migration's) */
async function trigramCheck() {
  return withClient(DB, async c => {
    const res = {};
    await c.query('BEGIN');
    try {
      await c.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      res.locale = (await c.query(`SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()`)).rows[0];
      res.showTrgm = (await c.query(`SELECT show_trgm('华信科技') AS t`)).rows[0].t;
      await c.query(`CREATE TEMP TABLE trgm_sample AS SELECT search_text FROM crm_customers LIMIT 200000`);
      await c.query(`CREATE INDEX ON trgm_sample USING gin (search_text gin_trgm_ops)`);
      await c.query(`ANALYZE trgm_sample`);
      for (const q of ['华信', '华信科']) {
        const { rows } = await c.query(`EXPLAIN (ANALYZE) SELECT count(*) FROM trgm_sample WHERE search_text LIKE '%${q}%'`);
        res[q] = rows.map(r => r['QUERY PLAN']).filter(l => /Scan|Execution Time|Rows Removed/.test(l));
      }
    } finally {
      await c.query('ROLLBACK');
    }
    return res;
  });
}

// ---------------------------------------------------------------- main
async function main() {
  log(`bench: ${CUSTOMERS} customers, ${ITERATIONS} timed requests per workload after ${WARMUP} warm-up`);
  const seedSeconds = await prepareDatabase();

  startBackend();
  await waitFor('the CRM API', async () => (await request('/api/crm/customers')).status === 401, 300_000);
  log('backend up (GET /api/crm/customers → 401)');
  const tokens = {};
  for (const u of new Set(WORKLOADS.map(w => w.user))) tokens[u] = await tokenOf(u);
  log(`signed in as ${Object.keys(tokens).join(', ')}`);

  const captured = captureSql();
  fs.writeFileSync(path.join(out, 'sql.json'), JSON.stringify(captured, null, 2));
  log(`captured the API's SQL (bench/.out/sql.json): ${Object.values(captured).map(c => `${c.name} ${c.statements.length} statements`).join(', ')}`);

  const results = [];
  for (const w of WORKLOADS) {
    const r = await measure(w, captured[w.name], tokens[w.user]);
    results.push(r);
    log(`${w.name}: ${r.totalCount} matching rows`);
    console.log(r.line);
  }

  const plans = await explain(captured);
  console.log('\nEXPLAIN (ANALYZE, BUFFERS) key lines (full plans in bench/.out/explain-*.txt):');
  for (const p of plans.filter(p => ['count', 'page'].includes(p.statement))) {
    console.log(`-- ${p.workload} / ${p.statement}`);
    for (const l of p.key) console.log(`   ${l.trim().length > 160 ? `${l.trim().slice(0, 157)}...` : l.trim()}`);
  }
  const trgm = await trigramCheck();
  console.log(`\npg_trgm under ${trgm.locale.datctype}: show_trgm('华信科技') = ${trgm.showTrgm}`);
  for (const q of ['华信', '华信科']) console.log(`  LIKE '%${q}%' on a 200k-row trigram-indexed sample: ${trgm[q].map(l => l.trim()).join(' | ')}`);

  const summary = { date: new Date().toISOString(), customers: CUSTOMERS, iterations: ITERATIONS, seedSeconds, results, plans, trgm };
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(summary, null, 2));
  console.log('\nResults:');
  for (const r of results) console.log(r.line);
  return results.every(r => r.ok);
}

let exitCode = 1;
process.once('SIGINT', async () => {
  await stopBackend();
  process.exit(130);
});
try {
  exitCode = (await main()) ? 0 : 3;
} catch (e) {
  console.error(e);
} finally {
  await stopBackend();
  agent.destroy();
  if (!KEEP) {
    const dropped = await dropBenchDatabases().catch(() => []);
    if (dropped.length) log(`dropped ${dropped.join(', ')} (use --keep to keep them)`);
  }
  log(`done in ${elapsed()}`);
}
process.exit(exitCode);
