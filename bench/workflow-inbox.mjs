#!/usr/bin/env node
// Workflow benchmark (issue 4): seeds PostgreSQL with 100,000 open approval tasks across 200
// approvers (set-based SQL, not the API), starts the real backend against it, and measures
//   1. the inbox (待办) page and the sidebar counts through the HTTP API against the same SQL
//      run raw through psql (target ≤ 1.5×), and
//   2. transition throughput with 50 concurrent deciders through the API, on distinct instances,
//      on shared 会签 instances and on shared 或签 instances, proving afterwards from the action
//      log and the task states that no update was lost.
// See bench/README.md.
//
//   bash scripts/with-node.sh node bench/workflow-inbox.mjs [--tasks 100000] [--approvers 200]
//        [--deciders 50] [--per-decider 20] [--shared 20] [--iterations 200] [--warmup 20] [--port 7207] [--keep]

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import createKnex from 'knex';
import { approverCatalog, approverRef, seedWorkflow } from './workflow-seed.mjs';

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
const TASKS = opt('tasks', 100_000);
const APPROVERS = opt('approvers', 200);
const DECIDERS = opt('deciders', 50);
const PER_DECIDER = opt('per-decider', 20);
const SHARED = opt('shared', 20);
const ITERATIONS = opt('iterations', 200);
const WARMUP = opt('warmup', 20);
const PORT = opt('port', 7207);
const ROUNDS = 10; // API and psql alternate in rounds, so drift on the shared machine hits both alike
const KEEP = argv.includes('--keep');

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
// not cocrm_bench_: the CRM bench drops those
const PREFIX = 'cocrm_wfbench_';
const DB = `${PREFIX}workflow`;
const BASE = `http://127.0.0.1:${PORT}`;
const MEASURED = approverRef(1);

const WORKLOADS = [
  { name: 'inbox', kind: 'inbox', path: '/inbox', query: 'pageSize=25', target: 1.5 },
  { name: 'inbox-due', kind: 'inbox', path: '/inbox', query: 'page=4&pageSize=25&sort=dueAt&order=asc', target: 1.5 },
  { name: 'counts', kind: 'counts', path: '/counts', query: '', target: 1.5 },
];

fs.mkdirSync(out, { recursive: true });
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)}s`;
const log = msg => console.log(`[${elapsed()}] ${msg}`);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const fmt = v => `${v.toFixed(1)}ms`;

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

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

async function dropBenchDatabases() {
  const names = await withClient('postgres', async c =>
    (await c.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1', [PREFIX])).rows.map(r => r.datname),
  );
  await withClient('postgres', async c => {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  });
  return names;
}

async function prepareDatabase() {
  const dropped = await dropBenchDatabases();
  if (dropped.length) log(`dropped ${dropped.join(', ')}`);
  await withClient('postgres', c => c.query(`CREATE DATABASE ${DB}`));
  // the plugin's own migrations, as the backend runs them on start
  const knex = createKnex({ client: 'pg', connection: { ...PG, database: DB } });
  try {
    const [, applied] = await knex.migrate.latest({ directory: path.join(root, 'plugins/workflow-backend/migrations') });
    log(`created ${DB}, migrations: ${applied.join(', ')}`);
  } finally {
    await knex.destroy();
  }
  const { seconds } = await withClient(DB, c => seedWorkflow(c, { tasks: TASKS, approvers: APPROVERS, shared: SHARED, deciders: DECIDERS, log }));
  const sizes = await withClient(DB, async c => (await c.query(
    `SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) AS size, reltuples::bigint AS rows FROM pg_class
      WHERE relname IN ('workflow_instances','workflow_nodes','workflow_tasks','workflow_actions','workflow_cc') ORDER BY 1`)).rows);
  log(`seeded in ${seconds.toFixed(1)}s: ${sizes.map(s => `${s.relname} ${s.rows} rows ${s.size}`).join('; ')}`);
  return seconds;
}

// ---------------------------------------------------------------- backend
let backend;

function writeConfig() {
  const users = path.join(out, 'workflow-users.yaml');
  fs.writeFileSync(users, approverCatalog(APPROVERS));
  const file = path.join(out, 'app-config.workflow-bench.yaml');
  fs.writeFileSync(file, `# generated by bench/workflow-inbox.mjs
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
catalog:
  locations:
    - type: file
      target: ${path.join(root, 'examples/org.yaml')}
      rules:
        - allow: [User, Group]
    - type: file
      target: ${users}
      rules:
        - allow: [User, Group]
crm:
  demoData:
    file: null # no demo data
workflow:
  demoFlows:
    file: null
  # approval mails would go to files in data/outbox: not part of what is measured
  mailApproval:
    enabled: false
`);
  return file;
}

function startBackend() {
  const config = writeConfig();
  const logFile = path.join(out, 'workflow-backend.log');
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
  await sleep(500);
  try {
    process.kill(-pid, 0);
    process.kill(-pid, 'SIGKILL');
  } catch {}
  log('backend stopped');
}

/** one keep-alive connection for latencies; a wide pool for the concurrent deciders */
const latencyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const poolAgent = new http.Agent({ keepAlive: true, maxSockets: DECIDERS + 8 });

function request(method, pathAndQuery, { headers = {}, body, agent = latencyAgent } = {}, retry = true) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      `${BASE}${pathAndQuery}`,
      { method, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) } },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', e => {
      // the server closes idle keep-alive sockets after 5 s; a request on such a socket is retried once
      if (retry && req.reusedSocket && e.code === 'ECONNRESET') resolve(request(method, pathAndQuery, { headers, body, agent }, false));
      else reject(e);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

async function waitFor(what, fn, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (backend.exitCode !== null) throw new Error(`backend exited (${backend.exitCode}) while waiting for ${what}; see bench/.out/workflow-backend.log`);
    if (/Backend startup failed/.test(fs.readFileSync(path.join(out, 'workflow-backend.log'), 'utf8'))) {
      throw new Error('backend startup failed; see bench/.out/workflow-backend.log');
    }
    try {
      const v = await fn();
      if (v) return v;
    } catch {}
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; see bench/.out/workflow-backend.log`);
    await sleep(1000);
  }
}

async function tokenOf(userRef) {
  const name = userRef.replace('user:default/', '');
  // the catalog ingests the generated approvers a little after start
  return waitFor(`a token for ${name}`, async () => {
    const r = await request('GET', '/api/auth/demo/refresh', { headers: { 'x-demo-user': name, 'X-Requested-With': 'XMLHttpRequest' } });
    return r.status === 200 ? JSON.parse(r.body).backstageIdentity.token : undefined;
  }, 300_000);
}

const api = (method, url, token, body, agent) =>
  request(method, `/api/workflow${url}`, { headers: { authorization: `Bearer ${token}`, 'accept-language': 'zh-CN' }, body, agent });

// ---------------------------------------------------------------- SQL of the API
function captureSql() {
  const transform = require.resolve('@backstage/cli-node/config/nodeTransform.cjs');
  const input = {
    connection: { ...PG, database: DB },
    workloads: WORKLOADS.map(w => ({ name: w.name, kind: w.kind, user: MEASURED, query: w.query })),
  };
  const r = spawnSync(process.execPath, ['--require', transform, path.join(here, 'workflow-capture-sql.cjs'), JSON.stringify(input)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ESBK_TSCONFIG_PATH: path.join(root, 'tsconfig.json') },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`workflow-capture-sql failed: ${r.stderr}`);
  return Object.fromEntries(JSON.parse(r.stdout).map(c => [c.name, c]));
}

// ---------------------------------------------------------------- latency: API vs psql
async function apiRun(url, token, n) {
  const times = [];
  for (let k = 0; k < n; k++) {
    const r = await api('GET', url, token);
    if (r.status !== 200) throw new Error(`GET ${url} → ${r.status}: ${r.body.slice(0, 300)}`);
    times.push(r.ms);
  }
  return times;
}

/** One psql process runs `n` iterations of the statements with \timing on; an iteration is the sum of its statements. */
function psqlRun(name, statements, n) {
  const file = path.join(out, `workflow-${name}.psql`);
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

async function measure(w, sql, token) {
  const url = `${w.path}${w.query ? `?${w.query}` : ''}`;
  // the API must see what the captured SQL sees
  const first = await api('GET', url, token);
  if (first.status !== 200) throw new Error(`GET ${url} → ${first.status}: ${first.body.slice(0, 300)}`);
  const body = JSON.parse(first.body);
  const seen = w.kind === 'inbox' ? { totalCount: body.totalCount, items: body.items.length } : body;
  if (JSON.stringify(seen) !== JSON.stringify(sql.result)) throw new Error(`${w.name}: API answered ${JSON.stringify(seen)}, captured SQL ${JSON.stringify(sql.result)}`);
  await apiRun(url, token, WARMUP);
  psqlRun(`${w.name}-warmup`, sql.statements, WARMUP);
  const apiTimes = [];
  const raw = [];
  const per = Math.ceil(ITERATIONS / ROUNDS);
  for (let done = 0; done < ITERATIONS; done += per) {
    const n = Math.min(per, ITERATIONS - done);
    await apiRun(url, token, 1); // untimed: reopens the keep-alive connection the server closed while psql ran
    apiTimes.push(...(await apiRun(url, token, n)));
    raw.push(...psqlRun(w.name, sql.statements, n));
  }
  const r = {
    name: w.name,
    url: `GET /api/workflow${url}`,
    result: seen,
    statements: sql.statements.length,
    n: apiTimes.length,
    api: { p50: percentile(apiTimes, 50), p95: percentile(apiTimes, 95) },
    psql: { p50: percentile(raw, 50), p95: percentile(raw, 95) },
    target: w.target,
  };
  r.ratio = { p50: r.api.p50 / r.psql.p50, p95: r.api.p95 / r.psql.p95 };
  const missed = ['p50', 'p95'].filter(p => r.ratio[p] > w.target);
  r.ok = missed.length === 0;
  r.line =
    `bench workflow-${w.name}: api p50=${fmt(r.api.p50)} p95=${fmt(r.api.p95)} | psql p50=${fmt(r.psql.p50)} p95=${fmt(r.psql.p95)}` +
    ` | ratio p50=${r.ratio.p50.toFixed(2)} p95=${r.ratio.p95.toFixed(2)} (target ≤${w.target})` +
    ` | api−psql p50=${r.api.p50 >= r.psql.p50 ? '+' : ''}${fmt(r.api.p50 - r.psql.p50)}` +
    (r.ok ? ' OK' : ` MISSED (${missed.join(', ')})`);
  return r;
}

const KEY_LINE = /Scan|Join|Sort|Limit|Aggregate|BitmapOr|Filter|Cond|Execution Time|Planning Time/;

async function explain(captured) {
  const report = [];
  await withClient(DB, async c => {
    for (const w of WORKLOADS) {
      for (const [k, s] of captured[w.name].statements.entries()) {
        const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.literal}`);
        const plan = rows.map(r => r['QUERY PLAN']);
        const label = w.kind === 'inbox' ? ['count', 'page'][k] : ['todo', 'ccUnread'][k];
        fs.writeFileSync(path.join(out, `workflow-explain-${w.name}-${label}.txt`), `${s.literal};\n\n${plan.join('\n')}\n`);
        report.push({ workload: w.name, statement: label, key: plan.filter(l => KEY_LINE.test(l)) });
      }
    }
  });
  return report;
}

// ---------------------------------------------------------------- throughput
/** Each decider's first `n` tasks of a document type that are their own (not held for someone else). */
async function tasksOf(token, ref, documentType, n) {
  const r = await api('GET', `/inbox?documentType=${documentType}&pageSize=200`, token);
  if (r.status !== 200) throw new Error(`inbox of ${ref}: ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body)
    .items.filter(i => i.task.assignee === ref && i.task.onBehalfOf === null)
    .slice(0, n)
    .map(i => ({ taskId: i.task.id, version: i.task.version, instanceId: i.instance.id }));
}

/** All deciders at once, each deciding its list one after the other. */
async function decideAll(work) {
  const latencies = [];
  const statuses = {};
  const okTasks = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    work.map(async ({ token, items }) => {
      for (const it of items) {
        const r = await api('POST', `/tasks/${it.taskId}/approve`, token, { version: it.version, comment: '压测同意' }, poolAgent);
        latencies.push(r.ms);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 204) okTasks.push(it.taskId);
        else if (r.status !== 409 && r.status !== 410) throw new Error(`approve → ${r.status}: ${r.body.slice(0, 300)}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), statuses, okTasks };
}

/** What the database says afterwards about the instances acted on. */
async function audit(instanceIds, okTasks) {
  return withClient(DB, async c => {
    const one = async (sql, params) => Number(Object.values((await c.query(sql, params)).rows[0])[0]);
    const ids = [instanceIds];
    return {
      instances: instanceIds.length,
      approvedInstances: await one(`SELECT count(*) FROM workflow_instances WHERE id = ANY($1::uuid[]) AND status = 'approved'`, ids),
      approveLines: await one(`SELECT count(*) FROM workflow_actions WHERE instance_id = ANY($1::uuid[]) AND action = 'approve'`, ids),
      nodeApprovedLines: await one(`SELECT count(*) FROM workflow_actions WHERE instance_id = ANY($1::uuid[]) AND action = 'nodeApproved'`, ids),
      finishLines: await one(`SELECT count(*) FROM workflow_actions WHERE instance_id = ANY($1::uuid[]) AND action = 'finish'`, ids),
      approvedTasks: await one(`SELECT count(*) FROM workflow_tasks WHERE instance_id = ANY($1::uuid[]) AND status = 'approved'`, ids),
      okTasksApproved: await one(`SELECT count(*) FROM workflow_tasks WHERE id = ANY($1::uuid[]) AND status = 'approved' AND decided_by IS NOT NULL`, [okTasks]),
      pendingTasks: await one(`SELECT count(*) FROM workflow_tasks WHERE instance_id = ANY($1::uuid[]) AND status = 'pending'`, ids),
      // a log with a gap or a duplicate sequence number would show two transitions interleaved
      gappedLogs: await one(
        `SELECT count(*) FROM (SELECT instance_id FROM workflow_actions WHERE instance_id = ANY($1::uuid[])
           GROUP BY instance_id HAVING count(*) <> max(seq) OR min(seq) <> 1 OR count(DISTINCT seq) <> count(*)) x`,
        ids,
      ),
      // the instance's version counts its transitions: submit + every decision
      versionMismatches: await one(
        `SELECT count(*) FROM workflow_instances i WHERE i.id = ANY($1::uuid[])
           AND i.version <> 1 + (SELECT count(DISTINCT a.task_id) FROM workflow_actions a WHERE a.instance_id = i.id AND a.action = 'approve')`,
        ids,
      ),
    };
  });
}

async function throughput(tokens) {
  const refs = Array.from({ length: DECIDERS }, (_, k) => approverRef(k + 1));
  const results = [];

  // distinct instances: every decider its own orders
  const distinct = await Promise.all(refs.map(async ref => ({ token: tokens[ref], items: await tasksOf(tokens[ref], ref, 'bench.order', PER_DECIDER) })));
  // shared: the same instances for everyone, each decider starting elsewhere so they collide everywhere
  const shared = async type =>
    Promise.all(
      refs.map(async (ref, d) => {
        const items = await tasksOf(tokens[ref], ref, type, SHARED);
        return { token: tokens[ref], items: items.map((_, k) => items[(k + d) % items.length]) };
      }),
    );
  const sharedAll = await shared('bench.shared-all');
  const sharedAny = await shared('bench.shared-any');

  for (const [name, work, expect] of [
    ['distinct', distinct, 'every approval succeeds and finishes its instance'],
    ['shared-all', sharedAll, `会签: all ${DECIDERS} approvals of each instance count, the node passes once`],
    ['shared-any', sharedAny, '或签: exactly one approval per instance wins, the others get 409/410'],
  ]) {
    const run = await decideAll(work);
    const instanceIds = [...new Set(work.flatMap(w => w.items.map(i => i.instanceId)))];
    const db = await audit(instanceIds, run.okTasks);
    const ok = run.statuses[204] ?? 0;
    const n = instanceIds.length;
    const checks = {
      distinct: { ok: run.requests, approveLines: ok, approvedInstances: n, nodeApprovedLines: n, finishLines: n },
      'shared-all': { ok: run.requests, approveLines: ok, approvedInstances: n, nodeApprovedLines: n, finishLines: n },
      'shared-any': { ok: n, approveLines: n, approvedInstances: n, nodeApprovedLines: n, finishLines: n },
    }[name];
    const lost = ok - db.okTasksApproved;
    const problems = [
      ...Object.entries(checks).filter(([k, v]) => (k === 'ok' ? ok : db[k]) !== v).map(([k, v]) => `${k}=${k === 'ok' ? ok : db[k]} (expected ${v})`),
      ...(lost ? [`lost updates=${lost}`] : []),
      ...(db.gappedLogs ? [`gapped logs=${db.gappedLogs}`] : []),
      ...(db.versionMismatches ? [`version mismatches=${db.versionMismatches}`] : []),
      ...(db.pendingTasks ? [`pending tasks left=${db.pendingTasks}`] : []),
    ];
    const r = { name, expect, ...run, okTasks: undefined, db, lost, ok: problems.length === 0, problems };
    r.line =
      `bench workflow-transitions ${name}: ${run.requests} approvals by ${DECIDERS} concurrent deciders on ${n} instances in ${run.seconds.toFixed(1)}s` +
      ` = ${run.perSecond.toFixed(1)}/s | latency p50=${fmt(run.p50)} p95=${fmt(run.p95)} | ${Object.entries(run.statuses).map(([s, c]) => `${s}×${c}`).join(' ')}` +
      ` | log: ${db.approveLines} approve, ${db.nodeApprovedLines} nodeApproved, ${db.finishLines} finish, gapless ${n - db.gappedLogs}/${n}` +
      ` | tasks approved ${db.approvedTasks}, lost updates ${lost}` +
      (r.ok ? ' OK' : ` FAILED (${problems.join(', ')})`);
    log(r.line);
    results.push(r);
  }
  return results;
}

// ---------------------------------------------------------------- main
async function main() {
  log(`workflow bench: ${TASKS} open tasks over ${APPROVERS} approvers; ${DECIDERS} deciders; ${ITERATIONS} timed requests per workload`);
  const seedSeconds = await prepareDatabase();

  startBackend();
  await waitFor('the workflow API', async () => (await request('GET', '/api/workflow/counts')).status === 401, 300_000);
  log('backend up (GET /api/workflow/counts → 401)');
  const tokens = {};
  for (let k = 1; k <= DECIDERS; k++) tokens[approverRef(k)] = await tokenOf(approverRef(k));
  log(`signed in ${DECIDERS} approvers`);

  const captured = captureSql();
  fs.writeFileSync(path.join(out, 'workflow-sql.json'), JSON.stringify(captured, null, 2));
  log(`captured the API's SQL (bench/.out/workflow-sql.json): ${Object.values(captured).map(c => `${c.name} ${c.statements.length} statements`).join(', ')}`);

  const latency = [];
  for (const w of WORKLOADS) {
    const r = await measure(w, captured[w.name], tokens[MEASURED]);
    latency.push(r);
    log(`${w.name}: ${JSON.stringify(r.result)}`);
    console.log(r.line);
  }
  const plans = await explain(captured);
  console.log('\nEXPLAIN (ANALYZE, BUFFERS) key lines (full plans in bench/.out/workflow-explain-*.txt):');
  for (const p of plans) {
    console.log(`-- ${p.workload} / ${p.statement}`);
    for (const l of p.key) console.log(`   ${l.trim().length > 160 ? `${l.trim().slice(0, 157)}...` : l.trim()}`);
  }

  const transitions = await throughput(tokens);

  const summary = { date: new Date().toISOString(), tasks: TASKS, approvers: APPROVERS, deciders: DECIDERS, iterations: ITERATIONS, seedSeconds, latency, plans, transitions };
  fs.writeFileSync(path.join(out, 'workflow-results.json'), JSON.stringify(summary, null, 2));
  console.log('\nResults:');
  for (const r of [...latency, ...transitions]) console.log(r.line);
  return [...latency, ...transitions].every(r => r.ok);
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
  latencyAgent.destroy();
  poolAgent.destroy();
  if (!KEEP) {
    const dropped = await dropBenchDatabases().catch(() => []);
    if (dropped.length) log(`dropped ${dropped.join(', ')} (use --keep to keep them)`);
  }
  log(`done in ${elapsed()}`);
}
process.exit(exitCode);
