/* eslint-disable jest/no-standalone-expect -- the cases are functions run inside it.each below */
/* eslint-disable no-nested-ternary -- expected statuses read as decision tables */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CRM_MODELS } from '@cocrm/plugin-crm-common';
import type { AccessAction, DataScope, ResourceModel } from '@cocrm/plugin-access-common';
import crmPlugin, { accessModuleCrm, createRouter } from '@cocrm/plugin-crm-backend';
import accessPlugin from '@cocrm/plugin-access-backend';
import suitePolicy from '@cocrm/plugin-permission-backend-module-suite-policy';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { demoOrgEntities } from './__testUtils__/demoOrg';
import { DATABASES, authWithActor, databaseConfig, dropTestDatabases } from './__testUtils__/realStack';

/*
 * The permission matrix: every CRM endpoint × every seeded role × every data
 * scope, through the real stack (permission backend, the suite policy, the
 * access plugin's roles and grants, the CRM's SQL filters), on SQLite and
 * PostgreSQL. The expected records come from an independent oracle written
 * here from the role defaults and the org, not from the code under test.
 * The list of endpoints comes from the CRM router itself: a new route
 * without a case below fails the test.
 */

jest.setTimeout(600_000);
afterAll(dropTestDatabases);

const u = (name: string) => `user:default/${name}`;
const g = (name: string) => `group:default/${name}`;

/** One user per seeded role (from their catalog annotation), one without any, and one per data scope. */
const ROLE_USERS: Record<string, string> = {
  sales: 'zhouhao',
  'sales-manager': 'sunli',
  marketing: 'hemin',
  service: 'mali',
  finance: 'xuming',
  'general-manager': 'wangjianguo',
  admin: 'lijun',
  none: 'liuxiaomei',
};
const SCOPES: Array<{ scope: DataScope; departments?: string[] }> = [
  { scope: 'own' },
  { scope: 'department' },
  { scope: 'subtree' },
  { scope: 'specified', departments: [g('sales-2')] },
  { scope: 'all' },
];
const scopeUser = (scope: DataScope) => `scope-${scope}`;

/** Test users for the scope roles: members of 销售部 (whose subtree is 销售一部 and 销售二部). */
const scopeEntities: Entity[] = SCOPES.map(({ scope }) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: scopeUser(scope), namespace: 'default' },
  spec: { memberOf: ['sales'], profile: { displayName: scopeUser(scope) } },
  relations: [{ type: 'memberOf', targetRef: g('sales') }],
}));

/** The customers of the matrix: managers across departments, one with an explicit 归属部门, one co-managed across departments. */
const CUSTOMERS: Array<{ key: string; managers: string[]; ownerDepartment?: string }> = [
  { key: 'c1', managers: ['zhouhao'] },
  { key: 'c2', managers: ['wufang'] },
  { key: 'c3', managers: ['chenjing'] },
  { key: 'c4', managers: ['linfeng', 'zhouhao'] },
  { key: 'c5', managers: ['zhaoqiang'] },
  { key: 'c6', managers: ['hemin'] },
  { key: 'c7', managers: ['mali'] },
  { key: 'c8', managers: ['scope-own'] },
  { key: 'c9', managers: ['wangjianguo'] },
  { key: 'c10', managers: ['sunli'], ownerDepartment: g('sales-2') },
];

type Kind = 'customer' | 'contact' | 'visit' | 'contract';
const MODEL: Record<Kind, ResourceModel> = { customer: CRM_MODELS[0], contact: CRM_MODELS[1], visit: CRM_MODELS[2], contract: CRM_MODELS[3] };

interface Org {
  departmentsOf(user: string): string[];
  subtree(dept: string): string[];
}

function orgOf(entities: Entity[]): Org {
  const parent = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const e of entities) {
    const ref = `${e.kind.toLowerCase()}:default/${e.metadata.name}`;
    for (const r of e.relations ?? []) {
      if (r.type === 'childOf') parent.set(ref, r.targetRef);
      if (r.type === 'memberOf') members.set(ref, [...(members.get(ref) ?? []), r.targetRef]);
    }
  }
  const groups = entities.filter(e => e.kind === 'Group').map(e => g(e.metadata.name));
  return {
    departmentsOf: user => members.get(u(user)) ?? [],
    subtree: dept => groups.filter(x => {
      for (let cur: string | undefined = x; cur; cur = parent.get(cur)) if (cur === dept) return true;
      return false;
    }),
  };
}

/** What a user may do: the oracle, from role defaults (seeded roles) or the scope roles made by the test. */
function grantsOf(user: string): Array<{ resourceType: string; action: AccessAction; scope: DataScope; departments?: string[] }> {
  const role = Object.entries(ROLE_USERS).find(([, name]) => name === user)?.[0];
  if (role) {
    return CRM_MODELS.flatMap(m => (m.defaults?.grants ?? []).filter(x => x.role === role).map(x => ({ resourceType: m.resourceType, action: x.action, scope: x.scope })));
  }
  const spec = SCOPES.find(s => scopeUser(s.scope) === user);
  if (!spec) return [];
  return CRM_MODELS.flatMap(m =>
    m.actions.map(action => (action === 'create' ? { resourceType: m.resourceType, action, scope: 'all' as const } : { resourceType: m.resourceType, action, ...spec })),
  );
}

function hiddenFieldsOf(user: string, kind: Kind): string[] {
  const role = Object.entries(ROLE_USERS).find(([, name]) => name === user)?.[0];
  return (MODEL[kind].defaults?.fieldRules ?? []).filter(r => r.role === role && r.mode === 'hidden').map(r => r.field);
}

describe.each(DATABASES)('permission matrix on %s', (databaseId: string) => {
  const entities = [...demoOrgEntities(), ...scopeEntities];
  const org = orgOf(entities);
  let server: Parameters<typeof request>[0];
  /**
   * key → the customer (with its contact, visit and contract) and whose they
   * are: a customer's managers and 归属部门; a contract's own 负责人 (the
   * first manager) and 归属部门 (the customer's explicit one, else the owner's).
   */
  const data = new Map<
    string,
    { customer: string; contact: string; visit: string; contract: string; attachment: string; ownerDepartment: string | null; managers: string[]; contractOwner: string; contractDepartment: string | null }
  >();

  const call = (user: string, method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
    const req = request(server)[method](`/api/crm${path}`).set('Authorization', mockCredentials.user.header(u(user))).set('Accept-Language', 'zh-CN');
    return body ? req.send(body) : req;
  };

  /** The keys of the customers a user may act on with `action` on `kind` (contacts and visits follow their customer, contracts have their own owner and 归属部门). */
  const allowed = (user: string, kind: Kind, action: AccessAction): Set<string> => {
    const grants = grantsOf(user).filter(x => x.resourceType === MODEL[kind].resourceType && x.action === action);
    const out = new Set<string>();
    for (const [key, d] of data) {
      const owners = kind === 'contract' ? [d.contractOwner] : d.managers;
      const department = kind === 'contract' ? d.contractDepartment : d.ownerDepartment;
      const ok = grants.some(x => {
        const own = owners.includes(u(user));
        if (x.scope === 'all') return true;
        if (own) return true; // every scope includes one's own records
        if (x.scope === 'own') return false;
        const depts =
          x.scope === 'department'
            ? org.departmentsOf(user)
            : x.scope === 'subtree'
              ? org.departmentsOf(user).flatMap(org.subtree)
              : (x.departments ?? []);
        return department !== null && depts.includes(department);
      });
      if (ok) out.add(key);
    }
    return out;
  };
  const can = (user: string, kind: Kind, action: AccessAction) => grantsOf(user).some(x => x.resourceType === MODEL[kind].resourceType && x.action === action);
  const idOf = (kind: Kind, key: string) => data.get(key)![kind];
  const keysOf = (kind: Kind, ids: string[]) => ids.map(id => [...data].find(([, d]) => d[kind] === id)?.[0] ?? `foreign:${id}`).sort();
  const sorted = (s: Set<string>) => [...s].sort();

  const users = [...Object.values(ROLE_USERS), ...SCOPES.map(s => scopeUser(s.scope))];

  beforeAll(async () => {
    const started = await startTestBackend({
      features: [
        crmPlugin,
        accessPlugin,
        accessModuleCrm,
        permissionPlugin,
        suitePolicy,
        databaseServiceFactory,
        authWithActor,
        catalogServiceMock.factory({ entities }),
        mockServices.permissions.factory(),
        mockServices.rootConfig.factory({ data: { permission: { enabled: true }, backend: { database: databaseConfig(databaseId) } } }),
      ],
    });
    server = started.server;

    // the scope roles, made through the access API as the administrator
    for (const spec of SCOPES) {
      const grants = CRM_MODELS.flatMap(m =>
        m.actions.map(action =>
          action === 'create'
            ? { resourceType: m.resourceType, action, scope: 'all' }
            : { resourceType: m.resourceType, action, scope: spec.scope, ...(spec.departments ? { departments: spec.departments } : {}) },
        ),
      );
      const role = await request(server)
        .post('/api/access/roles')
        .set('Authorization', mockCredentials.user.header(u('lijun')))
        .send({ key: `matrix-${spec.scope}`, name: `矩阵-${spec.scope}`, grants, fieldRules: [] });
      expect({ status: role.status, body: role.body.error }).toEqual({ status: 201, body: undefined });
      const member = await request(server)
        .post(`/api/access/roles/${role.body.id}/members`)
        .set('Authorization', mockCredentials.user.header(u('lijun')))
        .send({ kind: 'user', ref: u(scopeUser(spec.scope)), includeSubdepartments: false });
      expect(member.status).toBe(201);
    }

    for (const c of CUSTOMERS) {
      const res = await call('wangjianguo', 'post', '/customers', {
        name: `矩阵测试客户${c.key}有限公司`,
        accountManagers: c.managers.map(u),
        annualRevenue: { amount: 123_400, currency: 'CNY' },
        expectedPurchase: { amount: 56_700, currency: 'CNY' },
        ...(c.ownerDepartment ? { ownerDepartment: c.ownerDepartment } : {}),
      });
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
      const contact = await call('wangjianguo', 'post', '/contacts', { customerId: res.body.id, name: `联系人${c.key}`, mobile: '13800000000' });
      expect(contact.status).toBe(201);
      const visit = await call('wangjianguo', 'post', '/visits', {
        customerId: res.body.id,
        visitorRef: u(c.managers[0]),
        visitedAt: '2026-03-01T02:00:00Z',
        content: `拜访${c.key}`,
        contactIds: [contact.body.id],
      });
      expect(visit.status).toBe(201);
      // the contract is the first manager's; 归属部门 the customer's explicit one, else its owner's
      const contract = await call('wangjianguo', 'post', '/contracts', {
        name: `矩阵测试合同${c.key}`,
        customerId: res.body.id,
        amount: { amount: 789_000 },
        owner: u(c.managers[0]),
        ...(c.ownerDepartment ? { ownerDepartment: c.ownerDepartment } : {}),
      });
      expect({ status: contract.status, error: contract.body.error }).toEqual({ status: 201, error: undefined });
      const attachment = await request(server)
        .post(`/api/crm/contracts/${contract.body.id}/attachments?fileName=${encodeURIComponent(`附件${c.key}.pdf`)}`)
        .set('Authorization', mockCredentials.user.header(u('wangjianguo')))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(`%PDF-1.7 ${c.key}`));
      expect(attachment.status).toBe(201);
      data.set(c.key, {
        customer: res.body.id,
        contact: contact.body.id,
        visit: visit.body.id,
        contract: contract.body.id,
        attachment: attachment.body.id,
        ownerDepartment: res.body.ownerDepartment,
        managers: c.managers.map(u),
        contractOwner: contract.body.owner,
        contractDepartment: contract.body.ownerDepartment,
      });
    }
    // a co-managed customer's contract is its first manager's only
    expect(data.get('c4')!.contractOwner).toBe(u('linfeng'));
    expect(data.get('c10')!.contractDepartment).toBe(g('sales-2'));
    // 归属部门 follows the first manager unless named
    expect(data.get('c4')!.ownerDepartment).toBe(g('sales-2'));
    expect(data.get('c10')!.ownerDepartment).toBe(g('sales-2'));
    expect(data.get('c5')!.ownerDepartment).toBe(g('sales'));
  });

  /** A record carries every field of its model except the hidden ones. */
  const expectFields = (user: string, kind: Kind, item: Record<string, unknown>, inList = false) => {
    // a list has no contract's attachments: only the contract itself lists its files
    const hidden = [...hiddenFieldsOf(user, kind), ...(inList && kind === 'contract' ? ['attachments'] : [])];
    const present = MODEL[kind].fields.map(f => f.name).filter(f => f in item);
    expect({ user, kind, present }).toEqual({ user, kind, present: MODEL[kind].fields.map(f => f.name).filter(f => !hidden.includes(f)) });
  };
  /** Exactly the allowed records come back, with exactly the allowed fields. */
  const expectRecords = (user: string, kind: Kind, items: Array<Record<string, unknown>>) => {
    expect({ user, kind, keys: keysOf(kind, items.map(i => String(i.id))) }).toEqual({ user, kind, keys: sorted(allowed(user, kind, 'read')) });
    for (const item of items) expectFields(user, kind, item, true);
  };

  const readXlsx = async (buffer: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const rows: string[][] = [];
    wb.worksheets[0].eachRow(r => rows.push((r.values as unknown[]).slice(1).map(v => String(v ?? ''))));
    return rows;
  };
  const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  type Case = (user: string) => Promise<void>;
  const listCase = (kind: Kind, path: string): Case => async user => {
    const res = await call(user, 'get', `${path}?pageSize=200`);
    if (!can(user, kind, 'read')) {
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
      return;
    }
    expect(res.status).toBe(200);
    expectRecords(user, kind, res.body.items);
    expect(res.body.totalCount).toBe(allowed(user, kind, 'read').size);
    // search applies the same scope: a substring every matrix record shares
    if (kind !== 'visit') {
      const q = await call(user, 'get', `${path}?pageSize=200&q=${encodeURIComponent({ customer: '矩阵测试', contact: '联系人c', contract: '矩阵测试合同' }[kind])}`);
      expectRecords(user, kind, q.body.items);
      expect(q.body.totalCount).toBe(allowed(user, kind, 'read').size);
    }
  };
  const exportCase = (kind: Kind, path: string): Case => async user => {
    const res = await call(user, 'get', path).buffer(true).parse(binary as never);
    if (!can(user, kind, 'export')) {
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
      return;
    }
    expect(res.status).toBe(200);
    const rows = await readXlsx(res.body as Buffer);
    const text = (key: string) => ({ customer: `矩阵测试客户${key}有限公司`, contact: `联系人${key}`, visit: `拜访${key}`, contract: `矩阵测试合同${key}` })[kind];
    const present = [...data.keys()].filter(key => rows.some(r => r.includes(text(key)))).sort();
    expect({ user, kind, present }).toEqual({ user, kind, present: sorted(allowed(user, kind, 'export')) });
    for (const f of hiddenFieldsOf(user, kind)) {
      const label = MODEL[kind].fields.find(x => x.name === f)!.label['zh-CN'];
      expect({ user, header: rows[0].includes(label) }).toEqual({ user, header: false });
    }
  };
  /** GET one record: 200 with the allowed fields inside the read scope, 404 outside. */
  const getCase = (kind: Kind, path: (key: string) => string): Case => async user => {
    const readable = allowed(user, kind, 'read');
    for (const key of data.keys()) {
      const res = await call(user, 'get', path(key));
      if (!can(user, kind, 'read')) {
        expect({ user, key, status: res.status }).toEqual({ user, key, status: 403 });
        continue;
      }
      expect({ user, key, status: res.status }).toEqual({ user, key, status: readable.has(key) ? 200 : 404 });
      if (res.status === 200) expectFields(user, kind, res.body);
    }
  };
  /** A change: 404 outside the read scope, 403 inside it but outside the action's scope, success inside both. */
  const expectedChangeStatus = (user: string, kind: Kind, action: AccessAction, key: string, ok: number) => {
    if (!can(user, kind, 'read') && !can(user, kind, action)) return 403;
    if (!allowed(user, kind, 'read').has(key)) return can(user, kind, 'read') ? 404 : 403;
    return allowed(user, kind, action).has(key) ? ok : 403;
  };
  const patchCase = (kind: Kind, path: string): Case => async user => {
    for (const key of data.keys()) {
      const id = idOf(kind, key);
      const current = await call('wangjianguo', 'get', `${path}/${id}`);
      const body = kind === 'visit' ? { version: current.body.version, nextPlan: `跟进${user}` } : { version: current.body.version, remark: `改动${user}` };
      const res = await call(user, 'patch', `${path}/${id}`, body);
      expect({ user, kind, key, status: res.status }).toEqual({ user, kind, key, status: expectedChangeStatus(user, kind, 'update', key, 200) });
    }
  };
  const deleteCase = (kind: Kind, path: string): Case => async user => {
    for (const key of data.keys()) {
      const id = idOf(kind, key);
      const current = await call('wangjianguo', 'get', `${path}/${id}`);
      const res = await call(user, 'delete', `${path}/${id}?version=${current.body.version}`);
      expect({ user, kind, key, status: res.status }).toEqual({ user, kind, key, status: expectedChangeStatus(user, kind, 'delete', key, 204) });
      if (res.status === 204) {
        const restored = await call(user, 'post', `${path}/${id}/restore`);
        expect({ user, key, status: restored.status }).toEqual({ user, key, status: 200 });
      }
    }
  };
  const restoreCase = (kind: Kind, path: string): Case => async user => {
    // restoring a live record: 409 when the caller may see it in the recycle bin scope, else 404/403
    for (const key of data.keys()) {
      const res = await call(user, 'post', `${path}/${idOf(kind, key)}/restore`);
      const expected = !can(user, kind, 'delete') ? 403 : allowed(user, kind, 'delete').has(key) ? 409 : 404;
      expect({ user, kind, key, status: res.status }).toEqual({ user, kind, key, status: expected });
    }
  };
  const createCase = (kind: Kind): Case => async user => {
    const target = [...data.keys()][0];
    const body = {
      customer: { name: `矩阵新建${user}${databaseId}` },
      contact: { customerId: idOf('customer', target), name: `新联系人${user}` },
      visit: { customerId: idOf('customer', target), visitedAt: '2026-03-02T02:00:00Z', content: `新拜访${user}`, visitorRef: u(user) },
      contract: { customerId: idOf('customer', target), name: `新合同${user}`, amount: { amount: 100 } },
    }[kind];
    const res = await call(user, 'post', `/${kind}s`, body);
    // contacts and visits go under a customer the user may change; a contract under one they may see
    const parentOk = kind === 'contract' ? allowed(user, 'customer', 'read').has(target) : allowed(user, kind, 'update').has(target);
    const expected = !can(user, kind, 'create') ? 403 : kind === 'customer' || parentOk ? 201 : 400;
    expect({ user, kind, status: res.status }).toEqual({ user, kind, status: expected });
    if (res.status === 201) {
      // keep the matrix data set as it was: remove what was created (as the GM)
      await call('wangjianguo', 'delete', `/${kind}s/${res.body.id}?version=${res.body.version}`).expect(204);
    }
  };
  const relationsCase: Case = async user => {
    for (const key of data.keys()) {
      const res = await call(user, 'get', `/relations?customerId=${idOf('customer', key)}`);
      const expected = !can(user, 'contact', 'read') ? 403 : 200;
      expect({ user, key, status: res.status }).toEqual({ user, key, status: expected });
    }
  };
  const relationWriteCase = (method: 'post' | 'patch' | 'delete'): Case => async user => {
    // a relation between the contacts of c1 and c2: only who may update both contacts
    const a = idOf('contact', 'c1');
    const b = idOf('contact', 'c2');
    const mayUpdate = allowed(user, 'contact', 'update');
    const mayRead = allowed(user, 'contact', 'read');
    const noPermission = !can(user, 'contact', 'read') || !can(user, 'contact', 'update');
    if (method === 'post') {
      // the first contact must be changeable, the second visible
      const res = await call(user, 'post', '/relations', { fromContactId: a, toContactId: b, type: 'friend' });
      const expected = noPermission ? 403 : mayUpdate.has('c1') && mayRead.has('c2') ? 201 : 400;
      expect({ user, status: res.status }).toEqual({ user, status: expected });
      if (res.status === 201) await call('wangjianguo', 'delete', `/relations/${res.body.id}?version=${res.body.version}`).expect(204);
      return;
    }
    const made = await call('wangjianguo', 'post', '/relations', { fromContactId: a, toContactId: b, type: 'colleague' }).expect(201);
    const res =
      method === 'patch'
        ? await call(user, 'patch', `/relations/${made.body.id}`, { version: made.body.version, strength: 'weak' })
        : await call(user, 'delete', `/relations/${made.body.id}?version=${made.body.version}`);
    const ok = method === 'patch' ? 200 : 204;
    const expected = !can(user, 'contact', 'read') ? 403 : !(mayRead.has('c1') && mayRead.has('c2')) ? 404 : noPermission || !mayUpdate.has('c1') ? 403 : ok;
    expect({ user, method, status: res.status }).toEqual({ user, method, status: expected });
    const live = await call('wangjianguo', 'get', `/relations?customerId=${idOf('customer', 'c1')}`);
    for (const r of live.body as Array<{ id: string; version: number }>) await call('wangjianguo', 'delete', `/relations/${r.id}?version=${r.version}`);
  };
  const timelineCase: Case = async user => {
    for (const key of data.keys()) {
      const res = await call(user, 'get', `/customers/${idOf('customer', key)}/timeline`);
      const expected = !can(user, 'customer', 'read') ? 403 : allowed(user, 'customer', 'read').has(key) ? 200 : 404;
      expect({ user, key, status: res.status }).toEqual({ user, key, status: expected });
      if (res.status === 200) {
        for (const f of hiddenFieldsOf(user, 'customer')) expect(JSON.stringify(res.body)).not.toContain(`"field":"${f}"`);
        const contractEntries = (res.body.items as Array<{ kind: string; amount?: unknown }>).filter(e => e.kind.startsWith('contract.'));
        expect({ user, key, contract: contractEntries.length > 0 }).toEqual({ user, key, contract: allowed(user, 'contract', 'read').has(key) });
        if (hiddenFieldsOf(user, 'contract').includes('amount')) expect(contractEntries.filter(e => e.amount)).toEqual([]);
      }
    }
  };
  const graphCase: Case = async user => {
    for (const key of data.keys()) {
      const res = await call(user, 'get', `/customers/${idOf('customer', key)}/graph`);
      const expected = !can(user, 'customer', 'read') ? 403 : allowed(user, 'customer', 'read').has(key) ? 200 : 404;
      expect({ user, key, status: res.status }).toEqual({ user, key, status: expected });
      if (res.status === 200) {
        const contactNodes = (res.body.nodes as Array<{ id: string; kind: string }>).filter(n => n.kind === 'contact').map(n => n.id);
        expect(contactNodes).toEqual(allowed(user, 'contact', 'read').has(key) ? [idOf('contact', key)] : []);
      }
    }
  };
  const auditCase = (path: string): Case => async user => {
    const res = await call(user, 'get', path);
    const mayRead = user === 'lijun' || user === 'wangjianguo';
    const mayExport = user === 'lijun';
    expect({ user, status: res.status }).toEqual({ user, status: (path.endsWith('export') ? mayExport : mayRead) ? 200 : 403 });
  };
  const serviceOnly = (method: 'get' | 'post', path: string): Case => async user => {
    const res = method === 'get' ? await call(user, 'get', path) : await call(user, 'post', path, {});
    expect({ user, status: res.status }).toEqual({ user, status: 403 });
  };
  const accessViewCase: Case = async user => {
    const res = await call(user, 'get', '/access');
    expect(res.status).toBe(200);
    for (const kind of ['customer', 'contact', 'visit', 'contract'] as Kind[]) {
      for (const action of MODEL[kind].actions) {
        expect({ user, kind, action, can: Boolean(res.body.can[kind][action]) }).toEqual({ user, kind, action, can: can(user, kind, action) });
      }
      expect([...res.body.fields[kind].hidden].sort()).toEqual(hiddenFieldsOf(user, kind).sort());
    }
  };

  /** 提交审批 / 重新提交 with a version the caller never saw: within scope the version check answers (409), no workflow is reached. */
  const approvalCase = (action: 'submit' | 'resubmit'): Case => async user => {
    for (const key of data.keys()) {
      const res = await call(user, 'post', `/contracts/${idOf('contract', key)}/${action}`, { version: -1 });
      expect({ user, action, key, status: res.status }).toEqual({ user, action, key, status: expectedChangeStatus(user, 'contract', 'update', key, 409) });
    }
  };
  const uploadCase: Case = async user => {
    for (const key of data.keys()) {
      const res = await request(server)
        .post(`/api/crm/contracts/${idOf('contract', key)}/attachments?fileName=x.pdf`)
        .set('Authorization', mockCredentials.user.header(u(user)))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('%PDF-1.7 x'));
      const expected = hiddenFieldsOf(user, 'contract').includes('attachments') && res.status !== 404 ? 403 : expectedChangeStatus(user, 'contract', 'update', key, 201);
      expect({ user, key, status: res.status }).toEqual({ user, key, status: expected });
      if (res.status === 201) await call('wangjianguo', 'delete', `/contracts/${idOf('contract', key)}/attachments/${res.body.id}`).expect(204);
    }
  };
  const downloadCase: Case = async user => {
    for (const key of data.keys()) {
      const res = await call(user, 'get', `/contracts/${idOf('contract', key)}/attachments/${data.get(key)!.attachment}`);
      const expected = !can(user, 'contract', 'read') ? 403 : allowed(user, 'contract', 'read').has(key) && !hiddenFieldsOf(user, 'contract').includes('attachments') ? 200 : 404;
      expect({ user, key, status: res.status }).toEqual({ user, key, status: expected });
    }
  };
  const removeAttachmentCase: Case = async user => {
    for (const key of data.keys()) {
      const contract = idOf('contract', key);
      const made = await request(server)
        .post(`/api/crm/contracts/${contract}/attachments?fileName=y.pdf`)
        .set('Authorization', mockCredentials.user.header(u('wangjianguo')))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('%PDF-1.7 y'))
        .expect(201);
      const res = await call(user, 'delete', `/contracts/${contract}/attachments/${made.body.id}`);
      expect({ user, key, status: res.status }).toEqual({ user, key, status: expectedChangeStatus(user, 'contract', 'update', key, 204) });
      if (res.status !== 204) await call('wangjianguo', 'delete', `/contracts/${contract}/attachments/${made.body.id}`).expect(204);
    }
  };

  const CASES: Record<string, Case> = {
    'GET /access': accessViewCase,
    'GET /customers/export': exportCase('customer', '/customers/export'),
    'GET /contacts/export': exportCase('contact', '/contacts/export'),
    'GET /visits/export': exportCase('visit', '/visits/export'),
    'GET /audit': auditCase('/audit'),
    'GET /audit/export': auditCase('/audit/export'),
    'GET /handover/items': serviceOnly('get', '/handover/items?kind=employee&from=user:default/zhouhao'),
    'POST /handover/execute': serviceOnly('post', '/handover/execute'),
    'POST /handover/revert': serviceOnly('post', '/handover/revert'),
    // facts for the mail plugin's routing; the mail plugin applies the viewer's visibility itself
    'POST /mail-routing/match': serviceOnly('post', '/mail-routing/match'),
    'POST /mail-routing/customers': serviceOnly('post', '/mail-routing/customers'),
    'POST /mail-routing/contacts': serviceOnly('post', '/mail-routing/contacts'),
    'POST /mail-routing/contracts': serviceOnly('post', '/mail-routing/contracts'),
    'GET /customers': listCase('customer', '/customers'),
    'POST /customers': createCase('customer'),
    'GET /customers/:id': getCase('customer', key => `/customers/${idOf('customer', key)}`),
    'PATCH /customers/:id': patchCase('customer', '/customers'),
    'DELETE /customers/:id': deleteCase('customer', '/customers'),
    'POST /customers/:id/restore': restoreCase('customer', '/customers'),
    'GET /customers/:id/timeline': timelineCase,
    'GET /customers/:id/graph': graphCase,
    'GET /contacts': listCase('contact', '/contacts'),
    'POST /contacts': createCase('contact'),
    'GET /contacts/:id': getCase('contact', key => `/contacts/${idOf('contact', key)}`),
    'PATCH /contacts/:id': patchCase('contact', '/contacts'),
    'DELETE /contacts/:id': deleteCase('contact', '/contacts'),
    'POST /contacts/:id/restore': restoreCase('contact', '/contacts'),
    'GET /relations': relationsCase,
    'POST /relations': relationWriteCase('post'),
    'PATCH /relations/:id': relationWriteCase('patch'),
    'DELETE /relations/:id': relationWriteCase('delete'),
    'GET /visits': listCase('visit', '/visits'),
    'POST /visits': createCase('visit'),
    'GET /visits/:id': getCase('visit', key => `/visits/${idOf('visit', key)}`),
    'PATCH /visits/:id': patchCase('visit', '/visits'),
    'DELETE /visits/:id': deleteCase('visit', '/visits'),
    'POST /visits/:id/restore': restoreCase('visit', '/visits'),
    'GET /contracts/export': exportCase('contract', '/contracts/export'),
    'GET /contracts': listCase('contract', '/contracts'),
    'POST /contracts': createCase('contract'),
    'GET /contracts/:id': getCase('contract', key => `/contracts/${idOf('contract', key)}`),
    'PATCH /contracts/:id': patchCase('contract', '/contracts'),
    'DELETE /contracts/:id': deleteCase('contract', '/contracts'),
    'POST /contracts/:id/restore': restoreCase('contract', '/contracts'),
    'POST /contracts/:id/submit': approvalCase('submit'),
    'POST /contracts/:id/resubmit': approvalCase('resubmit'),
    'POST /contracts/:id/attachments': uploadCase,
    'GET /contracts/:id/attachments/:attachmentId': downloadCase,
    'DELETE /contracts/:id/attachments/:attachmentId': removeAttachmentCase,
  };

  it('has a case for every route of the CRM router', () => {
    const stub = new Proxy({}, { get: () => ({}) }) as never;
    const router = createRouter(stub) as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
    const routes = router.stack
      .filter(l => l.route)
      .flatMap(l => Object.keys(l.route!.methods).map(m => `${m.toUpperCase()} ${l.route!.path}`));
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter(r => !CASES[r])).toEqual([]);
    expect(Object.keys(CASES).filter(c => !routes.includes(c))).toEqual([]);
  });

  it.each(Object.keys(CASES))('%s answers exactly what each role and scope allows', async route => {
    expect.hasAssertions();
    for (const user of users) await CASES[route](user);
  });
});
