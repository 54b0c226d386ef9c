import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { TestDatabaseId, mockCredentials } from '@backstage/backend-test-utils';
import { recordMessageId } from '@cocrm/plugin-mail-common';
import { databases, migratedDatabase, requiredDatabases } from '../__testUtils__/mailTestBed';
import { user } from '../__testUtils__/org';
import { messageKey } from '../mime/messageKey';
import type { MailServices } from '../createMail';
import type { MailRouting } from '.';
import { keyOfMessageId, referencedIds } from './participants';
import { FakeCrm } from './__testUtils__/fakeCrm';
import { routingPolicy } from './__testUtils__/policy';
import { addAccount, deliver, rawMail, routingBed } from './__testUtils__/routingBed';

jest.setTimeout(60_000);

it('runs on every database CI requires', () => {
  expect(databases.eachSupportedId().flat()).toEqual(expect.arrayContaining(requiredDatabases));
});

it('looks replies up under the key the store gives the parent', () => {
  for (const id of ['Abc.Def@Mail.Customer.Example', `${'x'.repeat(950)}@long.example`]) {
    const raw = rawMail({ id, from: 'a@b.example', to: ['c@d.example'] });
    expect(keyOfMessageId(referencedIds({ inReplyTo: `<${id}>`, references: [] })[0])).toBe(messageKey(raw));
  }
  expect(referencedIds({ inReplyTo: '<a@x.example> (comment)', references: ['<b@X.example>', '<a@x.example>'] })).toEqual(['a@x.example', 'b@x.example']);
});

interface Link {
  customer_id: string;
  source: string;
  state: string;
  manual: boolean | number;
  contact_ids: string;
}

describe.each(databases.eachSupportedId())('routing on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let crm: FakeCrm;
  let mail: MailServices;
  let routing: MailRouting;
  let sunliBox: string;
  let salesBox: string;
  let huaxin: string;
  let liMing: string;

  const threadOf = async (messageId: string): Promise<string> => (await knex('mail_messages').where({ id: messageId }).first('thread_id')).thread_id;
  const linksOf = async (messageId: string): Promise<Link[]> =>
    knex('mail_links').where({ thread_id: await threadOf(messageId) }).orderBy('customer_id').select('customer_id', 'source', 'state', 'manual', 'contact_ids');
  const statusOf = async (messageId: string) => knex('mail_messages').where({ id: messageId }).first('route_status', 'route_error', 'direction');
  const uid = (label: string) => `${label}.${randomUUID()}@mail.example`;
  const sunli = mockCredentials.user(user('sunli'));

  beforeAll(async () => {
    knex = await migratedDatabase(databaseId);
    crm = new FakeCrm();
    ({ mail, routing } = routingBed(knex, crm, routingPolicy({ customers: { [user('sunli')]: 'all' } })));
    sunliBox = await addAccount(knex, { owner: user('sunli'), email: 'sunli@corp.example' });
    salesBox = await addAccount(knex, { owner: user('wangjianguo'), email: 'sales@corp.example', kind: 'shared', readers: ['group:default/sales-east'] });
    huaxin = randomUUID();
    liMing = randomUUID();
    crm.customer(huaxin, '华信科技', ['huaxin.example']).contact(liMing, huaxin, '李明', ['li.ming@huaxin.example', 'liming888@qq.com']);
  });

  afterAll(async () => {
    await knex.destroy();
  });

  beforeEach(() => {
    crm.down = false;
  });

  it('links a contact’s mail to the contact’s customer', async () => {
    const id = await deliver(mail, sunliBox, { id: uid('c'), from: '李明 <Li.Ming@HuaXin.example>', to: ['sunli@corp.example'] });
    expect(await statusOf(id)).toEqual({ route_status: 'routed', route_error: null, direction: 'in' });
    expect(await linksOf(id)).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'contact', state: 'linked', contact_ids: JSON.stringify([liMing]) })]);
    expect(await knex('mail_message_contacts').where({ message_id: id }).select('contact_id', 'customer_id')).toEqual([{ contact_id: liMing, customer_id: huaxin }]);
  });

  it('falls back to the customer’s domain only for addresses no contact has', async () => {
    const other = randomUUID();
    const otherContact = randomUUID();
    // 王芳 works at huaxin.example's domain but is registered as another customer's contact
    crm.customer(other, '华信投资').contact(otherContact, other, '王芳', ['wang.fang@huaxin.example']);
    const unknown = await deliver(mail, sunliBox, { id: uid('d'), from: 'zhang@huaxin.example', to: ['sunli@corp.example'] });
    expect(await linksOf(unknown)).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'domain', contact_ids: '[]' })]);

    const fang = await deliver(mail, sunliBox, { id: uid('d'), from: 'wang.fang@huaxin.example', to: ['sunli@corp.example'] });
    expect(await linksOf(fang)).toEqual([expect.objectContaining({ customer_id: other, source: 'contact', contact_ids: JSON.stringify([otherContact]) })]);

    // a contact and a domain hit of the same customer in one mail: named by the contact
    const both = await deliver(mail, sunliBox, { id: uid('d'), from: 'zhang@huaxin.example', to: ['sunli@corp.example'], cc: ['li.ming@huaxin.example'] });
    expect(await linksOf(both)).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'contact', contact_ids: JSON.stringify([liMing]) })]);
  });

  it('never links by a free-mail domain, only by a contact’s own free-mail address', async () => {
    const cheat = randomUUID();
    crm.customer(cheat, '用QQ邮箱的客户');
    crm.plantedDomains.push({ domain: 'qq.com', customerId: cheat });
    const stranger = await deliver(mail, sunliBox, { id: uid('f'), from: 'someone@qq.com', to: ['sunli@corp.example'] });
    expect(await linksOf(stranger)).toEqual([]);
    expect(await statusOf(stranger)).toMatchObject({ route_status: 'routed' });

    const contact = await deliver(mail, sunliBox, { id: uid('f'), from: 'liming888@QQ.com', to: ['sunli@corp.example'] });
    expect(await linksOf(contact)).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'contact' })]);
    expect(await knex('mail_links').where({ customer_id: cheat }).first()).toBeUndefined();
  });

  it('does not route mail between colleagues and does not ask the CRM about it', async () => {
    const before = crm.calls.length;
    const id = await deliver(mail, sunliBox, {
      id: uid('i'),
      from: 'zhouhao@corp.example',
      to: ['sunli@corp.example'],
      cc: ['wangjianguo@corp.example'],
      // a recipient of the mail that routes nothing either: no record id, no customer address
      references: [],
    });
    expect(await statusOf(id)).toEqual({ route_status: 'routed', route_error: null, direction: 'internal' });
    expect(await linksOf(id)).toEqual([]);
    expect(crm.calls.slice(before).filter(c => c.op === 'match')).toEqual([]);
  });

  it('lets replies inherit the thread’s customers, and threads by Message-ID only', async () => {
    const first = uid('t');
    const parent = await deliver(mail, sunliBox, { id: first, from: 'li.ming@huaxin.example', to: ['sunli@corp.example'], subject: '合同续签' });
    // 李明 answers from a private address nobody registered
    const reply = await deliver(mail, sunliBox, { id: uid('t'), from: 'lm.private@gmail.com', to: ['sunli@corp.example'], subject: 'Re: 合同续签', inReplyTo: first, references: [first] });
    const answer = await deliver(mail, sunliBox, { id: uid('t'), from: 'sunli@corp.example', to: ['lm.private@gmail.com'], subject: 'Re: 合同续签', inReplyTo: first });
    // the same subject without references is another conversation
    const lookalike = await deliver(mail, sunliBox, { id: uid('t'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'], subject: 'Re: 合同续签' });
    expect(await threadOf(reply)).toBe(await threadOf(parent));
    expect(await threadOf(answer)).toBe(await threadOf(parent));
    expect(await threadOf(lookalike)).not.toBe(await threadOf(parent));
    expect(await statusOf(answer)).toMatchObject({ direction: 'out' });
    expect(await linksOf(reply)).toEqual([expect.objectContaining({ customer_id: huaxin, state: 'linked' })]);
    const page = await routing.routed.forCustomer(sunli, huaxin, { limit: 100 });
    expect(page.map(e => e.id)).toEqual(expect.arrayContaining([parent, reply, answer]));
    expect(page.find(e => e.id === answer)).toMatchObject({ direction: 'out', threadId: await threadOf(parent) });
  });

  it('merges threads when a parent arrives after its replies, with their links', async () => {
    const [p, x] = [uid('p'), uid('x')];
    const other = randomUUID();
    crm.customer(other, '远方物流');
    // two replies that do not know of each other: one to P, one to X
    const r1 = await deliver(mail, sunliBox, { id: uid('r'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'], inReplyTo: p });
    const r2 = await deliver(mail, sunliBox, { id: uid('r'), from: 'boss@faraway.example', to: ['sunli@corp.example'], inReplyTo: x, references: [x] });
    expect(await threadOf(r1)).not.toBe(await threadOf(r2));
    await routing.links.link(sunli, await threadOf(r2), other);

    // P answers X: everything is one conversation now
    const parent = await deliver(mail, sunliBox, { id: p, from: 'sunli@corp.example', to: ['li.ming@huaxin.example', 'boss@faraway.example'], inReplyTo: x, references: [x] });
    const thread = await threadOf(parent);
    expect(await threadOf(r1)).toBe(thread);
    expect(await threadOf(r2)).toBe(thread);
    const links = await linksOf(parent);
    expect(links).toHaveLength(2);
    expect(links.find(l => l.customer_id === huaxin)).toMatchObject({ source: 'contact', state: 'linked' });
    expect(links.find(l => l.customer_id === other)).toMatchObject({ source: 'manual', state: 'linked' });
    expect(await knex('mail_thread_keys').whereIn('message_key', [`m:${p}`, `m:${x}`]).distinct('thread_id')).toEqual([{ thread_id: thread }]);
  });

  it('routes replies to mail the suite sent by the record its Message-ID names', async () => {
    const customer = randomUUID();
    const contact = randomUUID();
    const contract = randomUUID();
    crm.customer(customer, '云帆贸易').contact(contact, customer, '周总', ['zhou@yunfan.example']);
    crm.contractsById.set(contract, customer);

    // sent from the customer page: our own Message-ID names the customer
    const sentId = recordMessageId({ type: 'customer', id: customer }, 'corp.example');
    const sent = await deliver(mail, sunliBox, { id: sentId, from: 'sunli@corp.example', to: ['new.buyer@gmail.com'] }, { folder: 'Sent' });
    expect(await linksOf(sent)).toEqual([expect.objectContaining({ customer_id: customer, source: 'record' })]);

    // replies to suite mail we never stored (sent before the mailbox was connected) still find the record
    for (const type of ['contact', 'contract'] as const) {
      const ref = recordMessageId({ type, id: type === 'contact' ? contact : contract }, 'corp.example');
      const reply = await deliver(mail, sunliBox, { id: uid('rec'), from: 'another.buyer@163.com', to: ['sunli@corp.example'], inReplyTo: ref, references: [ref] });
      expect(await linksOf(reply)).toEqual([expect.objectContaining({ customer_id: customer, source: 'record' })]);
    }

    // an inbound mail claiming a record id as its own Message-ID is not believed
    const forged = await deliver(mail, sunliBox, { id: recordMessageId({ type: 'customer', id: customer }, 'evil.example'), from: 'x@evil.example', to: ['sunli@corp.example'] });
    expect(await linksOf(forged)).toEqual([]);
  });

  it('keeps manual links and unlinks through re-matching', async () => {
    const other = randomUUID();
    crm.customer(other, '东方电子');
    const id = await deliver(mail, sunliBox, { id: uid('m'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'] });
    const thread = await threadOf(id);
    await routing.links.unlink(sunli, thread, huaxin);
    await routing.links.link(sunli, thread, other);

    // 李明 writes again in the same thread, and everything is matched again
    await deliver(mail, sunliBox, { id: uid('m'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example'], inReplyTo: (await mail.messages.message(id))!.messageIdHeader! });
    expect(await routing.service.rematchAll()).toBeGreaterThan(0);
    const result = await routing.service.routePending();
    expect(result.failed).toBe(0);
    const links = await linksOf(id);
    expect(links.find(l => l.customer_id === huaxin)).toMatchObject({ state: 'unlinked', source: 'manual' });
    expect(links.find(l => l.customer_id === other)).toMatchObject({ state: 'linked', source: 'manual' });
    expect(!!links.find(l => l.customer_id === huaxin)!.manual).toBe(true);
    const shown = await routing.links.list(sunli, thread);
    expect(shown.find(l => l.customerId === huaxin)).toMatchObject({ state: 'unlinked', manual: true, by: user('sunli'), customerName: '华信科技' });
    expect((await routing.routed.forCustomer(sunli, huaxin, { limit: 100 })).map(e => e.id)).not.toContain(id);
    expect((await routing.routed.forCustomer(sunli, other, { limit: 100 })).map(e => e.id)).toContain(id);
  });

  it('drops automatic links the CRM no longer supports when re-matching', async () => {
    const gone = randomUUID();
    const goneContact = randomUUID();
    crm.customer(gone, '即将删除的客户').contact(goneContact, gone, '赵六', ['zhao6@soon-gone.example']);
    const id = await deliver(mail, sunliBox, { id: uid('g'), from: 'zhao6@soon-gone.example', to: ['sunli@corp.example'] });
    expect(await linksOf(id)).toHaveLength(1);
    crm.customersById.get(gone)!.deleted = true;
    await routing.service.rematchAll();
    await routing.service.routePending();
    expect(await linksOf(id)).toEqual([]);
  });

  it('keeps mail pending while the CRM is down and routes it on the next run', async () => {
    crm.down = true;
    const first = uid('down');
    const id = await deliver(mail, sunliBox, { id: first, from: 'li.ming@huaxin.example', to: ['sunli@corp.example'] });
    const st = await statusOf(id);
    expect(st).toMatchObject({ route_status: 'failed', direction: 'in' });
    expect(st.route_error).toMatch(/ECONNREFUSED/);
    expect(await linksOf(id)).toEqual([]);
    // threads do not wait for the CRM
    const reply = await deliver(mail, sunliBox, { id: uid('down'), from: 'sunli@corp.example', to: ['li.ming@huaxin.example'], inReplyTo: first });
    expect(await threadOf(reply)).toBe(await threadOf(id));

    const still = await routing.service.routePending();
    expect(still.failed).toBeGreaterThanOrEqual(2);
    expect(await statusOf(id)).toMatchObject({ route_status: 'failed' });

    crm.down = false;
    const again = await routing.service.routePending();
    expect(again.failed).toBe(0);
    expect(again.routed).toBeGreaterThanOrEqual(2);
    expect(await statusOf(id)).toMatchObject({ route_status: 'routed', route_error: null });
    expect(await linksOf(id)).toEqual([expect.objectContaining({ customer_id: huaxin, source: 'contact' })]);
    expect(Number((await knex('mail_messages').where('parse_status', 'parsed').whereNot('route_status', 'routed').count('* as n').first())!.n)).toBe(0);
  });

  it('stores mail in a personal and a group mailbox once, linked once, visible through both', async () => {
    const raw = rawMail({ id: uid('both'), from: 'li.ming@huaxin.example', to: ['sunli@corp.example', 'sales@corp.example'], body: '两个邮箱都收到的询价' });
    const inPersonal = await deliver(mail, sunliBox, raw);
    const inGroup = await deliver(mail, salesBox, raw);
    expect(inGroup).toBe(inPersonal);
    expect((await mail.messages.copiesOf(inPersonal)).map(c => c.accountId).sort()).toEqual([sunliBox, salesBox].sort());
    expect(await knex('mail_links').where({ thread_id: await threadOf(inPersonal) }).count('* as n').first().then(r => Number(r!.n))).toBe(1);

    // 周浩 reads the group mailbox (华东销售组), not 孙丽's: the mail is listed once either way
    const policy = { customers: { [user('sunli')]: 'all' as const, [user('zhouhao')]: 'all' as const } };
    const { routing: asPolicy } = routingBed(knex, crm, routingPolicy(policy));
    for (const who of ['sunli', 'zhouhao']) {
      const entries = (await asPolicy.routed.forCustomer(mockCredentials.user(user(who)), huaxin, { limit: 100 })).filter(e => e.id === inPersonal);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ visibility: 'full', snippet: '两个邮箱都收到的询价', mailboxOwner: who === 'sunli' ? user('sunli') : user('wangjianguo') });
    }
  });

  it('suggests leads for unknown senders of mailboxes that ask for it, counting each mail once', async () => {
    const leadsBox = await addAccount(knex, { owner: user('zhouhao'), email: 'zhouhao@corp.example', suggestLeads: true });
    const stranger = 'buyer@brand-new.example';
    const a = await deliver(mail, leadsBox, { id: uid('l'), from: `新客户 <${stranger}>`, to: ['zhouhao@corp.example'] });
    await deliver(mail, leadsBox, { id: uid('l'), from: stranger, to: ['zhouhao@corp.example'] });
    // known senders and colleagues are no leads; neither is mail to a mailbox that did not ask
    await deliver(mail, leadsBox, { id: uid('l'), from: 'li.ming@huaxin.example', to: ['zhouhao@corp.example'] });
    await deliver(mail, leadsBox, { id: uid('l'), from: 'sunli@corp.example', to: ['zhouhao@corp.example'] });
    await deliver(mail, sunliBox, { id: uid('l'), from: 'other.stranger@brand-new2.example', to: ['sunli@corp.example'] });
    await routing.service.rematchAll();
    await routing.service.routePending();

    const zhouhao = mockCredentials.user(user('zhouhao'));
    const page = await routing.leads.list(zhouhao, { page: 0, pageSize: 10 });
    expect(page.items).toEqual([expect.objectContaining({ accountId: leadsBox, address: stranger, name: '新客户', firstMessageId: a, messageCount: 2 })]);
    expect(page.totalCount).toBe(1);
    // others do not see the mailbox's suggestions
    expect((await routing.leads.list(mockCredentials.user(user('liuyang')), { page: 0, pageSize: 10 })).items).toEqual([]);

    // once the CRM knows the sender, the suggestion is answered
    crm.contact(randomUUID(), huaxin, '新联系人', [stranger]);
    await routing.service.rematchAll();
    await routing.service.routePending();
    expect((await routing.leads.list(zhouhao, { page: 0, pageSize: 10 })).items).toEqual([]);
  });
});
