import { createHash } from 'crypto';
import type { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { DatabaseRawStore } from '../database/RawStore';
import { rawRef } from '../mime/messageKey';
import { DovecotServer, dovecotMode } from '../testUtils/dovecot';
import { corpus } from '../__testUtils__/corpus';
import { bigAttachmentMessage } from '../crash/__testUtils__/bulkCorpus';
import { append, connectAccount, databases, mail, migratedDatabase } from '../__testUtils__/mailTestBed';

jest.setTimeout(120_000);

/** two mailboxes per database: Dovecot outlives the databases */
const USERS: Record<string, string> = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`big${i}`, `pw-big${i}`]));
const ATTACHMENT = 6 * 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function streamed(raw: DatabaseRawStore, ref: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of (await raw.stream(ref)).stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

// Dovecot's absence is reported by SyncService.test.ts; here the suite only runs where it can
const describeDovecot = dovecotMode() === 'run' ? describe : describe.skip;

describeDovecot('a message above the streaming threshold', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await DovecotServer.start(USERS);
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe.each(databases.eachSupportedId())('on %s', (databaseId: TestDatabaseId) => {
    let knex: Knex;
    const [one, two] = databaseId === 'SQLITE_3' ? ['big0', 'big1'] : ['big2', 'big3'];
    beforeAll(async () => {
      knex = await migratedDatabase(databaseId);
    });

    it('is written in chunk rows while it downloads, parsed from them, stored once for two mailboxes, and orphans are cleared', async () => {
      const big = bigAttachmentMessage(ATTACHMENT);
      const before = corpus.plain('before-big@customer.example');
      const after = corpus.plain('after-big@customer.example');
      await append(server, one, USERS[one], [before, big, after]);
      await append(server, two, USERS[two], [big]);
      const services = mail(knex);
      const raw = new DatabaseRawStore(knex);

      const first = await connectAccount(services, server, one, USERS[one]);
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
      expect(JSON.parse(message.attachments_json)).toEqual([expect.objectContaining({ filename: 'drawings.bin', size: ATTACHMENT })]);

      // an upload a crash left behind, a day old, references nothing: the next staging removes it
      await knex('mail_raw_chunks').insert({ upload_id: 'orphan-upload', seq: 0, content: Buffer.from('x'), created_at: new Date(Date.now() - 25 * 3600_000) });

      // the same big message in a second mailbox: downloaded again, but kept once (the second upload goes)
      const second = await connectAccount(services, server, two, USERS[two]);
      await services.sync.syncAccount(second.id);
      expect(Number((await knex('mail_raw').count('* as n').first())?.n)).toBe(3);
      const allChunks: Array<{ upload_id: string }> = await knex('mail_raw_chunks').distinct('upload_id');
      expect(allChunks.map(c => c.upload_id)).toEqual([row.chunks_id]);
      expect(await services.messages.copiesOf(message.id)).toHaveLength(2);
    });
  });
});
