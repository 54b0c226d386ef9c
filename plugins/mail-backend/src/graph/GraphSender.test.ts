import { randomUUID } from 'crypto';
import type { Knex } from 'knex';
import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { databases, mail, migratedDatabase } from '../__testUtils__/mailTestBed';
import { FakeGraph, graphConfig } from './__testUtils__/fakeGraph';
import { SendRefusedError } from '../compose/AccountTransport';
import { createGraph, GraphAccountTransport, GraphSender, GraphSendError } from '.';

jest.setTimeout(60_000);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const config = new ConfigReader({ mail: { microsoft: graphConfig } });

async function graphAccount(knex: Knex, mailbox: string): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await knex('mail_accounts').insert({
    id,
    owner: 'user:default/zhangwei',
    display_name: '张伟',
    email: mailbox,
    imap_host: '',
    imap_port: 0,
    imap_secure: false,
    imap_user: '',
    imap_password_enc: '',
    folders: '[]',
    version: 1,
    created_by: 'user:default/zhangwei',
    created_at: now,
    updated_by: 'user:default/zhangwei',
    updated_at: now,
    provider: 'graph',
    graph_mailbox: mailbox,
  });
  return id;
}

const mime = (id: string) =>
  Buffer.from(
    [
      'From: Sales <sales@corp.example>',
      'To: Buyer <buyer@customer.example>',
      'Cc: boss@customer.example',
      `Message-ID: <${id}>`,
      'Subject: =?UTF-8?B?5oql5Lu35Y2V?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '请查收报价单。',
      '',
    ].join('\r\n'),
  );

const envelope = { from: 'sales@corp.example', to: ['buyer@customer.example', 'boss@customer.example'] };

describe.each(databases.eachSupportedId())('Microsoft 365 send on %s', (databaseId: TestDatabaseId) => {
  let knex: Knex;
  let fake: FakeGraph;
  let sender: GraphSender;
  let accountId: string;

  beforeEach(async () => {
    knex = await migratedDatabase(databaseId);
    fake = new FakeGraph();
    server.use(...fake.handlers());
    sender = createGraph(mail(knex), config)!.sender;
    accountId = await graphAccount(knex, fake.mailbox);
  });

  it('creates a draft from the MIME, hands its id over before sending, then sends it once', async () => {
    const events: string[] = [];
    const result = await sender.send(accountId, mime('q1@corp.example'), envelope, {
      onDraftCreated: async id => {
        events.push(`draft ${id} stored; sent so far: ${fake.sent.length}`);
      },
    });
    expect(events).toEqual([`draft ${result.draftId} stored; sent so far: 0`]);
    expect(result.alreadySent).toBe(false);
    expect(fake.count('POST', `/users/${fake.mailbox}/messages`)).toBe(1);
    expect(fake.count('POST', '/send')).toBe(1);
    expect(fake.sent).toEqual([mime('q1@corp.example')]);
    // the draft became a sent item
    expect(fake.inFolder('drafts')).toEqual([]);
    expect(fake.inFolder('sentitems')).toHaveLength(1);
    expect(fake.requests.find(r => r.method === 'POST')?.prefer).toContain('IdType="ImmutableId"');
  });

  it('adds envelope recipients missing from the headers (Bcc) to the draft before it is sent', async () => {
    const result = await sender.send(accountId, mime('bcc@corp.example'), { ...envelope, to: [...envelope.to, 'Secret@Corp.example'] });
    expect(fake.count('PATCH', `/messages/${result.draftId}`)).toBe(1);
    const sentCopy = fake.inFolder('sentitems')[0];
    expect(fake.draft(sentCopy)?.bcc).toEqual(['secret@corp.example']);
  });

  it.each([
    [429, 'notSent', 503],
    [503, 'notSent', 503],
    [504, 'uncertain', 502],
  ] as const)('does not retry a send answered %i: one send request, the error surfaced, no mail', async (status, outcome, mailStatus) => {
    fake.fail({ method: 'POST', pathEndsWith: '/send', status, headers: { 'Retry-After': '1' } });
    let draftId: string | undefined;
    const error = await sender
      .send(accountId, mime(`t${status}@corp.example`), envelope, {
        onDraftCreated: async id => {
          draftId = id;
        },
      })
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(GraphSendError);
    expect(error).toMatchObject({ outcome, httpStatus: status, status: mailStatus, key: outcome === 'uncertain' ? 'sendUncertain' : 'sendRefused' });
    expect(fake.count('POST', '/send')).toBe(1);
    expect(fake.sent).toHaveLength(0);

    // a later retry with the remembered draft sends it, once
    const retried = await sender.send(accountId, mime(`t${status}@corp.example`), envelope, { draftId });
    expect(retried).toEqual({ draftId, alreadySent: false });
    expect(fake.count('POST', `/users/${fake.mailbox}/messages`)).toBe(1);
    expect(fake.sent).toHaveLength(1);
  });

  it('never sends twice when the answer to send is lost: the repeat finds the draft gone (404) and counts it as sent', async () => {
    fake.fail({ method: 'POST', pathEndsWith: '/send', handleThenDrop: true });
    let draftId: string | null = null;
    const lost = await sender
      .send(accountId, mime('lost@corp.example'), envelope, {
        onDraftCreated: async id => {
          draftId = id;
        },
      })
      .then(
        () => undefined,
        e => e,
      );
    expect(lost).toMatchObject({ outcome: 'uncertain', key: 'sendUncertain' });
    expect(fake.sent).toHaveLength(1);

    const repeat = await sender.send(accountId, mime('lost@corp.example'), envelope, { draftId });
    expect(repeat).toEqual({ draftId, alreadySent: true });
    // the draft is looked up before sending again: gone (404) means it went out
    expect(fake.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/messages/${draftId}`))).toHaveLength(1);
    expect(fake.count('POST', '/send')).toBe(1);
    expect(fake.count('POST', `/users/${fake.mailbox}/messages`)).toBe(1);
    expect(fake.sent).toHaveLength(1);
    // and the mailbox can say so by Message-ID when no draft id was kept
    expect(await sender.locate(accountId, '<lost@corp.example>')).toEqual({ sent: true, draftId: null });
  });

  it('counts a 404 to the repeated send request itself as sent (sent between the lookup and the request)', async () => {
    let draftId: string | null = null;
    fake.fail({ method: 'POST', pathEndsWith: '/send', status: 503 });
    await expect(
      sender.send(accountId, mime('race@corp.example'), envelope, {
        onDraftCreated: async id => {
          draftId = id;
        },
      }),
    ).rejects.toMatchObject({ outcome: 'notSent' });
    fake.fail({ method: 'POST', pathEndsWith: '/send', status: 404 });
    expect(await sender.send(accountId, mime('race@corp.example'), envelope, { draftId })).toEqual({ draftId, alreadySent: true });
    expect(fake.count('POST', '/send')).toBe(2);
  });

  it('does not retry draft creation either: a throttled create leaves no draft and no mail', async () => {
    fake.fail({ method: 'POST', pathEndsWith: `/users/${fake.mailbox}/messages`, status: 503, headers: { 'Retry-After': '1' } });
    const onDraftCreated = jest.fn();
    await expect(sender.send(accountId, mime('c@corp.example'), envelope, { onDraftCreated })).rejects.toMatchObject({ outcome: 'notSent', httpStatus: 503 });
    expect(onDraftCreated).not.toHaveBeenCalled();
    expect(fake.count('POST', `/users/${fake.mailbox}/messages`)).toBe(1);
    expect(fake.count('POST', '/send')).toBe(0);
    expect(fake.sent).toHaveLength(0);
  });

  describe("as the outbox's transport (no Graph state kept by the outbox)", () => {
    let transport: GraphAccountTransport;
    beforeEach(() => {
      transport = createGraph(mail(knex), config)!.transport;
    });

    it('sends once and says so', async () => {
      const receipt = await transport.send(accountId, mime('o1@corp.example'), envelope);
      expect(receipt.response).toMatch(/^Microsoft 365 accepted draft /);
      expect(fake.sent).toHaveLength(1);
      expect(fake.count('POST', '/send')).toBe(1);
    });

    it('refuses (retryable) on 429/503 and finds its own draft on the retry: one draft, one mail', async () => {
      fake.fail({ method: 'POST', pathEndsWith: '/send', status: 429, headers: { 'Retry-After': '5' } });
      await expect(transport.send(accountId, mime('o2@corp.example'), envelope)).rejects.toBeInstanceOf(SendRefusedError);
      expect(fake.count('POST', '/send')).toBe(1);
      expect(fake.sent).toHaveLength(0);

      await transport.send(accountId, mime('o2@corp.example'), envelope);
      expect(fake.count('POST', `/users/${fake.mailbox}/messages`)).toBe(1);
      expect(fake.sent).toHaveLength(1);
    });

    it('a lost answer to the draft creation leaves a draft, which the retry completes (Bcc) and sends: no second draft', async () => {
      fake.fail({ method: 'POST', pathEndsWith: `/users/${fake.mailbox}/messages`, handleThenDrop: true });
      const withBcc = { ...envelope, to: [...envelope.to, 'audit@corp.example'] };
      await expect(transport.send(accountId, mime('o3@corp.example'), withBcc)).rejects.toBeInstanceOf(SendRefusedError);
      expect(fake.inFolder('drafts')).toHaveLength(1);

      await transport.send(accountId, mime('o3@corp.example'), withBcc);
      expect(fake.count('POST', `/users/${fake.mailbox}/messages`)).toBe(1);
      expect(fake.sent).toHaveLength(1);
      expect(fake.draft(fake.inFolder('sentitems')[0])?.bcc).toEqual(['audit@corp.example']);
    });

    it('a lost answer to send is uncertain, not refused; the confirmed resend finds it sent and sends nothing', async () => {
      fake.fail({ method: 'POST', pathEndsWith: '/send', handleThenDrop: true });
      const lost = await transport.send(accountId, mime('o4@corp.example'), envelope).then(
        () => undefined,
        e => e,
      );
      expect(lost).toBeDefined();
      expect(lost).not.toBeInstanceOf(SendRefusedError);
      expect(fake.sent).toHaveLength(1);

      const receipt = await transport.send(accountId, mime('o4@corp.example'), envelope);
      expect(receipt.response).toMatch(/already holds <o4@corp.example> as sent/);
      expect(fake.count('POST', '/send')).toBe(1);
      expect(fake.sent).toHaveLength(1);
    });

    it('a 504 on send is uncertain as well: one send request, never repeated by itself', async () => {
      fake.fail({ method: 'POST', pathEndsWith: '/send', status: 504 });
      await expect(transport.send(accountId, mime('o5@corp.example'), envelope)).rejects.toMatchObject({ outcome: 'uncertain' });
      expect(fake.count('POST', '/send')).toBe(1);
    });
  });

  it('refuses accounts that are not Microsoft 365 mailboxes', async () => {
    await expect(sender.send(randomUUID(), mime('x@corp.example'), envelope)).rejects.toMatchObject({ status: 404, key: 'accountNotFound' });
  });
});
