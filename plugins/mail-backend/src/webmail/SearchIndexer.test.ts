import type { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { StreamingMessageParser } from '../mime/MessageParser';
import { addAccount } from '../routing/__testUtils__/routingBed';
import { mime, webmailBed } from './__testUtils__/webmailBed';
import { webmailOf } from '.';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('search indexer on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
  });

  it('runs after routing, pushes flags before each sync and backfills on the scheduler', () => {
    const { mail } = webmailBed(knex);
    expect(mail.hooks.map(h => h.name)).toEqual(['routing', 'search']);
    expect(mail.runner.before.map(t => t.name)).toContain('flag-push');
    expect(mail.jobs.map(j => j.name)).toContain('search-backfill');
  });

  it('indexes mail parsed before it existed (or left unindexed by a crash), in batches', async () => {
    const { mail } = webmailBed(knex);
    const accountId = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
    const folder = await mail.messages.ensureFolder(accountId, 'INBOX');
    await mail.messages.setUidValidity(folder.id, '1');
    const parser = new StreamingMessageParser();
    const items = Array.from({ length: 7 }, (_, i) => ({
      uid: i + 1,
      flags: [],
      internalDate: new Date(),
      modseq: null,
      raw: mime({ id: `old-${i}@customer.example`, from: '张伟 <zhangwei@customer.example>', to: 'sunli@corp.example', subject: `旧邮件 ${i}`, html: `<p>附件是<b>合同</b>第${i}版</p>` }),
    }));
    const ids = await mail.messages.ingestBatch({ ...folder, uidValidity: '1' }, '1', items, 7);
    for (const [i, id] of ids.entries()) await mail.messages.markParsed(id, await parser.parse(items[i].raw));
    // a message that never parsed has nothing to index
    await knex('mail_messages').where({ id: ids[6] }).update({ parse_status: 'failed', search_text: null });

    const { indexer } = webmailOf(mail);
    expect(await indexer.indexMissing(4)).toBe(4);
    expect(await indexer.indexMissing(4)).toBe(2);
    expect(await indexer.indexMissing(4)).toBe(0);
    const row = await knex('mail_messages').where({ id: ids[3] }).first('search_text');
    expect(row.search_text).toContain('旧邮件 3\n张伟 <zhangwei@customer.example> <sunli@corp.example>\n');
    expect(row.search_text).toContain('合同第3版');
    expect((await knex('mail_messages').where({ id: ids[6] }).first('search_text')).search_text).toBeNull();
    // PostgreSQL also keeps the bigrams its index answers two-character queries from; SQLite has no such column
    const pg = databaseId.startsWith('POSTGRES');
    const grams = pg ? (await knex('mail_messages').where({ id: ids[3] }).first('search_bigrams')).search_bigrams : null;
    const wanted = ['合同', '旧邮', 'zh'];
    expect(pg ? wanted.filter(g => (grams as string[]).includes(g)) : grams).toEqual(pg ? wanted : null);

    // the scheduler's job runs until nothing is left
    await knex('mail_messages').update({ search_text: null });
    await mail.jobs.find(j => j.name === 'search-backfill')!.run();
    expect(Number((await knex('mail_messages').whereNull('search_text').where({ parse_status: 'parsed' }).count('* as n').first())?.n)).toBe(0);
  });
});
