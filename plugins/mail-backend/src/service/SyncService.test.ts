import { createHash } from 'crypto';
import type { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { DatabaseRawStore, RawStore } from '../database/RawStore';
import { rawRef } from '../mime/messageKey';
import { MessageParser, ParsedMail, StreamingMessageParser } from '../mime/MessageParser';
import { MailError } from '../errors';
import { ImapLogin, defaultImapClientFactory } from './imapClient';
import { DovecotServer } from '../testUtils/dovecot';
import { corpus } from '../__testUtils__/corpus';
import { bigAttachmentMessage } from '../crash/__testUtils__/bulkCorpus';
import { append, connectAccount, databases, mail, migratedDatabase, withImap } from '../__testUtils__/mailTestBed';
import { describeWithDovecot } from '../__testUtils__/dovecotSuite';

jest.setTimeout(60_000);

const USERS = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`u${i}`, `pw-${i}`]));
let server: DovecotServer;
let nextUser = 0;
/** A fresh mailbox per test, so tests never see each other's mail. */
const freshUser = () => {
  const user = `u${nextUser++}`;
  return { user, password: USERS[user] };
};

async function rowCounts(knex: Knex) {
  const n = async (table: string) => Number((await knex(table).count('* as n').first())?.n ?? 0);
  return { messages: await n('mail_messages'), copies: await n('mail_copies'), raw: await n('mail_raw') };
}

async function liveCopies(knex: Knex, accountId: string) {
  return knex('mail_copies').where({ account_id: accountId }).whereNull('deleted_at').orderBy('uid').select('id', 'uid', 'uid_validity', 'message_id', 'flags');
}

const BIG_ATTACHMENT = 6 * 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function streamed(raw: DatabaseRawStore, ref: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of (await raw.stream(ref)).stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function messageByKey(knex: Knex, key: string) {
  return knex('mail_messages').where({ message_key: key }).first();
}

const describeDovecot = describeWithDovecot();

describeDovecot('IMAP sync against Dovecot', () => {
  beforeAll(async () => {
    server = await DovecotServer.start(USERS);
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe.each(databases.eachSupportedId())('on %s', (databaseId: TestDatabaseId) => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await migratedDatabase(databaseId);
    });

    it('imports the whole corpus once, decoding Chinese charsets, keeping every raw byte', async () => {
      const { user, password } = freshUser();
      const raws = Object.values(corpus).map(build => build());
      await append(server, user, password, raws);
      const services = mail(knex);
      const account = await connectAccount(services, server, user, password);

      const result = await services.sync.syncAccount(account.id);
      expect(result.folders).toEqual([{ path: 'INBOX', added: raws.length, flagsUpdated: 0, deleted: 0, fullResync: false, changeDetection: 'none' }]);
      expect(await rowCounts(knex)).toEqual({ messages: raws.length, copies: raws.length, raw: raws.length });

      // nothing lost: every raw comes back byte for byte
      const rawStore = new DatabaseRawStore(knex);
      for (const raw of raws) expect((await rawStore.get(rawRef(raw))).equals(raw)).toBe(true);

      const get = async (key: string) => (await services.messages.message((await messageByKey(knex, key)).id))!;
      const gb2312 = await get('m:gb2312-1@customer.example');
      expect(gb2312.subject).toBe('关于报价的问题');
      expect(gb2312.text).toContain('您好，请发送最新报价单。');

      const gbk = await get('m:gbk-1@customer.example');
      expect(gbk.subject).toBe('镕铭科技合同续签');
      expect(gbk.from).toEqual([{ name: '张伟', address: 'zhangwei@customer.example' }]);
      expect(gbk.text).toContain('合同将于下月到期，请安排续签。');

      const big5 = await get('m:big5-1@customer.example');
      expect(big5.subject).toBe('臺灣分公司訂單');
      expect(big5.text).toContain('請確認訂單數量。');

      const rawGbk = await get('m:rawgbk-1@customer.example');
      expect(rawGbk.subject).toBe('发票已寄出');
      expect(rawGbk.from).toEqual([{ name: '李娜', address: 'lina@customer.example' }]);
      expect(rawGbk.text).toContain('发票已通过顺丰寄出。');

      expect((await get('m:nocharset-1@customer.example')).text).toContain('这封邮件没有声明字符集。');
      expect((await get('m:nocharset-2@customer.example')).text).toContain('未声明字符集的UTF-8正文。');

      const attach = await get('m:attach-1@customer.example');
      expect(attach.text).toContain('请查收合同草稿。');
      expect(attach.attachments).toEqual([expect.objectContaining({ filename: 'contract.pdf', contentType: 'application/pdf', size: 3000 })]);

      const internal = await get('m:internal-1@corp.example');
      expect(internal.subject).toBe('周例会纪要');
      expect(internal.to).toEqual([{ name: 'Bob', address: 'bob@corp.example' }]);
      expect(internal.cc).toEqual([{ name: 'Carol', address: 'carol@corp.example' }]);
      expect(internal.replyTo).toEqual([{ name: 'Alice Team', address: 'team@corp.example' }]);
      expect(internal.html).toContain('<p>本周例会纪要见附件。</p>');
      expect(internal.inReplyTo).toBe('<earlier@corp.example>');
      expect(internal.references).toEqual(['<root@corp.example>', '<earlier@corp.example>']);

      // the date is the server's INTERNALDATE, not the parse time mailparser invents for "not a date"
      expect((await get('m:baddate-1@customer.example')).receivedAt).toBe('2026-03-01T08:00:00.000Z');

      const noId = await knex('mail_messages').where('message_key', 'like', 'h:%').select('id', 'message_id_header');
      expect(noId).toHaveLength(1);
      expect(noId[0].message_id_header).toBeNull();

      const broken = await get('m:malformed-1@customer.example');
      expect(broken.parseStatus).not.toBe('pending');
      expect(broken.text ?? '').toContain('破损的多部分邮件正文');

      const state = await services.sync.syncState(account.id);
      expect(state.counts).toEqual({ messages: raws.length, parsed: raws.length, failed: 0, pending: 0, deleted: 0 });
      expect(state.folders).toEqual([expect.objectContaining({ path: 'INBOX', lastUid: raws.length, messageCount: raws.length })]);
      expect(state.lastSyncAt).not.toBeNull();
      expect(state.lastError).toBeNull();
    });

    // Dovecot offers all three; 'condstore' is a client that does not enable QRESYNC, 'search' is Exchange's lot
    it.each([
      ['qresync', {}],
      ['condstore', { clientFactory: (login: ImapLogin) => defaultImapClientFactory(login, { qresync: false }) }],
      ['search', { sync: { disableModseq: true } }],
    ] as const)('syncs incrementally: new mail only, flag changes and expunges (%s)', async (mode, options) => {
      const { user, password } = freshUser();
      await append(server, user, password, [corpus.plain('a@x.example'), corpus.plain('b@x.example'), corpus.plain('c@x.example')]);
      const services = mail(knex, options);
      const account = await connectAccount(services, server, user, password);
      await services.sync.syncAccount(account.id);

      await append(server, user, password, [corpus.plain('d@x.example')]);
      const second = await services.sync.syncAccount(account.id);
      expect(second.folders[0]).toMatchObject({ added: 1, deleted: 0, flagsUpdated: 0, changeDetection: mode });
      expect((await rowCounts(knex)).copies).toBe(4);

      await withImap(server, user, password, async client => {
        const lock = await client.getMailboxLock('INBOX');
        try {
          await client.messageFlagsAdd('1', ['\\Seen', '\\Flagged'], { uid: true });
          await client.messageDelete('2', { uid: true });
        } finally {
          lock.release();
        }
      });
      const third = await services.sync.syncAccount(account.id);
      expect(third.folders[0]).toMatchObject({ added: 0, deleted: 1, flagsUpdated: 1, changeDetection: mode });
      const copies = await knex('mail_copies').orderBy('uid').select('uid', 'flags', 'deleted_at');
      expect(JSON.parse(copies[0].flags)).toEqual(['\\Flagged', '\\Seen']);
      expect(copies[1].deleted_at).not.toBeNull();
      expect(copies.filter(c => c.deleted_at === null)).toHaveLength(3);
      // the logical message of a deleted copy is kept (it may be linked to records)
      expect((await rowCounts(knex)).messages).toBe(4);
      expect((await services.sync.syncState(account.id)).counts).toMatchObject({ messages: 3, deleted: 1 });
    });

    it('stores every message exactly once when syncs repeat and run concurrently', async () => {
      const { user, password } = freshUser();
      await append(server, user, password, [corpus.plain('p1@x.example'), corpus.gbk(), corpus.noMessageId(), corpus.withAttachment(), corpus.big5()]);
      const services = mail(knex, { sync: { batchSize: 2 } });
      const account = await connectAccount(services, server, user, password);

      const [a, b] = await Promise.all([services.sync.syncAccount(account.id), services.sync.syncAccount(account.id)]);
      expect(a.folders[0].added + b.folders[0].added).toBeGreaterThanOrEqual(5);
      expect(await rowCounts(knex)).toEqual({ messages: 5, copies: 5, raw: 5 });

      const again = await services.sync.syncAccount(account.id);
      expect(again.folders[0]).toMatchObject({ added: 0, deleted: 0 });
      expect(await rowCounts(knex)).toEqual({ messages: 5, copies: 5, raw: 5 });
      expect((await services.sync.syncState(account.id)).counts).toMatchObject({ messages: 5, parsed: 5, pending: 0 });
    });

    it('never moves the cursor past uncommitted rows when the store fails mid-batch, and a rerun completes', async () => {
      const { user, password } = freshUser();
      const raws = Array.from({ length: 7 }, (_, i) => corpus.plain(`crash-${i}@x.example`));
      await append(server, user, password, raws);
      const real = new DatabaseRawStore(knex);
      let puts = 0;
      const failing: RawStore = {
        get: ref => real.get(ref),
        put: async (trx, ref, raw) => {
          // the 5th message: in the middle of the second batch of three
          if (++puts === 5) throw new Error('disk full (injected)');
          await real.put(trx, ref, raw);
        },
      };
      const crashing = mail(knex, { raw: failing, sync: { batchSize: 3 } });
      const account = await connectAccount(crashing, server, user, password);
      await expect(crashing.sync.syncAccount(account.id)).rejects.toThrow('disk full (injected)');

      const folder = await knex('mail_folders').where({ account_id: account.id }).first();
      expect(Number(folder.last_uid)).toBe(3);
      expect(await rowCounts(knex)).toEqual({ messages: 3, copies: 3, raw: 3 });
      expect((await crashing.sync.syncState(account.id)).lastError).toBe('disk full (injected)');

      const healthy = mail(knex, { sync: { batchSize: 3 } });
      await healthy.sync.syncAccount(account.id);
      expect(await rowCounts(knex)).toEqual({ messages: 7, copies: 7, raw: 7 });
      const uids = (await liveCopies(knex, account.id)).map(c => Number(c.uid));
      expect(uids).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect((await healthy.sync.syncState(account.id)).lastError).toBeNull();
    });

    it('re-keys copies on a UIDVALIDITY change without duplicating anything', async () => {
      const { user, password } = freshUser();
      await append(server, user, password, [corpus.plain('v1@x.example'), corpus.noMessageId('uv'), corpus.gb2312()]);
      const services = mail(knex);
      const account = await connectAccount(services, server, user, password);
      await services.sync.syncAccount(account.id);
      const before = await liveCopies(knex, account.id);
      expect(before).toHaveLength(3);

      const newValidity = Number(before[0].uid_validity) + 1000;
      server.setUidValidity(user, 'INBOX', newValidity);
      const result = await services.sync.syncAccount(account.id);
      expect(result.folders[0]).toMatchObject({ fullResync: true, added: 3, deleted: 0 });

      const after = await liveCopies(knex, account.id);
      expect(after.map(c => c.uid_validity)).toEqual([String(newValidity), String(newValidity), String(newValidity)]);
      // the same copy rows, re-keyed, linked to the same logical messages
      expect(after.map(c => [c.id, c.message_id]).sort()).toEqual(before.map(c => [c.id, c.message_id]).sort());
      expect(await rowCounts(knex)).toEqual({ messages: 3, copies: 3, raw: 3 });
      const folder = await knex('mail_folders').where({ account_id: account.id }).first();
      expect(folder.resync_from_uid_validity).toBeNull();

      const next = await services.sync.syncAccount(account.id);
      expect(next.folders[0]).toMatchObject({ fullResync: false, added: 0, deleted: 0 });
    });

    it('resumes a full resync interrupted mid-way, still without duplicates', async () => {
      const { user, password } = freshUser();
      await append(server, user, password, [corpus.plain('r1@x.example'), corpus.plain('r2@x.example'), corpus.noMessageId('resume')]);
      const account = await connectAccount(mail(knex), server, user, password);
      await mail(knex).sync.syncAccount(account.id);
      const before = await liveCopies(knex, account.id);
      const oldValidity = before[0].uid_validity;
      server.setUidValidity(user, 'INBOX', Number(oldValidity) + 7);

      const real = new DatabaseRawStore(knex);
      let puts = 0;
      const failing: RawStore = {
        get: ref => real.get(ref),
        put: async (trx, ref, raw) => {
          if (++puts === 2) throw new Error('interrupted (injected)');
          await real.put(trx, ref, raw);
        },
      };
      await expect(mail(knex, { raw: failing, sync: { batchSize: 1 } }).sync.syncAccount(account.id)).rejects.toThrow('interrupted');
      const midway = await knex('mail_folders').where({ account_id: account.id }).first();
      expect(midway).toMatchObject({ uid_validity: String(Number(oldValidity) + 7), resync_from_uid_validity: oldValidity });
      expect(Number(midway.last_uid)).toBe(1);
      // one copy re-keyed, two still waiting under the old UIDVALIDITY; none doubled
      expect((await liveCopies(knex, account.id)).map(c => c.uid_validity).sort()).toEqual([oldValidity, oldValidity, midway.uid_validity].sort());

      const result = await mail(knex).sync.syncAccount(account.id);
      expect(result.folders[0]).toMatchObject({ fullResync: true, added: 2, deleted: 0 });
      const after = await liveCopies(knex, account.id);
      expect(after.map(c => c.uid_validity)).toEqual(Array(3).fill(midway.uid_validity));
      expect(after.map(c => c.id).sort()).toEqual(before.map(c => c.id).sort());
      expect(await rowCounts(knex)).toEqual({ messages: 3, copies: 3, raw: 3 });
      expect((await knex('mail_folders').where({ account_id: account.id }).first()).resync_from_uid_validity).toBeNull();
    });

    it('writes a message over the streaming threshold in chunk rows while it downloads, parsed from them, stored once for two mailboxes, and orphans are cleared', async () => {
      const one = freshUser();
      const two = freshUser();
      const big = bigAttachmentMessage(BIG_ATTACHMENT);
      const before = corpus.plain('before-big@customer.example');
      const after = corpus.plain('after-big@customer.example');
      await append(server, one.user, one.password, [before, big, after]);
      await append(server, two.user, two.password, [big]);
      const services = mail(knex);
      const raw = new DatabaseRawStore(knex);

      const first = await connectAccount(services, server, one.user, one.password);
      const result = await services.sync.syncAccount(first.id);
      expect(result).toMatchObject({ parsed: 3, failed: 0 });
      expect(result.folders[0]).toMatchObject({ added: 3 });
      expect(Number((await knex('mail_folders').where({ account_id: first.id }).first()).last_uid)).toBe(3);

      // the big one: no content in its mail_raw row, ~1 MB chunk rows instead, the same bytes when read back
      const row = await knex('mail_raw').where({ ref: rawRef(big) }).first('size', 'content', 'chunks_id');
      expect(row.chunks_id).toEqual(expect.any(String));
      expect(Buffer.from(row.content).length).toBe(0);
      expect(Number(row.size)).toBe(big.length);
      const chunkRows = Number((await knex('mail_raw_chunks').where({ upload_id: row.chunks_id }).count('* as n').first())?.n);
      expect(chunkRows).toBeGreaterThanOrEqual(Math.floor(big.length / (1024 * 1024)));
      expect(sha(await raw.get(rawRef(big)))).toBe(sha(big));
      expect(sha(await streamed(raw, rawRef(big)))).toBe(sha(big));
      // the small ones around it as whole rows
      expect((await knex('mail_raw').where({ ref: rawRef(before) }).first('chunks_id')).chunks_id).toBeNull();

      const message = await knex('mail_messages').where({ message_key: 'm:big-attachment@customer.example' }).first();
      expect(message).toMatchObject({ parse_status: 'parsed', subject: '设计图纸（100 MB）', raw_ref: rawRef(big) });
      expect(JSON.parse(message.attachments_json)).toEqual([expect.objectContaining({ filename: 'drawings.bin', size: BIG_ATTACHMENT })]);

      // an upload a crash left behind, a day old, references nothing: the next staging removes it
      await knex('mail_raw_chunks').insert({ upload_id: 'orphan-upload', seq: 0, content: Buffer.from('x'), created_at: new Date(Date.now() - 25 * 3600_000) });

      // the same big message in a second mailbox: downloaded again, but kept once (the second upload goes)
      const second = await connectAccount(services, server, two.user, two.password);
      await services.sync.syncAccount(second.id);
      expect(Number((await knex('mail_raw').count('* as n').first())?.n)).toBe(3);
      const allChunks: Array<{ upload_id: string }> = await knex('mail_raw_chunks').distinct('upload_id');
      expect(allChunks.map(c => c.upload_id)).toEqual([row.chunks_id]);
      expect(await services.messages.copiesOf(message.id)).toHaveLength(2);
    });

    it('stores the same mail in two accounts once and links it twice', async () => {
      const personal = freshUser();
      const group = freshUser();
      const shared = [corpus.plain('shared-1@customer.example'), corpus.noMessageId('shared without id')];
      await append(server, personal.user, personal.password, shared);
      await append(server, group.user, group.password, [...shared, corpus.big5()]);
      const services = mail(knex);
      const a = await connectAccount(services, server, personal.user, personal.password);
      const b = await connectAccount(services, server, group.user, group.password);
      await services.sync.syncAccount(a.id);
      await services.sync.syncAccount(b.id);

      expect(await rowCounts(knex)).toEqual({ messages: 3, copies: 5, raw: 3 });
      const message = await messageByKey(knex, 'm:shared-1@customer.example');
      const copies = await services.messages.copiesOf(message.id);
      expect(copies.map(c => c.accountId).sort()).toEqual([a.id, b.id].sort());
      const hashed = await knex('mail_messages').where('message_key', 'like', 'h:%').select('id');
      expect(hashed).toHaveLength(1);
      expect(await services.messages.copiesOf(hashed[0].id)).toHaveLength(2);
    });

    it('records a message that fails to parse, keeps its raw, and re-parses it on retry', async () => {
      const { user, password } = freshUser();
      const bad = Buffer.concat([Buffer.from('X-Break: yes\r\n'), corpus.plain('bad-1@x.example')]);
      await append(server, user, password, [corpus.plain('good-1@x.example'), bad, corpus.plain('good-2@x.example')]);
      const real = new StreamingMessageParser();
      let fixed = false;
      const parser: MessageParser = {
        parse: async (raw: Buffer): Promise<ParsedMail> => {
          if (!fixed && raw.includes('X-Break: yes')) throw new Error('unsupported structure (injected)');
          return real.parse(raw);
        },
      };
      const services = mail(knex, { parser });
      const account = await connectAccount(services, server, user, password);
      const result = await services.sync.syncAccount(account.id);
      expect(result).toMatchObject({ parsed: 2, failed: 1 });

      const state = await services.sync.syncState(account.id);
      expect(state.counts).toMatchObject({ messages: 3, parsed: 2, failed: 1 });
      expect(state.failures).toEqual([expect.objectContaining({ messageKey: 'm:bad-1@x.example', reason: 'unsupported structure (injected)', attempts: 1 })]);
      // the cursor went past it, but it is stored, raw included
      expect(Number((await knex('mail_folders').first()).last_uid)).toBe(3);
      const failedId = state.failures[0].messageId;
      expect((await new DatabaseRawStore(knex).get(rawRef(bad))).equals(bad)).toBe(true);

      // a second sync neither loses nor duplicates it
      await services.sync.syncAccount(account.id);
      expect(await rowCounts(knex)).toEqual({ messages: 3, copies: 3, raw: 3 });

      fixed = true;
      await expect(services.sync.retryFailed(failedId)).resolves.toBe(true);
      const message = await services.messages.message(failedId);
      expect(message).toMatchObject({ parseStatus: 'parsed', parseError: null, subject: 'Quarterly order' });
      expect((await services.sync.syncState(account.id)).failures).toEqual([]);
      await expect(services.sync.retryFailed(failedId)).rejects.toMatchObject({ status: 409, key: 'notFailed' });
      await expect(services.sync.retryFailed('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(MailError);
    });

    it('stores the IMAP password encrypted and never returns it', async () => {
      const { user, password } = freshUser();
      const services = mail(knex);
      const account = await connectAccount(services, server, user, password);
      const row = await knex('mail_accounts').where({ id: account.id }).first();
      expect(row.imap_password_enc).toMatch(/^v1:/);
      expect(row.imap_password_enc).not.toContain(password);
      expect(Buffer.from(row.imap_password_enc.slice(3), 'base64').toString('latin1')).not.toContain(password);
      expect(JSON.stringify(account)).not.toContain(password);
      expect(JSON.stringify(await services.accounts.get(account.id))).not.toContain(password);
      expect(JSON.stringify(await services.accounts.list(account.owner))).not.toContain('v1:');
      // and it still logs in: the sync decrypts it
      await append(server, user, password, [corpus.plain('pw@x.example')]);
      await expect(services.sync.syncAccount(account.id)).resolves.toMatchObject({ parsed: 1 });
    });
  });
});
