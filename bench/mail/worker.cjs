/* eslint-disable */
// One measurement of the mail ingest benchmark, in a fresh process so that each starts from the
// same memory and none profits from another's warm caches. Run by bench/mail-ingest.mjs with
// Backstage's TypeScript transform (the pipeline is the plugin's own TypeScript):
//   node --require @backstage/cli-node/config/nodeTransform.cjs bench/mail/worker.cjs '<json>'
// input: { mode: 'floor' | 'pipeline', ... } — prints one line `result <json>`.
//
// floor:    imapflow download of every message of the mailbox, each piped into mailparser's
//           streaming MailParser (attachments drained and released): what any ingest must do.
// pipeline: the plugin's SyncService.syncAccount (fetch, store raw, parse, after-parse hooks)
//           into the given database, with the time spent in each stage.

const path = require('node:path');
const { performance } = require('node:perf_hooks');
const root = path.resolve(__dirname, '../..');
const input = JSON.parse(process.argv[2]);
// --src: a modified copy of the plugin's src/, to measure a change before making it
const src = p => require(path.join(input.srcRoot ?? path.join(root, 'plugins/mail-backend/src'), p));

/** The kernel's peak RSS of this process (VmHWM), in bytes. */
function highWaterMark() {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

/**
 * RSS sampled every 20 ms, plus the kernel's high-water mark, which no sampling interval can miss.
 * The mark is reset first (Linux: `5` into /proc/self/clear_refs), so that start-up (the TypeScript
 * transform peaks at ~450 MB) does not hide the phase measured.
 */
let foldedPeak = 0;
/** Resets the high-water mark, keeping what it held in `foldedPeak` (stages reset it too). */
function resetHighWaterMark() {
  foldedPeak = Math.max(foldedPeak, highWaterMark());
  try {
    require('node:fs').writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function memoryWatch() {
  const reset = resetHighWaterMark();
  foldedPeak = 0;
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      const r = process.memoryUsage.rss();
      if (r > peak) peak = r;
      const hwm = Math.max(highWaterMark(), foldedPeak);
      return { before, sampledPeak: peak, highWaterMark: hwm, highWaterMarkReset: reset, peak: reset ? Math.max(peak, hwm) : peak };
    },
  };
}

function parseStream(content) {
  const { MailParser } = require('mailparser');
  return new Promise(resolve => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true });
    let settled = false;
    const finish = ok => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    parser.on('data', data => {
      if (data.type === 'attachment') {
        data.content.on('data', () => {});
        data.content.on('end', () => data.release());
      }
    });
    parser.once('end', () => finish(true));
    parser.once('error', () => {
      // the rest of the download must still be read, or the IMAP connection stalls
      content.unpipe(parser);
      if (content.readableEnded) return finish(false);
      content.once('end', () => finish(false));
      content.resume();
    });
    content.pipe(parser);
  });
}

async function floor(input) {
  const { ImapFlow } = require('imapflow');
  // load what the loop needs before the baseline, as the pipeline has its modules loaded too
  require('mailparser');
  const memory = memoryWatch();
  const t0 = performance.now();
  const client = new ImapFlow({ host: '127.0.0.1', port: input.port, secure: false, auth: { user: input.user, pass: input.password }, logger: false });
  client.on('error', () => {});
  await client.connect();
  let messages = 0;
  let failed = 0;
  let bytes = 0;
  const lock = await client.getMailboxLock(input.mailbox ?? 'INBOX');
  try {
    const uids = [];
    for await (const m of client.fetch('1:*', { uid: true }, { uid: true })) uids.push(m.uid);
    for (const uid of uids) {
      const { content, meta } = await client.download(String(uid), undefined, { uid: true });
      if (!content) continue;
      bytes += meta?.expectedSize ?? 0;
      if (await parseStream(content)) messages++;
      else failed++;
    }
  } finally {
    lock.release();
    await client.logout();
  }
  const ms = performance.now() - t0;
  return { mode: 'floor', messages: messages + failed, failed, bytes, ms, memory: memory.stop() };
}

/** The stage running now (stages do not overlap: the sync awaits each), to which SQL statements are counted. */
let currentStage = 'rest';

/** The most RSS grew during one call of each stage (with memoryStages; stages must not overlap). */
const stageMemory = {};

/** Adds the time of each call of obj[name] to stages[label] (and with memoryStages its RSS growth to stageMemory[label]). */
function timed(stages, label, obj, name) {
  const original = obj[name].bind(obj);
  obj[name] = async (...args) => {
    const t = performance.now();
    const outer = currentStage;
    currentStage = label;
    const rssBefore = input.memoryStages && resetHighWaterMark() ? process.memoryUsage.rss() : undefined;
    try {
      return await original(...args);
    } finally {
      currentStage = outer;
      stages[label] = (stages[label] ?? 0) + (performance.now() - t);
      if (rssBefore !== undefined) stageMemory[label] = Math.max(stageMemory[label] ?? 0, highWaterMark() - rssBefore);
    }
  };
}

async function pipeline(input) {
  const { createMail } = src('createMail');
  const { PasswordCipher } = src('service/PasswordCipher');
  const { StreamingMessageParser } = src('mime/MessageParser');
  const { openDatabase, stderrLogger } = src('crash/__testUtils__/workerSupport');
  const knex = openDatabase(input.database);
  const stages = {};
  try {
    const parser = new StreamingMessageParser();
    const mail = createMail({ knex, cipher: PasswordCipher.fromBase64Key(input.key), logger: stderrLogger({ bench: 'pipeline' }), parser, sync: { batchSize: input.batchSize } });
    if (input.fakeCrm) {
      // routing as createMail installs it, with an in-memory CRM that knows the corpus's senders
      src('routing').installRouting(mail, { crm: src('crash/__testUtils__/corpusCrm').corpusCrm() });
    }
    // --no-hooks: the sync core alone (fetch, store, parse), to tell it from the after-parse work
    if (input.noHooks) mail.hooks.length = 0;
    if (input.stages || input.memoryStages) {
      timed(stages, 'store (ingestBatch: raw + message + copy + cursor, one transaction per batch)', mail.messages, 'ingestBatch');
      if (mail.messages.ingestForParsing) timed(stages, 'store (ingestBatch: raw + message + copy + cursor, one transaction per batch)', mail.messages, 'ingestForParsing');
      timed(stages, 'parse (charset repair + streaming MailParser)', parser, 'parse');
      if (parser.parseStream) timed(stages, 'parse (charset repair + streaming MailParser)', parser, 'parseStream');
      timed(stages, 'raw read back for parsing', mail.raw, 'get');
      if (mail.raw.stream) timed(stages, 'raw read back for parsing', mail.raw, 'stream');
      if (mail.raw.stage) timed(stages, 'store (ingestBatch: raw + message + copy + cursor, one transaction per batch)', mail.raw, 'stage');
      timed(stages, 'parse bookkeeping (parseInput + markParsed/markFailed)', mail.messages, 'parseInput');
      timed(stages, 'parse bookkeeping (parseInput + markParsed/markFailed)', mail.messages, 'markParsed');
      timed(stages, 'parse bookkeeping (parseInput + markParsed/markFailed)', mail.messages, 'markFailed');
      if (mail.messages.markParsedMany) timed(stages, 'parse bookkeeping (parseInput + markParsed/markFailed)', mail.messages, 'markParsedMany');
      for (const hook of mail.hooks) timed(stages, `hook ${hook.name}`, hook, 'afterParsed');
    }
    // the pool's first connection and the modules are there before the baseline, as in a running backend
    await knex.raw('select 1');
    // statements sent, and how many committed on their own (each one a commit, i.e. a WAL flush / fsync)
    const sql = { statements: 0, autocommitWrites: 0, transactions: new Set(), byStage: {} };
    knex.on('query', q => {
      const stage = (sql.byStage[currentStage] ??= { statements: 0, autocommitWrites: 0, transactions: new Set() });
      for (const s of [sql, stage]) {
        s.statements++;
        if (q.__knexTxId) s.transactions.add(q.__knexTxId);
        else if (/^\s*(insert|update|delete)/i.test(q.sql)) s.autocommitWrites++;
      }
    });
    // time per statement shape (between query and its response): on SQLite this is the database's own work on the
    // main thread, on PostgreSQL the round trip (overlapping other work)
    const started = new Map();
    const byShape = {};
    const shape = q => q.sql.replace(/\s+/g, ' ').replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(…)').replace(/\?(, \?)+/g, '…').slice(0, 90);
    knex.on('query', q => started.set(q.__knexQueryUid, performance.now()));
    knex.on('query-response', (_r, q) => {
      const t = started.get(q.__knexQueryUid);
      if (t === undefined) return;
      started.delete(q.__knexQueryUid);
      // keyed by the statement's beginning here, normalised after the run: a regex per statement would slow what is measured
      const s = (byShape[q.sql.slice(0, 120)] ??= { sql: q.sql.slice(0, 400), n: 0, ms: 0 });
      s.n++;
      s.ms += performance.now() - t;
    });
    sql.byShape = byShape;
    sql.shapes = () => {
      const out = {};
      for (const v of Object.values(byShape)) {
        const o = (out[shape({ sql: v.sql })] ??= { n: 0, ms: 0 });
        o.n += v.n;
        o.ms += v.ms;
      }
      return out;
    };
    const memory = memoryWatch();
    const t0 = performance.now();
    const result = await mail.sync.syncAccount(input.accountId);
    const ms = performance.now() - t0;
    const mem = memory.stop();
    const counts = await mail.messages.counts(input.accountId);
    const routes = await knex('mail_messages').groupBy('route_status').select('route_status').count('* as n');
    const searchable = await knex('mail_messages').whereNotNull('search_text').count('* as n').first();
    return {
      mode: 'pipeline',
      ms,
      result,
      counts,
      hooks: mail.hooks.map(h => h.name),
      routeStatus: Object.fromEntries(routes.map(r => [String(r.route_status), Number(r.n)])),
      searchText: Number(searchable?.n ?? 0),
      stages,
      stageMemory,
      sql: {
        statements: sql.statements,
        autocommitWrites: sql.autocommitWrites,
        transactions: sql.transactions.size,
        byShape: sql.shapes(),
        byStage: Object.fromEntries(Object.entries(sql.byStage).map(([k, v]) => [k, { statements: v.statements, autocommitWrites: v.autocommitWrites, transactions: v.transactions.size }])),
      },
      memory: mem,
    };
  } finally {
    await knex.destroy();
  }
}

async function main() {
  const out = input.mode === 'floor' ? await floor(input) : await pipeline(input);
  process.stdout.write(`result ${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
