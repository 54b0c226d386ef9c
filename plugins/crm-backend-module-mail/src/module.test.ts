import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
// the test runs the real CRM plugin that this module extends
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import crmPlugin from '@cocrm/plugin-crm-backend';
import type { TimelineEntry } from '@cocrm/plugin-crm-common';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import crmModuleMail from './index';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** What the fake mail plugin saw and how it answers. */
interface MailFake {
  mode: 'ok' | 'error' | 'drop';
  calls: Array<{ principal: unknown; customerId: string; query: Record<string, unknown> }>;
  items: unknown[];
}

/** A stand-in for the mail plugin: its route for the CRM timeline, checking the caller like the real one. */
function fakeMailPlugin(fake: MailFake) {
  return createBackendPlugin({
    pluginId: 'mail',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(async (req, res, next) => {
            const m = /^\/routed\/customers\/([^/?]+)/.exec(req.path);
            if (req.method !== 'GET' || !m) {
              next();
              return;
            }
            try {
              // users only: the CRM must come on behalf of the viewer, never as itself
              const credentials = await httpAuth.credentials(req, { allow: ['user'] });
              fake.calls.push({ principal: credentials.principal, customerId: decodeURIComponent(m[1]), query: { ...req.query } });
            } catch (e) {
              res.status(401).json({ error: { name: (e as Error).name, message: (e as Error).message } });
              return;
            }
            if (fake.mode === 'drop') {
              req.socket.destroy();
              return;
            }
            if (fake.mode === 'error') {
              res.status(503).json({ error: { name: 'ServiceUnavailableError', key: 'mailUnavailable', message: '邮件服务暂不可用' } });
              return;
            }
            res.json({ items: fake.items });
          });
        },
      });
    },
  });
}

/** The access plugin's compiled access, as the CRM's field rules read it: no field rules. */
const fakeAccessPlugin = createBackendPlugin({
  pluginId: 'access',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use((req, res, next) => {
          const m = /^\/users\/([^/]+)\/compiled$/.exec(req.path);
          if (!m) {
            next();
            return;
          }
          res.json({ userRef: decodeURIComponent(m[1]), permissions: {}, fields: {} });
        });
      },
    });
  },
});

const IN_ID = '7d0f3c2e-5b1a-4c5e-9f7a-1a2b3c4d5e6f';

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 8, minutes)).toISOString();

describe.each(databases.eachSupportedId())('mail on the customer timeline on %s', (databaseId: TestDatabaseId) => {
  const fake: MailFake = { mode: 'ok', calls: [], items: [] };
  let baseUrl: string;
  let stop: () => Promise<void>;
  const customerId = randomUUID();

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const backend = await startTestBackend({
      features: [crmPlugin, crmModuleMail, fakeMailPlugin(fake), fakeAccessPlugin, mockServices.database.factory({ knex })],
    });
    stop = () => backend.stop();
    baseUrl = `http://localhost:${(backend.server.address() as AddressInfo).port}`;
    // the customer and one record event, written as the CRM would (the catalog the CRM asks about users is not part of this test)
    const now = new Date(at(30));
    const meta = { version: 1, created_by: 'user:default/zhouhao', created_at: now, updated_by: 'user:default/zhouhao', updated_at: now };
    await knex('crm_customers').insert({ id: customerId, number: 'KH000001', name: '华信控股集团有限公司', name_key: '华信控股集团有限公司', type: 'enterprise', status: 'intent', search_text: '', ...meta });
    await knex('crm_audit').insert({ id: randomUUID(), record_type: 'customer', record_id: customerId, customer_id: customerId, action: 'created', actor: 'user:default/zhouhao', at: now, summary: '华信控股集团有限公司' });
  });

  afterAll(async () => {
    await stop?.();
  });

  beforeEach(() => {
    fake.mode = 'ok';
    fake.calls = [];
    fake.items = [
      {
        id: IN_ID,
        threadId: 't-1',
        at: '2026-03-01T08:40:00Z',
        subject: '关于集团数字化平台的报价',
        snippet: '林总您好，附件是更新后的报价单……',
        from: { name: '林国栋', address: 'lin.guodong@huaxin-group.com.cn' },
        to: [{ name: '周浩', address: 'zhouhao@cocrm.example' }],
        visibility: 'full',
        mailboxOwner: 'user:default/zhouhao',
        direction: 'in',
        customerId,
        contactIds: [],
      },
      // a mailbox that shares subjects only: no snippet
      { id: 'm-out', threadId: 't-1', at: '2026-03-01T08:20:00.000Z', subject: 'Re: 报价', snippet: null, from: { address: 'sunli@cocrm.example' }, visibility: 'subject', direction: 'out' },
      // what a timeline entry cannot be made of is left out, not fatal
      { id: 'broken', at: 'not a date' },
      'junk',
    ];
  });

  const timeline = async (query = '') => {
    const res = await fetch(`${baseUrl}/api/crm/customers/${customerId}/timeline${query}`, {
      headers: { Authorization: mockCredentials.user.header('user:default/zhouhao'), 'Accept-Language': 'zh-CN' },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { items: TimelineEntry[]; nextBefore: string | null };
  };

  it('merges the routed mail into the timeline, asking the mail plugin on behalf of the viewer', async () => {
    const page = await timeline();
    expect(page.items.map(e => [e.source, e.kind, e.title])).toEqual([
      ['mail', 'mail.in', '关于集团数字化平台的报价'],
      ['crm', 'customer.created', '华信控股集团有限公司'],
      ['mail', 'mail.out', 'Re: 报价'],
    ]);
    expect(page.items[0]).toEqual({
      id: `mail:${IN_ID}`,
      source: 'mail',
      kind: 'mail.in',
      at: '2026-03-01T08:40:00.000Z',
      actor: null,
      title: '关于集团数字化平台的报价',
      summary: '林总您好，附件是更新后的报价单……',
      link: { type: 'mail-thread', id: 't-1' },
    });
    expect(page.items[2]).not.toHaveProperty('summary');

    // the token reached the mail plugin (its target checked) carrying the user, not the CRM
    expect(fake.calls).toEqual([{ principal: expect.objectContaining({ type: 'user', userEntityRef: 'user:default/zhouhao' }), customerId, query: { limit: '21' } }]);
  });

  it('pages with the cursor: the mail plugin gets its message id or an instant, and nothing newer comes back', async () => {
    const first = await timeline('?limit=1');
    expect(first.items.map(e => e.id)).toEqual([`mail:${IN_ID}`]);
    expect(first.nextBefore).toBe(`2026-03-01T08:40:00.000Z|mail:${IN_ID}`);
    const second = await timeline(`?limit=1&before=${encodeURIComponent(first.nextBefore!)}`);
    expect(fake.calls[1].query).toEqual({ limit: '2', before: IN_ID });
    // the fake ignores the cursor and answers everything again: the newer message is still not repeated
    expect(second.items.map(e => e.kind)).toEqual(['customer.created']);
    // a cursor on the CRM's own entry reaches the mail plugin as its instant
    const third = await timeline(`?limit=2&before=${encodeURIComponent(second.nextBefore!)}`);
    expect(fake.calls[2].query).toEqual({ limit: '3', before: '2026-03-01T08:30:00.000Z' });
    expect(third.items.map(e => e.kind)).toEqual(['mail.out']);
    expect(third.nextBefore).toBeNull();
  });

  it.each(['error', 'drop'] as const)('still shows the other sources when the mail plugin fails (%s)', async mode => {
    fake.mode = mode;
    const page = await timeline();
    expect(fake.calls).toHaveLength(1);
    expect(page.items.map(e => e.kind)).toEqual(['customer.created']);
  });
});

describe('mail on the customer timeline without the mail plugin', () => {
  it('shows the CRM entries when nothing answers at /api/mail', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({ features: [crmPlugin, crmModuleMail, fakeAccessPlugin, mockServices.database.factory({ knex })] });
    try {
      const id = randomUUID();
      const now = new Date();
      await knex('crm_customers').insert({ id, number: 'KH000002', name: '无邮件客户', name_key: '无邮件客户', type: 'enterprise', status: 'intent', search_text: '', version: 1, created_by: 'x', created_at: now, updated_by: 'x', updated_at: now });
      await knex('crm_audit').insert({ id: randomUUID(), record_type: 'customer', record_id: id, customer_id: id, action: 'created', actor: 'user:default/zhouhao', at: now, summary: '无邮件客户' });
      const res = await fetch(`http://localhost:${(backend.server.address() as AddressInfo).port}/api/crm/customers/${id}/timeline`, {
        headers: { Authorization: mockCredentials.user.header('user:default/zhouhao') },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: TimelineEntry[] }).items.map(e => e.kind)).toEqual(['customer.created']);
    } finally {
      await backend.stop();
    }
  });
});
