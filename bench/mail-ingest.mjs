#!/usr/bin/env node
// Mail ingest benchmark (issue 5): seeds 10,000 messages into a throwaway local Dovecot (files
// written straight into its maildir), then measures in the same run
//   (a) the raw floor: imapflow download + streaming mailparser parse of every message,
//   (b) the full pipeline: SyncService.syncAccount (fetch, store raw, parse, after-parse hooks:
//       search text and routing against a fake CRM) into PostgreSQL and SQLite,
// and prints messages/second with the ratio pipeline / floor (target ≥ 0.5×); then
//   (c) peak RSS while syncing one message with a 100 MB attachment vs the RSS just before
//       (target ≤ +150 MB), for the pipeline and, for comparison, the floor.
// Every measurement runs in a fresh child process (bench/mail/worker.cjs). See bench/README.md.
//
//   bash scripts/with-node.sh node bench/mail-ingest.mjs [--messages 10000] [--big-mb 100]
//        [--batch 100] [--no-sqlite] [--no-big] [--no-hooks] [--profile] [--keep] [--src <copy of plugins/mail-backend/src>]

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, '.out');
const require = createRequire(import.meta.url);
const transform = require.resolve('@backstage/cli-node/config/nodeTransform.cjs');

// The plugin's TypeScript (Dovecot harness, corpus, createMail) is loaded through Backstage's
// transform: re-run this file under it once.
if (!process.env.COCRM_MAIL_BENCH_TRANSFORMED) {
  const inner = spawn(process.execPath, ['--require', transform, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, COCRM_MAIL_BENCH_TRANSFORMED: '1' },
  });
  // the inner run stops its Dovecot and workers on these
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => inner.kill(signal));
  const code = await new Promise(resolve => inner.on('exit', c => resolve(c ?? 1)));
  process.exit(code);
}

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : dflt;
};
const str = name => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const MESSAGES = opt('messages', 10_000);
// measure a modified copy of plugins/mail-backend/src (its pipeline only; seeding uses the tree's)
const SRC = str('src') ? path.resolve(str('src')) : undefined;
const BIG_MB = opt('big-mb', 100);
const BATCH = opt('batch', 100);
const SQLITE = !argv.includes('--no-sqlite');
const BIG = !argv.includes('--no-big');
const PROFILE = argv.includes('--profile');
const KEEP = argv.includes('--keep');
const NO_HOOKS = argv.includes('--no-hooks');
const RATIO_TARGET = 0.5;
const RSS_TARGET_MB = 150;

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const PREFIX = 'cocrm_mailbench_';
const KEY = Buffer.alloc(32, 9).toString('base64');
const USERS = { bench: 'pw-bench', big: 'pw-big' };

const pluginSrc = p => require(path.join(root, 'plugins/mail-backend/src', p));
const { DovecotServer } = pluginSrc('testUtils/dovecot');
const { bulkMessage, bigAttachmentMessage } = pluginSrc('crash/__testUtils__/bulkCorpus');
const { fillMaildir, chownMail } = pluginSrc('crash/__testUtils__/maildir');
const { openDatabase, stderrLogger } = pluginSrc('crash/__testUtils__/workerSupport');
const { createMail } = pluginSrc('createMail');
const { PasswordCipher } = pluginSrc('service/PasswordCipher');
const { ImapFlow } = require('imapflow');
const pg = require('pg');

fs.mkdirSync(out, { recursive: true });
const t0 = Date.now();
const log = msg => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}`);
const mb = bytes => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The mix of the crash test's corpus with realistic sizes: text + HTML of 1–6 paragraphs, every 20th with a 30–250 kB attachment. */
const SIZES = {
  paragraphs: n => 1 + ((n * 7) % 6),
  attachmentBytes: n => (n % 20 === 3 ? 30_000 + ((n * 7919) % 220_000) : 0),
};

// ---------------------------------------------------------------- databases
async function withPg(database, fn) {
  const c = new pg.Client({ ...PG, database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function dropBenchDatabases() {
  const names = await withPg('postgres', async c => (await c.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [PREFIX])).rows.map(r => r.datname));
  await withPg('postgres', async c => {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cocrm-mailbench-'));

/** A migrated, empty database with the mailbox connected: what each pipeline run starts from. */
async function prepare(kind, name, server, user) {
  let database;
  if (kind === 'postgres') {
    await withPg('postgres', c => c.query(`CREATE DATABASE "${PREFIX}${name}"`));
    database = { client: 'pg', connection: { ...PG, database: `${PREFIX}${name}` } };
  } else {
    database = { client: 'better-sqlite3', filename: path.join(tmp, `${name}.sqlite`) };
  }
  const knex = openDatabase(database);
  try {
    await knex.migrate.latest({ directory: path.join(root, 'plugins/mail-backend/migrations') });
    const mail = createMail({ knex, cipher: PasswordCipher.fromBase64Key(KEY), logger: stderrLogger({ bench: 'setup' }) });
    const account = await mail.accounts.connect(`user:default/${user}`, {
      displayName: `${user} 的邮箱`,
      email: `${user}@corp.example`,
      imap: { host: '127.0.0.1', port: server.port, secure: false, user, password: USERS[user] },
      folders: [],
    });
    return { database, accountId: account.id };
  } finally {
    await knex.destroy();
  }
}

// ---------------------------------------------------------------- workers
const WORKER_TIMEOUT_MS = 20 * 60_000;
const running = new Set();

function worker(input, { profile = false } = {}) {
  return new Promise((resolve, reject) => {
    const args = ['--require', transform];
    if (profile) args.push('--cpu-prof', '--cpu-prof-dir', path.join(out, 'mail-profiles'));
    const child = spawn(process.execPath, [...args, path.join(here, 'mail/worker.cjs'), JSON.stringify(input)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    running.add(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', c => (stdout += c));
    child.stderr.on('data', c => (stderr += c));
    child.on('exit', code => {
      clearTimeout(timer);
      running.delete(child);
      const m = /^result (.*)$/m.exec(stdout);
      if (code === 0 && m) resolve({ ...JSON.parse(m[1]), warnings: stderr.split('\n').filter(Boolean).length });
      else reject(new Error(`worker ${input.mode} failed (${code}): ${stderr.slice(-3000)}`));
    });
  });
}

// ---------------------------------------------------------------- main
let stopServer = async () => {};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    for (const child of running) child.kill('SIGKILL');
    await stopServer();
    process.exit(130);
  });
}

async function main() {
  log(`seeding: ${MESSAGES} messages${BIG ? ` + one with a ${BIG_MB} MB attachment` : ''} into a local Dovecot`);
  const server = await DovecotServer.start(USERS);
  stopServer = () => server.stop();
  try {
    const mailRoot = path.join(server.dir, 'mail');
    let bytes = 0;
    const CHUNK = 1000;
    for (let start = 0; start < MESSAGES; start += CHUNK) {
      const messages = Array.from({ length: Math.min(CHUNK, MESSAGES - start) }, (_, i) => {
        const raw = bulkMessage(start + i, SIZES);
        bytes += raw.length;
        return { raw, flags: (start + i) % 3 ? [] : ['\\Seen'], date: new Date(Date.UTC(2026, 1, 1) + (start + i) * 60_000) };
      });
      fillMaildir(mailRoot, 'bench', 'INBOX', messages, start);
    }
    chownMail(mailRoot, 'bench');
    let bigBytes = 0;
    if (BIG) {
      const raw = bigAttachmentMessage(BIG_MB * 1024 * 1024);
      bigBytes = raw.length;
      fillMaildir(mailRoot, 'big', 'INBOX', [{ raw }]);
      chownMail(mailRoot, 'big');
    }
    // let Dovecot build its indexes now, not during the first measurement
    for (const user of BIG ? ['bench', 'big'] : ['bench']) {
      const client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, auth: { user, pass: USERS[user] }, logger: false });
      await client.connect();
      const status = await client.status('INBOX', { messages: true });
      if (status.messages !== (user === 'bench' ? MESSAGES : 1)) throw new Error(`Dovecot sees ${status.messages} messages for ${user}`);
      await client.logout();
    }
    log(`seeded ${MESSAGES} messages, ${mb(bytes)} (mean ${(bytes / MESSAGES / 1024).toFixed(1)} kB)${BIG ? `; big message ${mb(bigBytes)}` : ''}`);

    await dropBenchDatabases();
    log('databases: dropped old ones, preparing');
    const kinds = SQLITE ? ['postgres', 'sqlite'] : ['postgres'];
    const targets = {};
    for (const kind of kinds) targets[kind] = await prepare(kind, `ingest_${kind}`, server, 'bench');
    log(`databases ready: ${kinds.join(', ')}`);

    const floorInput = { mode: 'floor', port: server.port, user: 'bench', password: USERS.bench };
    const floors = [];
    const pipelines = {};
    floors.push(await worker(floorInput));
    log(`floor: ${floors[0].messages} messages in ${(floors[0].ms / 1000).toFixed(1)} s`);
    for (const kind of kinds) {
      pipelines[kind] = await worker({ mode: 'pipeline', ...targets[kind], key: KEY, batchSize: BATCH, fakeCrm: true, stages: true, srcRoot: SRC, noHooks: NO_HOOKS }, { profile: PROFILE });
      log(`pipeline ${kind}: ${pipelines[kind].counts.messages} messages in ${(pipelines[kind].ms / 1000).toFixed(1)} s`);
    }
    floors.push(await worker(floorInput));
    log(`floor again: ${(floors[1].ms / 1000).toFixed(1)} s`);

    let ok = true;
    const lines = [];
    const floorMs = (floors[0].ms + floors[1].ms) / 2;
    const floorRate = MESSAGES / (floorMs / 1000);
    lines.push(
      `bench mail-floor: ${MESSAGES} messages (${mb(bytes)}) imapflow download + streaming mailparser in ${(floorMs / 1000).toFixed(1)}s = ${floorRate.toFixed(0)} msg/s (runs ${floors.map(f => (f.ms / 1000).toFixed(1)).join('s, ')}s; ${floors[0].failed} refused by the parser)`,
    );
    for (const kind of kinds) {
      const p = pipelines[kind];
      const rate = MESSAGES / (p.ms / 1000);
      const ratio = rate / floorRate;
      const complete = p.counts.messages > 0 && p.counts.pending === 0 && p.result.folders[0].added === MESSAGES;
      const met = ratio >= RATIO_TARGET && complete;
      ok &&= met;
      lines.push(
        `bench mail-pipeline ${kind}: ${MESSAGES} messages in ${(p.ms / 1000).toFixed(1)}s = ${rate.toFixed(0)} msg/s | ratio ${ratio.toFixed(2)} (target ≥${RATIO_TARGET}) | stored ${p.counts.messages} logical (parsed ${p.counts.parsed}, failed ${p.counts.failed}, pending ${p.counts.pending}) | hooks: ${p.hooks.join(' → ') || 'none'} (search text ${p.searchText}, routes ${JSON.stringify(p.routeStatus)}) ${met ? 'OK' : 'MISSED'}`,
      );
      const other = p.ms - Object.values(p.stages).reduce((a, b) => a + b, 0);
      lines.push(
        `  stages ${kind}: ${Object.entries(p.stages)
          .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
          .join(' | ')} | rest (IMAP fetch/download, loop) ${(other / 1000).toFixed(1)}s`,
        `  sql ${kind}: ${p.sql.statements} statements (${(p.sql.statements / MESSAGES).toFixed(1)} per message), ${p.sql.transactions} transactions + ${p.sql.autocommitWrites} writes committed one by one`,
        `    slowest statements ${kind}: ${Object.entries(p.sql.byShape ?? {})
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 6)
          .map(([q, v]) => `${(v.ms / 1000).toFixed(1)}s ×${v.n} ${q}`)
          .join(' | ')}`,
        ...Object.entries(p.sql.byStage).map(
          ([stage, v]) => `    ${stage}: ${(v.statements / MESSAGES).toFixed(1)} statements/message, ${v.transactions} transactions, ${v.autocommitWrites} single-statement commits`,
        ),
      );
    }

    if (BIG) {
      const bigTargets = {};
      for (const kind of kinds) bigTargets[kind] = await prepare(kind, `big_${kind}`, server, 'big');
      const floorBig = await worker({ mode: 'floor', port: server.port, user: 'big', password: USERS.big });
      const rss = m => `before ${mb(m.before)}, peak ${mb(m.peak)} (+${mb(m.peak - m.before)}; sampled every 20 ms ${mb(m.sampledPeak)}, kernel high-water mark ${m.highWaterMarkReset ? '' : 'not reset, '}${mb(m.highWaterMark)})`;
      lines.push(`bench mail-memory floor: one ${mb(bigBytes)} message (${BIG_MB} MB attachment) | ${rss(floorBig.memory)} in ${(floorBig.ms / 1000).toFixed(1)}s`);
      for (const kind of kinds) {
        const p = await worker({ mode: 'pipeline', ...bigTargets[kind], key: KEY, batchSize: BATCH, fakeCrm: true, srcRoot: SRC });
        // again, for where the memory goes: the growth of RSS during each stage (a separate run, so that the figure above is not disturbed)
        const staged = await worker({ mode: 'pipeline', ...(await prepare(kind, `bigstages_${kind}`, server, 'big')), key: KEY, batchSize: BATCH, fakeCrm: true, srcRoot: SRC, memoryStages: true });
        const growth = (p.memory.peak - p.memory.before) / 1024 / 1024;
        const met = growth <= RSS_TARGET_MB && p.counts.parsed === 1;
        ok &&= met;
        lines.push(`bench mail-memory pipeline ${kind}: ${rss(p.memory)} in ${(p.ms / 1000).toFixed(1)}s | parsed ${p.counts.parsed} | target ≤ +${RSS_TARGET_MB} MB ${met ? 'OK' : 'MISSED'}`);
        lines.push(`  RSS growth per stage ${kind}: ${Object.entries(staged.stageMemory).map(([k, v]) => `${k} +${mb(v)}`).join(' | ')}`);
      }
    }

    console.log('');
    for (const l of lines) console.log(l);
    fs.writeFileSync(path.join(out, 'mail-ingest.json'), JSON.stringify({ at: new Date().toISOString(), messages: MESSAGES, bytes, floors, pipelines }, null, 2));
    return ok;
  } finally {
    await server.stop();
    if (!KEEP) {
      await dropBenchDatabases();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

let exitCode = 1;
try {
  exitCode = (await main()) ? 0 : 3;
} catch (e) {
  console.error(e);
}
log('done');
process.exit(exitCode);
