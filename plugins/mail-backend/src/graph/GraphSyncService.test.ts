import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import { createMail } from '../createMail';
import { PasswordCipher } from '../service/PasswordCipher';
import { DatabaseRawStore, RawStore } from '../database/RawStore';
import { rawRef } from '../mime/messageKey';
import { MessageParser, StreamingMessageParser } from '../mime/MessageParser';
import { corpus } from '../__testUtils__/corpus';
import { TEST_KEY, databases, mail, migratedDatabase, requiredDatabases } from '../__testUtils__/mailTestBed';
import { FakeGraph, graphConfig } from './__testUtils__/fakeGraph';
import { createGraph, graphOf, GraphServices } from '.';

jest.setTimeout(60_000);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const config = new ConfigReader({ mail: { microsoft: graphConfig } });

/** A Microsoft 365 mailbox as the accounts API stores it (no IMAP settings). */
async function graphAccount(knex: Knex, mailbox: string, folders: string[] = ['inbox']): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await knex('mail_accounts').insert({
    id,
    owner: 'user:default/sales-admin',
    display_name: '销售部邮箱',
    email: mailbox,
    imap_host: '',
    imap_port: 0,
    imap_secure: false,
    imap_user: '',
    imap_password_enc: '',
    folders: JSON.stringify(folders),
    version: 1,
    created_by: 'user:default/sales-admin',
    created_at: now,
    updated_by: 'user:default/sales-admin',
    updated_at: now,
    provider: 'graph',
    kind: 'shared',
    graph_mailbox: mailbox,
  });
  return id;
}

async function rowCounts(knex: Knex) {
  const n = async (table: string) => Number((await knex(table).count('* as n').first())?.n ?? 0);
  return { messages: await n('mail_messages'), copies: await n('mail_copies'), raw: await n('mail_raw') };
}

const liveCopies = (knex: Knex, accountId: string) =>
  knex('mail_copies as c')
    .join('mail_folders as f', 'f.id', 'c.folder_id')
    .where('c.account_id', accountId)
    .whereNull('c.deleted_at')
    .orderBy(['f.path', 'c.uid'])
    .select('f.path', 'c.uid', 'c.uid_validity', 'c.remote_id', 'c.message_id', 'c.flags');

const folderRow = (knex: Knex, accountId: string, path: string) => knex('mail_folders').where({ account_id: accountId, path }).first();

const raws = (n: number, prefix = 'g') => Array.from({ length: n }, (_, i) => corpus.plain(`${prefix}-${i}@customer.example`));

it('runs on every required database', () => {
  expect(databases.eachSupportedId().flat()).toEqual(expect.arrayContaining(requiredDatabases));
});

describe.each(databases.eachSupportedId())('Microsoft 365 sync on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let fake: FakeGraph;
  let waits: number[];

  beforeEach(async () => {
    knex = await migratedDatabase(databaseId);
    fake = new FakeGraph();
    waits = [];
    server.use(...fake.handlers());
  });

  function graph(options: { raw?: RawStore; parser?: MessageParser; pageSize?: number } = {}): { graph: GraphServices; services: ReturnType<typeof mail> } {
    const services = mail(knex, { raw: options.raw, parser: options.parser });
    const created = createGraph(services, config, {
      retry: {
        sleep: async ms => {
          waits.push(ms);
        },
      },
      sync: { pageSize: options.pageSize ?? 50, downloadConcurrency: 2 },
    });
    return { graph: created!, services };
  }

  it('imports a folder through several delta pages, once, with immutable ids and the raw kept', async () => {
    fake.pageSize = 2;
    const mails = [...raws(5), corpus.gbk(), corpus.withAttachment()];
    const ids = mails.map(raw => fake.deliver(raw));
    const { graph: g, services } = graph();
    const parsedHook: string[][] = [];
    services.hooks.push({ name: 'probe', afterParsed: async messageIds => void parsedHook.push(messageIds) });
    const accountId = await graphAccount(knex, fake.mailbox);

    const result = await g.sync.syncAccount(accountId);
    expect(result).toEqual({
      accountId,
      folders: [{ path: 'inbox', added: 7, flagsUpdated: 0, deleted: 0, fullResync: false, changeDetection: 'delta' }],
      parsed: 7,
      failed: 0,
    });
    // 4 pages: the first request and three next links
    expect(fake.count('GET', '/messages/delta')).toBe(4);
    expect(fake.requests.filter(r => r.path.endsWith('/messages/delta') && r.query.has('$skiptoken'))).toHaveLength(3);
    expect(fake.requests.filter(r => r.path.endsWith('/messages/delta')).every(r => r.prefer?.includes('IdType="ImmutableId"'))).toBe(true);
    expect(fake.count('GET', '/$value')).toBe(7);
    // one token for the whole run
    expect(fake.tokenRequests).toBe(1);

    expect(await rowCounts(knex)).toEqual({ messages: 7, copies: 7, raw: 7 });
    const copies = await liveCopies(knex, accountId);
    expect(copies.map(c => Number(c.uid))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(copies.every(c => c.uid_validity === 'graph')).toBe(true);
    expect(copies.map(c => c.remote_id).sort()).toEqual([...ids].sort());
    const store = new DatabaseRawStore(knex);
    for (const raw of mails) expect((await store.get(rawRef(raw))).equals(raw)).toBe(true);

    const gbk = await knex('mail_messages').where({ message_key: 'm:gbk-1@customer.example' }).first();
    expect(gbk.subject).toBe('镕铭科技合同续签');
    expect(parsedHook.flat().sort()).toEqual((await knex('mail_messages').select('id')).map(r => r.id).sort());

    const folder = await folderRow(knex, accountId, 'inbox');
    expect(folder.remote_id).toBe(fake.folderId('inbox'));
    expect(folder.delta_link).toMatch(/\$deltatoken=/);
    expect(folder.special_use).toBe('\\Inbox');
    // the sync-state endpoint reads the same tables as for IMAP
    const state = await services.sync.syncState(accountId);
    expect(state.counts).toEqual({ messages: 7, parsed: 7, failed: 0, pending: 0, deleted: 0 });
    expect(state.folders).toEqual([expect.objectContaining({ path: 'inbox', uidValidity: 'graph', lastUid: 7, messageCount: 7 })]);
    expect(state.lastError).toBeNull();
  });

  it('applies incremental deltas: new mail, flags, @removed and moves between folders', async () => {
    const [a, b, c, d] = raws(4).map(raw => fake.deliver(raw));
    const { graph: g } = graph();
    const accountId = await graphAccount(knex, fake.mailbox, ['inbox', 'archive']);
    await g.sync.syncAccount(accountId);
    const downloads = fake.count('GET', '/$value');

    const e = fake.deliver(corpus.plain('new-1@customer.example'));
    fake.update(a, { isRead: true, flagged: true });
    fake.remove(b);
    fake.move(c, 'archive');
    const second = await g.sync.syncAccount(accountId);
    expect(second.folders).toEqual([
      { path: 'inbox', added: 1, flagsUpdated: 1, deleted: 2, fullResync: false, changeDetection: 'delta' },
      { path: 'archive', added: 1, flagsUpdated: 0, deleted: 0, fullResync: false, changeDetection: 'delta' },
    ]);
    // only the new message was downloaded: the moved one kept its immutable id
    expect(fake.count('GET', '/$value')).toBe(downloads + 1);
    // incremental requests continue from the stored delta link
    expect(fake.requests.filter(r => r.path.endsWith('/messages/delta') && r.query.has('$deltatoken')).length).toBeGreaterThanOrEqual(2);

    const copies = await liveCopies(knex, accountId);
    expect(copies.map(x => [x.path, x.remote_id])).toEqual([
      ['archive', c],
      ['inbox', a],
      ['inbox', d],
      ['inbox', e],
    ]);
    expect(JSON.parse(copies.find(x => x.remote_id === a).flags)).toEqual(['\\Flagged', '\\Seen']);
    expect(Number(copies.find(x => x.remote_id === e).uid)).toBe(5);
    // the move is one logical message with a deleted copy in the inbox and a live one in the archive
    const moved = await knex('mail_copies').where({ remote_id: c }).orderBy('created_at').select('message_id', 'deleted_at');
    expect(moved).toHaveLength(2);
    expect(new Set(moved.map(m => m.message_id)).size).toBe(1);
    expect(await rowCounts(knex)).toEqual({ messages: 5, copies: 6, raw: 5 });

    // nothing changed: nothing happens
    const third = await g.sync.syncAccount(accountId);
    expect(third.folders.map(f => [f.added, f.flagsUpdated, f.deleted])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);

    // moved back: the inbox copy is live again rather than a second copy
    fake.move(c, 'inbox');
    fake.update(a, { isRead: false, flagged: false });
    const fourth = await g.sync.syncAccount(accountId);
    expect(fourth.folders).toEqual([
      expect.objectContaining({ path: 'inbox', added: 1, flagsUpdated: 1, deleted: 0 }),
      expect.objectContaining({ path: 'archive', added: 0, deleted: 1 }),
    ]);
    expect(await rowCounts(knex)).toEqual({ messages: 5, copies: 6, raw: 5 });
    expect(JSON.parse((await knex('mail_copies').where({ remote_id: a }).first()).flags)).toEqual([]);
  });

  it('syncs the inbox and sent items by default; the same mail in both is one message with two copies', async () => {
    const shared = corpus.plain('both@customer.example');
    fake.deliver(shared, 'inbox');
    // Exchange's copy of the same mail in another folder need not be the same bytes
    fake.deliver(Buffer.concat([Buffer.from('X-MS-Exchange-Organization-SCL: -1\r\n'), shared]), 'sentitems', { isRead: true });
    fake.deliver(corpus.plain('only-sent@corp.example'), 'sentitems', { isRead: true });
    const { graph: g } = graph();
    const accountId = await graphAccount(knex, fake.mailbox, []);
    const result = await g.sync.syncAccount(accountId);
    expect(result.folders.map(f => [f.path, f.added])).toEqual([
      ['inbox', 1],
      ['sentitems', 2],
    ]);
    expect(await rowCounts(knex)).toEqual({ messages: 2, copies: 3, raw: 2 });
    expect((await folderRow(knex, accountId, 'sentitems')).special_use).toBe('\\Sent');
  });

  it('resyncs idempotently when the delta link expired (410): no duplicates, unseen copies deleted', async () => {
    const ids = raws(4).map(raw => fake.deliver(raw));
    fake.pageSize = 3;
    const { graph: g } = graph();
    const accountId = await graphAccount(knex, fake.mailbox);
    await g.sync.syncAccount(accountId);
    const before = await liveCopies(knex, accountId);

    // while the link was dead: one mail deleted without a trace, one new, one read
    fake.remove(ids[1], { silently: true });
    const added = fake.deliver(corpus.plain('during-outage@customer.example'));
    fake.update(ids[2], { isRead: true });
    fake.expireDeltaLinks();

    const result = await g.sync.syncAccount(accountId);
    expect(result.folders).toEqual([{ path: 'inbox', added: 1, flagsUpdated: 1, deleted: 1, fullResync: true, changeDetection: 'delta' }]);
    expect(fake.requests.some(r => r.path.endsWith('/messages/delta') && r.query.has('$deltatoken'))).toBe(true);
    const after = await liveCopies(knex, accountId);
    expect(after.map(c => c.remote_id)).toEqual([ids[0], ids[2], ids[3], added]);
    // the copies seen again are the same rows (same uids), the new one continues the sequence
    expect(after.slice(0, 3).map(c => Number(c.uid))).toEqual(before.filter(c => c.remote_id !== ids[1]).map(c => Number(c.uid)));
    expect(Number(after[3].uid)).toBe(5);
    expect(await rowCounts(knex)).toEqual({ messages: 5, copies: 5, raw: 5 });
    const folder = await folderRow(knex, accountId, 'inbox');
    expect(folder.resync_from_uid_validity).toBeNull();
    expect(folder.delta_link).toMatch(/\$deltatoken=/);

    // and the new link works incrementally again
    const next = await g.sync.syncAccount(accountId);
    expect(next.folders[0]).toMatchObject({ added: 0, deleted: 0, fullResync: false });
  });

  it('waits out 429 with Retry-After on reads and then succeeds', async () => {
    fake.pageSize = 2;
    raws(5).forEach(raw => fake.deliver(raw));
    fake.fail({ method: 'GET', pathEndsWith: '/messages/delta', query: '$skiptoken', status: 429, headers: { 'Retry-After': '7' } });
    fake.fail({ method: 'GET', pathEndsWith: '/$value', status: 503, headers: { 'Retry-After': '2' }, times: 2 });
    const { graph: g } = graph();
    const accountId = await graphAccount(knex, fake.mailbox);
    const result = await g.sync.syncAccount(accountId);
    expect(result.folders[0]).toMatchObject({ added: 5 });
    expect(waits.sort((x, y) => x - y)).toEqual([2000, 2000, 7000]);
    expect(await rowCounts(knex)).toEqual({ messages: 5, copies: 5, raw: 5 });
  });

  it('gives up on a Retry-After beyond its bound and records the failure; the next run completes', async () => {
    raws(2).forEach(raw => fake.deliver(raw));
    fake.fail({ method: 'GET', pathEndsWith: '/messages/delta', status: 429, headers: { 'Retry-After': '3600' } });
    const { graph: g, services } = graph();
    const accountId = await graphAccount(knex, fake.mailbox);
    await expect(g.sync.syncAccount(accountId)).rejects.toThrow();
    expect(waits).toEqual([]);
    expect((await services.sync.syncState(accountId)).lastError).toMatch(/429/);
    await g.sync.syncAccount(accountId);
    expect(await rowCounts(knex)).toEqual({ messages: 2, copies: 2, raw: 2 });
    expect((await services.sync.syncState(accountId)).lastError).toBeNull();
  });

  it('keeps every message exactly once when a run dies inside a page or between pages', async () => {
    fake.pageSize = 3;
    const ids = raws(10).map(raw => fake.deliver(raw));
    const real = new DatabaseRawStore(knex);
    let puts = 0;
    const failing: RawStore = {
      get: ref => real.get(ref),
      put: async (trx, ref, raw) => {
        // the 5th message: in the middle of the second page of three
        if (++puts === 5) throw new Error('disk full (injected)');
        await real.put(trx, ref, raw);
      },
    };
    const accountId = await graphAccount(knex, fake.mailbox);
    await expect(graph({ raw: failing }).graph.sync.syncAccount(accountId)).rejects.toThrow('disk full (injected)');
    // the first page is committed, the second rolled back, no delta link yet
    expect(await rowCounts(knex)).toEqual({ messages: 3, copies: 3, raw: 3 });
    expect((await folderRow(knex, accountId, 'inbox')).delta_link).toBeNull();

    // dies between pages: the second page is stored, the third page's request fails
    fake.fail({ method: 'GET', pathEndsWith: '/messages/delta', query: '$skiptoken', status: 500, skip: 1 });
    const { graph: g } = graph();
    await expect(g.sync.syncAccount(accountId)).rejects.toThrow();
    const partial = await rowCounts(knex);
    expect(partial).toEqual({ messages: 6, copies: 6, raw: 6 });
    expect((await folderRow(knex, accountId, 'inbox')).delta_link).toBeNull();
    const downloads = fake.count('GET', '/$value');

    const done = await g.sync.syncAccount(accountId);
    expect(done.folders[0].deleted).toBe(0);
    expect(await rowCounts(knex)).toEqual({ messages: 10, copies: 10, raw: 10 });
    const copies = await liveCopies(knex, accountId);
    expect(copies.map(c => c.remote_id).sort()).toEqual([...ids].sort());
    expect(new Set(copies.map(c => Number(c.uid))).size).toBe(10);
    // what was stored before is not downloaded again
    expect(fake.count('GET', '/$value') - downloads).toBe(10 - partial.copies);
    expect((await folderRow(knex, accountId, 'inbox')).delta_link).toMatch(/\$deltatoken=/);
  });

  it('records a message that fails to parse as failed, stored and linked, and retries it later', async () => {
    fake.deliver(corpus.plain('ok@customer.example'));
    const badId = fake.deliver(corpus.plain('bad@customer.example'));
    const real = new StreamingMessageParser();
    let broken = true;
    const parser: MessageParser = {
      parse: async raw => {
        if (broken && raw.toString('latin1').includes('bad@customer.example')) throw new Error('parser exploded (injected)');
        return real.parse(raw);
      },
    };
    const { graph: g, services } = graph({ parser });
    const accountId = await graphAccount(knex, fake.mailbox);
    const result = await g.sync.syncAccount(accountId);
    expect(result).toMatchObject({ parsed: 1, failed: 1 });
    const state = await services.sync.syncState(accountId);
    expect(state.failures).toEqual([expect.objectContaining({ messageKey: 'm:bad@customer.example', reason: 'parser exploded (injected)' })]);
    expect((await liveCopies(knex, accountId)).map(c => c.remote_id)).toContain(badId);

    broken = false;
    expect(await services.sync.retryFailed(state.failures[0].messageId)).toBe(true);
    expect((await services.sync.syncState(accountId)).counts).toMatchObject({ parsed: 2, failed: 0 });
  });

  it("pushes the webmail's flag changes to Microsoft 365 and never lets the sync undo them first", async () => {
    const [a, b] = raws(2).map(raw => fake.deliver(raw));
    const { graph: g } = graph();
    const accountId = await graphAccount(knex, fake.mailbox);
    await g.sync.syncAccount(accountId);
    const copyOf = async (remoteId: string) => knex('mail_copies').where({ remote_id: remoteId }).first();
    // what the webmail records for 已读 on a and 取消星标 on b (local at once, pushed later)
    const intent = async (remoteId: string, flag: string, value: boolean) => {
      const copy = await copyOf(remoteId);
      await knex('mail_flag_ops').insert({
        id: randomUUID(),
        copy_id: copy.id,
        account_id: accountId,
        flag,
        value,
        revision: randomUUID(),
        attempts: 0,
        created_by: 'user:default/zhangwei',
        updated_at: new Date(),
      });
    };
    fake.update(b, { flagged: true });
    await g.sync.syncAccount(accountId);
    await intent(a, '\\Seen', true);
    await knex('mail_copies').where({ remote_id: a }).update({ flags: JSON.stringify(['\\Seen']) });
    await intent(b, '\\Flagged', false);
    await knex('mail_copies').where({ remote_id: b }).update({ flags: '[]' });

    // the server changes a meanwhile (flagged in Outlook): the sync takes that, keeps the local 已读
    fake.update(a, { flagged: true });
    await g.sync.syncAccount(accountId);
    expect(JSON.parse((await copyOf(a)).flags)).toEqual(['\\Flagged', '\\Seen']);
    expect(JSON.parse((await copyOf(b)).flags)).toEqual([]);

    // throttled: kept with the reason, nothing lost
    fake.fail({ method: 'PATCH', pathEndsWith: `/messages/${a}`, status: 429, headers: { 'Retry-After': '1' } });
    await g.flagPusher.run(accountId);
    const waiting = await knex('mail_flag_ops').orderBy('flag').select('flag', 'attempts', 'last_error');
    expect(waiting).toEqual([
      { flag: '\\Flagged', attempts: 0, last_error: null },
      { flag: '\\Seen', attempts: 1, last_error: expect.stringContaining('429') },
    ]);

    await g.flagPusher.run(accountId);
    expect(Number((await knex('mail_flag_ops').count('* as n').first())?.n)).toBe(0);
    expect(fake.state(a)).toEqual({ isRead: true, flagged: true });
    expect(fake.state(b)).toEqual({ isRead: false, flagged: false });
    // the server now agrees: the next sync changes nothing
    const after = await g.sync.syncAccount(accountId);
    expect(after.folders[0]).toMatchObject({ flagsUpdated: 0 });
    expect(JSON.parse((await copyOf(a)).flags)).toEqual(['\\Flagged', '\\Seen']);
  });

  it('leaves nothing half-done when Microsoft sign-in fails and says why', async () => {
    fake.deliver(corpus.plain('x@customer.example'));
    const services = mail(knex);
    const g = createGraph(services, new ConfigReader({ mail: { microsoft: { ...graphConfig, clientSecret: 'wrong' } } }))!;
    const accountId = await graphAccount(knex, fake.mailbox);
    await expect(g.sync.syncAccount(accountId)).rejects.toThrow(/sign-in failed \(401\): AADSTS7000215/);
    expect((await services.sync.syncState(accountId)).lastError).toMatch(/AADSTS7000215/);
    expect(await rowCounts(knex)).toEqual({ messages: 0, copies: 0, raw: 0 });
    expect(await g.sync.checkMailbox(fake.mailbox)).toMatch(/AADSTS7000215/);
  });
});

describe('createGraph', () => {
  it('is undefined without mail.microsoft', async () => {
    const knex = await migratedDatabase('SQLITE_3');
    expect(createGraph(mail(knex), new ConfigReader({ mail: {} }))).toBeUndefined();
    expect(graphOf(mail(knex))).toBeUndefined();
  });

  it('is installed by createMail when configured: 立即同步 of a Graph account runs the Graph sync, flag pushes run before it', async () => {
    const knex = await migratedDatabase('SQLITE_3');
    const fake = new FakeGraph();
    server.use(...fake.handlers());
    fake.deliver(corpus.plain('wired@customer.example'));
    const services = createMail({ knex, cipher: PasswordCipher.fromBase64Key(TEST_KEY), logger: mockServices.logger.mock(), config });
    expect(graphOf(services)).toBeDefined();
    expect(services.runner.before.map(t => t.name)).toContain('graph-flag-push');
    const accountId = await graphAccount(knex, fake.mailbox, ['inbox']);
    const result = await services.syncNow(accountId);
    expect(result?.folders).toEqual([expect.objectContaining({ path: 'inbox', added: 1 })]);
    expect(await rowCounts(knex)).toEqual({ messages: 1, copies: 1, raw: 1 });
  });
});
