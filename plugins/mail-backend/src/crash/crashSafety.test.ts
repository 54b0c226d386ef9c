import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { DovecotServer } from '../testUtils/dovecot';
import { connectAccount, databases, mail, migratedDatabase, TEST_KEY, withImap } from '../__testUtils__/mailTestBed';
import { describeWithDovecot } from '../__testUtils__/dovecotSuite';
import { messageKey } from '../mime/messageKey';
import { crashMailbox } from './__testUtils__/bulkCorpus';
import { chownMail, fillMaildir } from './__testUtils__/maildir';
import type { SyncWorkerInput, SyncWorkerOutput } from './__testUtils__/syncWorker';
import { describeDatabase, openDatabase } from './__testUtils__/workerSupport';

/*
 * Issue 5, crash safety: 10,000 messages synced from a real Dovecot by a
 * separate Node process that is SIGKILLed at random moments and restarted
 * until a run completes. Afterwards (and after every kill) the store must
 * hold every server message exactly once, with the cursor never ahead of or
 * behind the rows it covers.
 */

const TOTAL = 10_000;
const KILLS = 4;
const FOLDERS = ['INBOX', 'Archive'];
// CRASH_SEED=<n> replays a run's kill times
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2_147_483_647);

const TEST_TIMEOUT_MS = 20 * 60_000;

const USERS: Record<string, string> = { crash0: 'pw-crash0', crash1: 'pw-crash1', crash2: 'pw-crash2' };
const TRANSFORM = require.resolve('@backstage/cli-node/config/nodeTransform.cjs');
const WORKER = path.join(__dirname, '__testUtils__/syncWorker.ts');

/** mulberry32: a small seeded generator, so a failing run can be replayed with CRASH_SEED. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type WorkerRun = { outcome: 'done'; output: SyncWorkerOutput } | { outcome: 'killed'; afterMs: number } | { outcome: 'failed'; stderr: string };

/** When to SIGKILL a sync process: a time after it reported the start of `syncAccount`, or a time after a condition on the database first held. */
type Kill = { afterMs: number; when?: () => Promise<boolean> };

/** One sync process, killed as `kill` says unless it finished first. */
function runWorker(input: SyncWorkerInput, kill?: Kill): Promise<WorkerRun> {
  return new Promise(resolve => {
    const child: ChildProcess = spawn(process.execPath, ['--require', TRANSFORM, WORKER, JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let stdout = '';
    let stderr = '';
    let done: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let startedAt = 0;
    let exited = false;
    const armKill = async ({ afterMs, when }: Kill) => {
      // a read refused while the child commits (SQLITE_BUSY) is just asked again
      while (when && !exited && !(await when().catch(() => false))) await new Promise(r => setTimeout(r, 100));
      if (!exited && done === undefined) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!startedAt && stdout.includes('syncing\n')) {
        startedAt = Date.now();
        if (kill) void armKill(kill);
      }
      const m = /^done (.*)$/m.exec(stdout);
      if (m) {
        done = m[1];
        clearTimeout(timer);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      if (done !== undefined) resolve({ outcome: 'done', output: JSON.parse(done) as SyncWorkerOutput });
      else if (signal === 'SIGKILL') resolve({ outcome: 'killed', afterMs: Date.now() - startedAt });
      else resolve({ outcome: 'failed', stderr: `exit ${code} ${signal ?? ''}\n${stderr.slice(-4000)}` });
    });
  });
}

/** The truth on the server, read over IMAP: per folder its UIDVALIDITY and each UID's logical key. */
async function serverSnapshot(server: DovecotServer, user: string, password: string) {
  return withImap(server, user, password, async client => {
    const folders = new Map<string, { uidValidity: string; keys: Map<number, string> }>();
    for (const folder of FOLDERS) {
      const lock = await client.getMailboxLock(folder);
      try {
        const keys = new Map<number, string>();
        for await (const m of client.fetch('1:*', { uid: true, source: true }, { uid: true })) keys.set(m.uid, messageKey(m.source!));
        folders.set(folder, { uidValidity: client.mailbox ? client.mailbox.uidValidity.toString() : '', keys });
      } finally {
        lock.release();
      }
    }
    return folders;
  });
}

type Snapshot = Awaited<ReturnType<typeof serverSnapshot>>;

/** What the store holds, per folder: cursor and live copies (UID → logical key). */
async function storeState(knex: Knex, accountId: string) {
  const folders = await knex('mail_folders').where({ account_id: accountId }).select('id', 'path', 'uid_validity', 'last_uid', 'resync_from_uid_validity');
  const out = new Map<string, { uidValidity: string | null; lastUid: number; resyncFrom: string | null; copies: Array<{ uid: number; uidValidity: string; key: string; copyId: string }> }>();
  for (const f of folders) {
    const copies = await knex('mail_copies as c')
      .join('mail_messages as m', 'm.id', 'c.message_id')
      .where('c.folder_id', f.id)
      .whereNull('c.deleted_at')
      .select('c.id', 'c.uid', 'c.uid_validity', 'm.message_key');
    out.set(f.path, {
      uidValidity: f.uid_validity,
      lastUid: Number(f.last_uid),
      resyncFrom: f.resync_from_uid_validity,
      copies: copies.map(c => ({ uid: Number(c.uid), uidValidity: String(c.uid_validity), key: String(c.message_key), copyId: String(c.id) })),
    });
  }
  return out;
}

/**
 * Holds at every crash point: within each folder, the copies under the
 * current UIDVALIDITY are exactly the server's messages up to the cursor —
 * nothing past it (the cursor never lags the rows) and nothing missing below
 * it (the cursor never runs ahead) — each linked to the right logical message.
 */
async function expectCursorCoversExactly(knex: Knex, accountId: string, snapshot: Snapshot, context: string) {
  const state = await storeState(knex, accountId);
  for (const [folderPath, truth] of snapshot) {
    const folder = state.get(folderPath);
    if (!folder || folder.uidValidity !== truth.uidValidity) continue;
    const current = folder.copies.filter(c => c.uidValidity === truth.uidValidity);
    const expected = [...truth.keys].filter(([uid]) => uid <= folder.lastUid).sort((a, b) => a[0] - b[0]);
    const actual = current.map(c => [c.uid, c.key] as [number, string]).sort((a, b) => a[0] - b[0]);
    expect({ context, folderPath, copies: actual.length, mismatch: actual.length === expected.length && actual.every((c, i) => c[0] === expected[i][0] && c[1] === expected[i][1]) ? 0 : 1 }).toEqual({
      context,
      folderPath,
      copies: expected.length,
      mismatch: 0,
    });
  }
}

async function progress(knex: Knex) {
  const n = async (q: Knex.QueryBuilder) => Number((await q.count('* as n').first())?.n ?? 0);
  return {
    copies: await n(knex('mail_copies').whereNull('deleted_at')),
    messages: await n(knex('mail_messages')),
    pending: await n(knex('mail_messages').where({ parse_status: 'pending' })),
  };
}

const describeDovecot = describeWithDovecot();

describeDovecot('crash safety of the IMAP sync (SIGKILL)', () => {
  let nextUser = 0;
  const mailbox = crashMailbox(TOTAL);
  // started by the first test that needs it: concurrent tests may begin before a beforeAll finished
  let started: Promise<DovecotServer> | undefined;
  const dovecot = () => (started ??= DovecotServer.start(USERS));
  afterAll(async () => {
    await (await started)?.stop();
  });

  /** A migrated database the child processes can open too: SQLite as a file (not the test databases' :memory:). */
  async function sharedDatabase(databaseId: TestDatabaseId): Promise<{ knex: Knex; sqliteFile?: string; close(): Promise<void> }> {
    if (databaseId !== 'SQLITE_3') return { knex: await migratedDatabase(databaseId), close: async () => undefined };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cocrm-crash-'));
    const sqliteFile = path.join(dir, 'mail.sqlite');
    const knex = openDatabase({ client: 'better-sqlite3', filename: sqliteFile });
    await knex.migrate.latest({ directory: path.resolve(__dirname, '../../migrations') });
    return {
      knex,
      sqliteFile,
      close: async () => {
        await knex.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  // both databases at once: each run mostly waits on its database and on Dovecot, so together they take little longer than one
  it.concurrent.each(databases.eachSupportedId())(
    `on %s: stores each of ${TOTAL} messages exactly once while the syncing process is killed at random points`,
    async (databaseId: TestDatabaseId) => {
      const db = await sharedDatabase(databaseId);
      try {
        await expect(crashScenario(databaseId, db.knex, db.sqliteFile)).resolves.toBeUndefined();
      } finally {
        await db.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  async function crashScenario(databaseId: TestDatabaseId, knex: Knex, sqliteFile: string | undefined) {
    const server = await dovecot();
    const user = `crash${nextUser++}`;
    const password = USERS[user];
    const mailRoot = path.join(server.dir, 'mail');
    fillMaildir(mailRoot, user, 'INBOX', mailbox.inbox);
    fillMaildir(mailRoot, user, 'Archive', mailbox.archive, mailbox.inbox.length);
    chownMail(mailRoot, user);
    const snapshot = await serverSnapshot(server, user, password);
    expect([...snapshot.values()].reduce((n, f) => n + f.keys.size, 0)).toBe(TOTAL);
    const distinctKeys = new Set([...snapshot.values()].flatMap(f => [...f.keys.values()]));

    const services = mail(knex);
    const account = await connectAccount(services, server, user, password, FOLDERS);
    const input: SyncWorkerInput = { database: describeDatabase(knex, sqliteFile), accountId: account.id, key: TEST_KEY, batchSize: 50 };
    const rng = random(SEED + databases.eachSupportedId().flat().indexOf(databaseId));
    const context = `CRASH_SEED=${SEED} on ${databaseId}`;

    /** Kills at random moments, restarting each time, until a run completes. */
    async function syncThroughKills(kills: number, truth: Snapshot, kill: () => Kill, probe?: () => Promise<boolean>) {
      const log: Array<{ afterMs: number; copies: number; messages: number; pending: number; probe?: boolean }> = [];
      for (let attempt = 0; ; attempt++) {
        if (attempt > kills + 20) throw new Error(`${context}: no run completed after ${attempt} starts`);
        const run = await runWorker(input, log.length < kills ? kill() : undefined);
        if (run.outcome === 'failed') throw new Error(`${context}: sync process failed: ${run.stderr}`);
        if (run.outcome === 'done') return { log, output: run.output };
        const now = await progress(knex);
        log.push({ afterMs: run.afterMs, ...now, ...(probe ? { probe: await probe() } : {}) });
        await expectCursorCoversExactly(knex, account.id, truth, `${context}, after kill ${log.length} at ${run.afterMs} ms`);
      }
    }

    const t0 = Date.now();
    // kill points spread over the whole sync whatever its speed: kill i comes a random 0–400 ms after the
    // store first holds a random number of copies (sorted, so each restart has work left to be killed in)
    const targets = Array.from({ length: KILLS }, () => Math.round(100 + rng() * (TOTAL - 200))).sort((a, b) => a - b);
    const storedCopies = async () => Number((await knex('mail_copies').where({ account_id: account.id }).count('* as n').first())?.n ?? 0);
    let killIndex = 0;
    const { log } = await syncThroughKills(KILLS, snapshot, () => {
      const target = targets[killIndex++];
      return { when: async () => (await storedCopies()) >= target, afterMs: Math.round(rng() * 400) };
    });
    const tSync = Date.now() - t0;
    // every kill hit an unfinished run (the process never printed `done`), each restart got further
    expect(log.length).toBe(KILLS);
    for (let i = 0; i < log.length; i++) expect(log[i].copies).toBeGreaterThanOrEqual(targets[i]);

    // a final run after the completed one: nothing new, nothing pending
    const final = await runWorker(input);
    if (final.outcome !== 'done') throw new Error(`${context}: the final run did not complete: ${JSON.stringify(final)}`);
    expect(final.output.result.folders.map(f => [f.added, f.deleted])).toEqual([
      [0, 0],
      [0, 0],
    ]);

    await expectCursorCoversExactly(knex, account.id, snapshot, `${context}, at the end`);
    const state = await storeState(knex, account.id);
    for (const [folderPath, truth] of snapshot) expect({ folderPath, lastUid: state.get(folderPath)!.lastUid }).toEqual({ folderPath, lastUid: Math.max(...truth.keys.keys()) });

    // every server copy once: unique (folder, UIDVALIDITY, UID), as many as the server holds
    const copies = await knex('mail_copies').where({ account_id: account.id }).select('folder_id', 'uid_validity', 'uid', 'deleted_at');
    expect(copies).toHaveLength(TOTAL);
    expect(copies.filter(c => c.deleted_at !== null)).toHaveLength(0);
    expect(new Set(copies.map(c => `${c.folder_id}/${c.uid_validity}/${c.uid}`)).size).toBe(TOTAL);
    // every logical message once: one row per distinct key on the server, none extra
    const messages = await knex('mail_messages').select('id', 'message_key', 'parse_status', 'parse_error');
    expect(messages).toHaveLength(distinctKeys.size);
    expect(new Set(messages.map(m => m.message_key))).toEqual(distinctKeys);
    expect(distinctKeys.size).toBeLessThan(TOTAL); // the Archive's copies of INBOX mail are the same logical messages

    // nothing pending; the header bombs (and only they) failed, with the parser's reason
    const byStatus = (s: string) => messages.filter(m => m.parse_status === s);
    expect(byStatus('pending')).toHaveLength(0);
    const bombKeys = new Set(mailbox.headerBombs.map(n => `m:bomb-${n}@spam.example`));
    expect(new Set(byStatus('failed').map(m => m.message_key))).toEqual(bombKeys);
    for (const m of byStatus('failed')) expect(m.parse_error).toMatch(/Max header size/);
    expect(byStatus('parsed')).toHaveLength(distinctKeys.size - bombKeys.size);
    const syncState = await services.sync.syncState(account.id);
    expect(syncState.counts).toMatchObject({ messages: distinctKeys.size, parsed: distinctKeys.size - bombKeys.size, failed: bombKeys.size, pending: 0, deleted: 0 });
    expect(syncState.failures).toHaveLength(bombKeys.size);
    expect(syncState.lastError).toBeNull();

    // the after-parse pipeline caught up too: a kill between parse and hook left nothing unindexed or unrouted
    const { hooks } = final.output;
    const parsedRows = await knex('mail_messages').where({ parse_status: 'parsed' }).select('route_status', 'search_text');
    expect(hooks).toContain('routing');
    expect({
      unrouted: parsedRows.filter(m => m.route_status !== 'routed').length,
      // the search hook is webmail's; until it is registered there is nothing to index
      unindexed: hooks.includes('search') ? parsedRows.filter(m => m.search_text === null).length : 0,
    }).toEqual({ unrouted: 0, unindexed: 0 });

    // Chinese charsets survived the crashes (raw 8-bit GBK header, GBK body, Big5)
    const subject = async (key: string) => (await knex('mail_messages').where({ message_key: key }).first('subject', 'text_body')) as { subject: string; text_body: string };
    expect(await subject('m:special-113@customer.example')).toMatchObject({ subject: '镕铭科技合同续签', text_body: expect.stringContaining('合同将于下月到期') });
    expect(await subject('m:special-313@customer.example')).toMatchObject({ subject: '发票已寄出' });
    expect(await subject('m:special-213@customer.example')).toMatchObject({ subject: '臺灣分公司訂單' });

    // UIDVALIDITY change of the Archive (forced with doveadm), killed once during the full resync
    const archive = snapshot.get('Archive')!;
    const before = state.get('Archive')!.copies;
    const newValidity = Number(archive.uidValidity) + 1000;
    server.setUidValidity(user, 'Archive', newValidity);
    const resyncSnapshot = await serverSnapshot(server, user, password);
    expect(resyncSnapshot.get('Archive')!.uidValidity).toBe(String(newValidity));
    // killed at a random moment once the re-import of the Archive is under way
    const archiveFolder = await knex('mail_folders').where({ account_id: account.id, path: 'Archive' }).first('id');
    const resyncing = async () => {
      const f = await knex('mail_folders').where({ id: archiveFolder.id }).first('resync_from_uid_validity', 'last_uid');
      return !!f.resync_from_uid_validity && Number(f.last_uid) > 0;
    };
    const resync = await syncThroughKills(1, resyncSnapshot, () => ({ when: resyncing, afterMs: Math.round(rng() * 150) }), resyncing);
    // the kill hit the resync half-way (probe: still resyncing afterwards), no copy went missing or doubled meanwhile
    expect(resync.log).toEqual([expect.objectContaining({ copies: TOTAL, probe: true })]);
    expect(resync.output.result.folders[1]).toMatchObject({ path: 'Archive', fullResync: true });
    await expectCursorCoversExactly(knex, account.id, resyncSnapshot, `${context}, after the resync`);
    const after = (await storeState(knex, account.id)).get('Archive')!;
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ context, tSync, log, resync: resync.log, total: Date.now() - t0 }));
    expect(after.resyncFrom).toBeNull();
    expect(after.copies.every(c => c.uidValidity === String(newValidity))).toBe(true);
    // the same copy rows re-keyed, none doubled, no new logical message
    expect(after.copies.map(c => c.copyId).sort()).toEqual(before.map(c => c.copyId).sort());
    expect(Number((await knex('mail_copies').where({ account_id: account.id }).count('* as n').first())?.n)).toBe(TOTAL);
    expect(Number((await knex('mail_messages').count('* as n').first())?.n)).toBe(distinctKeys.size);
  }
});
