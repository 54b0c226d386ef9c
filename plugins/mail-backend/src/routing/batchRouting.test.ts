import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import { databases, migratedDatabase } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import type { MailServices } from '../createMail';
import type { MailRouting } from '.';
import { FakeCrm } from './__testUtils__/fakeCrm';
import { routingPolicy } from './__testUtils__/policy';
import { addAccount, deliver, routingBed, TestMail } from './__testUtils__/routingBed';
import { Threader } from './Threader';

jest.setTimeout(60_000);

interface Link {
  customer_id: string;
  source: string;
  state: string;
  manual: boolean | number;
}

/** Routing a whole batch at once: the sync hands the hooks up to ~100 messages in one call. */
describe.each(databases.eachSupportedId())('batch routing on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let crm: FakeCrm;
  let mail: MailServices;
  let routing: MailRouting;
  let box: string;
  let huaxin: string;
  let liMing: string;

  const sunli = mockCredentials.user(user('sunli'));
  const uid = (label: string) => `${label}.${randomUUID()}@mail.example`;
  const threadOf = async (messageId: string): Promise<string> => (await knex('mail_messages').where({ id: messageId }).first('thread_id')).thread_id;
  const linksOn = async (threadId: string): Promise<Link[]> => knex('mail_links').where({ thread_id: threadId }).orderBy('customer_id').select('customer_id', 'source', 'state', 'manual');
  /** Stored and parsed without the hooks, so that a test hands them a batch. */
  const store = (m: TestMail) => deliver(mail, box, m, { hooks: false });

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    crm = new FakeCrm();
    ({ mail, routing } = routingBed(knex, crm, routingPolicy({ customers: { [user('sunli')]: 'all' } })));
    box = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
    huaxin = randomUUID();
    liMing = randomUUID();
    crm.customer(huaxin, '华信科技', ['huaxin.example']).contact(liMing, huaxin, '李明', ['li.ming@huaxin.example']);
  });

  afterAll(async () => {
    await knex.destroy();
  });

  beforeEach(() => {
    crm.down = false;
  });

  it('puts a reply and its parent that arrive in one batch into one thread, whichever comes first', async () => {
    const [p, r] = [uid('p'), uid('r')];
    const reply = await store({ id: r, from: 'lm.private@gmail.com', to: ['sunli@corp.example'], inReplyTo: p, references: [p] });
    const parent = await store({ id: p, from: 'li.ming@huaxin.example', to: ['sunli@corp.example'] });
    // refers to the reply only: joins through a key the batch itself brings
    const grandchild = await store({ id: uid('g'), from: 'sunli@corp.example', to: ['lm.private@gmail.com'], inReplyTo: r, references: [r] });
    const unrelated = await store({ id: uid('u'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'] });

    await mail.sync.afterParsed([reply, parent, grandchild, unrelated]);

    const thread = await threadOf(parent);
    expect(thread).toBeTruthy();
    expect(await threadOf(reply)).toBe(thread);
    expect(await threadOf(grandchild)).toBe(thread);
    expect(await threadOf(unrelated)).not.toBe(thread);
    expect(await knex('mail_thread_keys').whereIn('message_key', [`m:${p}`, `m:${r}`]).distinct('thread_id')).toEqual([{ thread_id: thread }]);
    // one link for the whole conversation, named by 李明's contact
    expect(await linksOn(thread)).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'contact', state: 'linked' })]);
    const routed = await knex('mail_messages').whereIn('id', [reply, parent, grandchild, unrelated]).orderBy('id').select('id', 'route_status', 'direction');
    expect(routed.map(x => x.route_status)).toEqual(['routed', 'routed', 'routed', 'routed']);
    expect(routed.find(x => x.id === grandchild)).toMatchObject({ direction: 'out' });
  });

  it('merges the existing threads a batch bridges into the smallest id, with their links, keeping manual ones', async () => {
    const [p, x, y] = [uid('p'), uid('x'), uid('y')];
    const other = randomUUID();
    const third = randomUUID();
    crm.customer(other, '远方物流').customer(third, '东方电子');
    // three conversations that do not know of each other yet
    const r1 = await deliver(mail, box, { id: uid('r'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'], inReplyTo: p });
    const r2 = await deliver(mail, box, { id: uid('r'), from: 'boss@faraway.example', to: ['sunli@corp.example'], inReplyTo: x, references: [x] });
    const r3 = await deliver(mail, box, { id: uid('r'), from: 'someone@elsewhere.example', to: ['sunli@corp.example'], inReplyTo: y });
    const before = [await threadOf(r1), await threadOf(r2), await threadOf(r3)];
    expect(new Set(before).size).toBe(3);
    // the user's choices on two of them, whichever ends up absorbed
    await routing.links.link(sunli, before[1], other);
    await routing.links.link(sunli, before[2], third);
    await routing.links.unlink(sunli, before[0], huaxin);

    // P answers X (bridging the first two), Q refers to Y and P (bridging the third), C only knows Q
    const q = uid('q');
    const parent = await store({ id: p, from: 'sunli@corp.example', to: ['li.ming@huaxin.example', 'boss@faraway.example'], inReplyTo: x, references: [x] });
    const bridge = await store({ id: q, from: 'someone@elsewhere.example', to: ['sunli@corp.example'], inReplyTo: y, references: [y, p] });
    const child = await store({ id: uid('c'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'], inReplyTo: q });
    const unrelated = await store({ id: uid('u'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'] });
    await mail.sync.afterParsed([child, parent, unrelated, bridge]);

    const target = [...before].sort()[0];
    const absorbed = before.filter(t => t !== target);
    for (const id of [r1, r2, r3, parent, bridge, child]) expect(await threadOf(id)).toBe(target);
    expect(await threadOf(unrelated)).not.toBe(target);
    expect(Number((await knex('mail_messages').whereIn('thread_id', absorbed).count('* as n').first())!.n)).toBe(0);
    expect(Number((await knex('mail_thread_keys').whereIn('thread_id', absorbed).count('* as n').first())!.n)).toBe(0);
    expect(await knex('mail_thread_keys').whereIn('message_key', [`m:${p}`, `m:${x}`, `m:${y}`, `m:${q}`]).distinct('thread_id')).toEqual([{ thread_id: target }]);
    expect(await linksOn(absorbed[0])).toEqual([]);
    expect(await linksOn(absorbed[1])).toEqual([]);
    const links = await linksOn(target);
    expect(links).toHaveLength(3);
    // the manual unlink stays unlinked although 李明 writes in the thread; the manual links moved along
    expect(links.find(l => l.customer_id === huaxin)).toMatchObject({ source: 'manual', state: 'unlinked' });
    expect(links.find(l => l.customer_id === other)).toMatchObject({ source: 'manual', state: 'linked' });
    expect(links.find(l => l.customer_id === third)).toMatchObject({ source: 'manual', state: 'linked' });
    for (const l of links) expect(!!l.manual).toBe(true);
  });

  it('tells each message of a batch where it went and which threads it absorbed', async () => {
    const [a, b] = [uid('a'), uid('b')];
    const first = await deliver(mail, box, { id: uid('n'), from: 'zhang@huaxin.example', to: ['sunli@corp.example'], inReplyTo: a });
    const second = await deliver(mail, box, { id: uid('n'), from: 'zhang@huaxin.example', to: ['sunli@corp.example'], inReplyTo: b });
    const [t1, t2] = [await threadOf(first), await threadOf(second)];
    const bridge = await store({ id: uid('n'), from: 'zhang@huaxin.example', to: ['sunli@corp.example'], references: [a, b] });
    const alone = await store({ id: uid('n'), from: 'zhang@huaxin.example', to: ['sunli@corp.example'] });
    const message = async (id: string) => (await mail.messages.message(id))!;
    const result = await new Threader(knex).threadMany([await message(bridge), await message(alone)]);
    const [target, gone] = [t1, t2].sort();
    expect(result[0]).toEqual({ threadId: target, absorbed: [gone] });
    expect(result[1].threadId).not.toBe(target);
    expect(result[1].absorbed).toEqual([]);
    expect(await threadOf(alone)).toBe(result[1].threadId);
    // threading again changes nothing
    expect(await new Threader(knex).threadMany([await message(bridge), await message(alone)])).toEqual([
      { threadId: target, absorbed: [] },
      { threadId: result[1].threadId, absorbed: [] },
    ]);
  });

  it('routes the colleagues’ mail of a batch and keeps the rest for later while the CRM is down', async () => {
    const p = uid('down');
    const outside = await store({ id: p, from: 'li.ming@huaxin.example', to: ['sunli@corp.example'] });
    const inside = await store({ id: uid('down'), from: 'zhouhao@corp.example', to: ['sunli@corp.example'], inReplyTo: p });
    crm.down = true;
    await mail.sync.afterParsed([outside, inside]);
    const row = (id: string) => knex('mail_messages').where({ id }).first('route_status', 'route_error', 'direction', 'thread_id');
    expect(await row(outside)).toMatchObject({ route_status: 'failed', route_error: expect.stringContaining('ECONNREFUSED'), direction: 'in' });
    expect(await row(inside)).toMatchObject({ route_status: 'routed', route_error: null, direction: 'internal', thread_id: await threadOf(outside) });
    crm.down = false;
    await routing.service.routePending();
    expect(await row(outside)).toMatchObject({ route_status: 'routed', route_error: null });
    expect(await linksOn(await threadOf(outside))).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'contact' })]);
  });

  it('costs a few statements per batch, not per message', async () => {
    const ids: string[] = [];
    let previous: string | undefined;
    const senders = ['li.ming@huaxin.example', 'zhang@huaxin.example', 'zhouhao@corp.example', 'new.buyer@unknown.example'];
    for (let i = 0; i < 100; i++) {
      const id = uid('bulk');
      // runs of four: each one's messages answer the one before
      const inReplyTo = i % 4 ? previous : undefined;
      ids.push(await store({ id, from: senders[i % senders.length], to: ['sunli@corp.example'], inReplyTo, references: inReplyTo ? [inReplyTo] : [], body: `第${i}封` }));
      previous = id;
    }
    const count = async (run: () => Promise<void>) => {
      let n = 0;
      const listener = () => {
        n++;
      };
      knex.on('query', listener);
      try {
        await run();
      } finally {
        knex.removeListener('query', listener);
      }
      return n;
    };
    const search = mail.hooks.find(h => h.name === 'search')!;
    const searchStatements = await count(() => search.afterParsed(ids));
    const routingStatements = await count(() => routing.service.afterParsed(ids));

    expect(Number((await knex('mail_messages').whereIn('id', ids).where({ route_status: 'routed' }).count('* as n').first())!.n)).toBe(100);
    expect(Number((await knex('mail_messages').whereIn('id', ids).whereNotNull('search_text').count('* as n').first())!.n)).toBe(100);
    const threads = await knex('mail_messages').whereIn('id', ids).distinct('thread_id');
    expect(threads).toHaveLength(25);
    expect(Number((await knex('mail_links').whereIn('thread_id', threads.map(t => t.thread_id)).where({ customer_id: huaxin }).count('* as n').first())!.n)).toBe(25);
    // one read and one write per 50 messages
    expect(searchStatements).toBeLessThanOrEqual(4);
    // load, threads, CRM's answer stored, statuses, links, lead bookkeeping (with BEGIN/COMMIT): a per-message statement would be 100 more
    expect(routingStatements).toBeLessThanOrEqual(30);
  });
});
