import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ACCESS_MODELS, BUILTIN_ROLES, Role } from '@cocrm/plugin-access-common';
import { mockServices } from '@backstage/backend-test-utils';
import { AccessTestBackend, databases, refPath, requiredDatabases, startAccess } from './__testUtils__/testBackend';
import { CUSTOMER_MODEL, FOLDER_MODEL, group, user } from './__testUtils__/org';
import { seedAccess } from './service/seedAccess';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('access API on %s', (databaseId: TestDatabaseId) => {
  let access: AccessTestBackend;
  const admin = () => access.as('wangjianguo');
  const roleByKey = async (key: string): Promise<Role> => (await admin().get('/roles')).body.find((r: Role) => r.key === key);
  const count = async (table: string) => Number((await access.knex(table).count({ n: '*' }).first())?.n);

  beforeAll(async () => {
    access = await startAccess(databaseId);
  });

  it('creates the built-in roles with the defaults of every registered resource type', async () => {
    const res = await admin().get('/roles');
    expect(res.status).toBe(200);
    const roles: Role[] = res.body;
    expect(roles.filter(r => r.builtin).map(r => [r.key, r.name])).toEqual(BUILTIN_ROLES.map(r => [r.key, r.name['zh-CN']]));
    const sales = roles.find(r => r.key === 'sales')!;
    expect(sales.grants).toEqual([
      { resourceType: 'crm-customer', action: 'read', scope: 'own' },
      { resourceType: 'crm-customer', action: 'update', scope: 'own' },
      { resourceType: 'crm-customer', action: 'create', scope: 'all' },
    ]);
    expect(sales.fieldRules).toEqual([{ resourceType: 'crm-customer', field: 'annualRevenue', mode: 'hidden' }]);
    expect(roles.find(r => r.key === 'admin')!.grants.map(g => `${g.resourceType}.${g.action}`)).toEqual(
      expect.arrayContaining(['access-settings.read', 'access-settings.update', 'suite-audit.export', 'handover.create']),
    );
  });

  it('never applies defaults twice, so admins\u2019 edits stay', async () => {
    const sales = await roleByKey('sales');
    const edited = await admin().patch(`/roles/${sales.id}`, { version: sales.version, grants: [{ resourceType: 'crm-customer', action: 'read', scope: 'department' }] });
    expect(edited.status).toBe(200);
    const rolesBefore = await count('access_roles');
    // a restart, and two replicas starting at the same moment
    const models = [...ACCESS_MODELS, CUSTOMER_MODEL, FOLDER_MODEL];
    await Promise.all([seedAccess(access.knex, models, mockServices.logger.mock()), seedAccess(access.knex, models, mockServices.logger.mock())]);
    expect(await count('access_roles')).toBe(rolesBefore);
    const after = await roleByKey('sales');
    expect(after.grants).toEqual([{ resourceType: 'crm-customer', action: 'read', scope: 'department' }]);
    expect(after.version).toBe(edited.body.version);
    // restore the defaults for the tests below
    const restored = await admin().patch(`/roles/${sales.id}`, {
      version: after.version,
      grants: [
        { resourceType: 'crm-customer', action: 'read', scope: 'own' },
        { resourceType: 'crm-customer', action: 'update', scope: 'own' },
        { resourceType: 'crm-customer', action: 'create', scope: 'all' },
      ],
    });
    expect(restored.status).toBe(200);
  });

  it('creates, reads, updates and deletes a role, with an audit row for each change', async () => {
    const created = await admin().post('/roles', {
      key: 'key-account',
      name: '大客户经理',
      description: '负责重点客户',
      grants: [
        { resourceType: 'crm-customer', action: 'read', scope: 'specified', departments: [group('sales-east'), group('sales-east')], includeSubdepartments: true },
        { resourceType: 'crm-customer', action: 'export', scope: 'department', departments: [group('finance')] },
      ],
      fieldRules: [{ resourceType: 'crm-customer', field: 'phone', mode: 'readOnly' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: 'key-account',
      name: '大客户经理',
      builtin: false,
      version: 1,
      createdBy: user('wangjianguo'),
      memberCount: 0,
      // departments are kept only for `specified`, each once
      grants: [
        { resourceType: 'crm-customer', action: 'read', scope: 'specified', departments: [group('sales-east')], includeSubdepartments: true },
        { resourceType: 'crm-customer', action: 'export', scope: 'department' },
      ],
    });
    const id = created.body.id;
    expect((await admin().get(`/roles/${id}`)).body.name).toBe('大客户经理');

    const updated = await admin().patch(`/roles/${id}`, { version: 1, name: '重点客户经理', fieldRules: [] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: '重点客户经理', version: 2, fieldRules: [], description: '负责重点客户' });
    expect(updated.body.grants).toHaveLength(2);

    const stale = await admin().patch(`/roles/${id}`, { version: 1, name: '旧名称' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('该记录已被他人修改，请刷新后重试');
    expect((await admin().get(`/roles/${id}`)).body.name).toBe('重点客户经理');

    const staleDelete = await admin().delete(`/roles/${id}?version=1`);
    expect(staleDelete.status).toBe(409);
    expect((await admin().delete(`/roles/${id}?version=2`)).status).toBe(204);
    expect((await admin().get(`/roles/${id}`)).status).toBe(404);
    // the key may be used again once the role is gone
    const again = await admin().post('/roles', { key: 'key-account', name: '大客户经理' });
    expect(again.status).toBe(201);

    const audit = await admin().get(`/audit?recordId=${id}&order=asc`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'updated', 'deleted']);
    expect(audit.body.items[1]).toMatchObject({
      source: 'access',
      recordType: 'role',
      actor: user('wangjianguo'),
      summary: '重点客户经理',
      changes: [
        { field: 'name', from: '大客户经理', to: '重点客户经理' },
        { field: 'fieldRules', from: [{ resourceType: 'crm-customer', field: 'phone', mode: 'readOnly' }], to: [] },
      ],
    });
  });

  it('refuses invalid grants with a message per field, in Chinese and English, and writes nothing', async () => {
    const rolesBefore = await count('access_roles');
    const auditBefore = await count('access_audit');
    const body = {
      key: 'broken',
      name: '',
      grants: [
        { resourceType: 'crm-contract', action: 'read', scope: 'all' },
        { resourceType: 'crm-customer', action: 'assign', scope: 'all' },
        { resourceType: 'access-settings', action: 'read', scope: 'own' },
        { resourceType: 'crm-customer', action: 'create', scope: 'department' },
        { resourceType: 'crm-customer', action: 'read', scope: 'specified' },
        { resourceType: 'crm-customer', action: 'update', scope: 'specified', departments: [group('gone')] },
        { resourceType: 'crm-customer', action: 'read', scope: 'own' },
      ],
      fieldRules: [{ resourceType: 'crm-customer', field: 'salary', mode: 'hidden' }],
    };
    // the schema's own messages first
    const schema = await admin().post('/roles', body);
    expect(schema.status).toBe(400);
    expect(schema.body.error).toMatchObject({ name: 'InputError', message: '提交的数据有误，请检查标红的字段', fields: { name: '此项必填' } });

    const zh = await admin().post('/roles', { ...body, name: '坏角色' });
    expect(zh.status).toBe(400);
    expect(zh.body.error.fields).toEqual({
      'grants.0.resourceType': '资源类型 crm-contract 不存在',
      'grants.1.action': '资源“客户”没有“分配”操作',
      'grants.2.scope': '“系统设置（角色与授权）”的“查看”不区分数据范围，只能授予“全部”',
      'grants.3.scope': '“客户”的“新建”不区分数据范围，只能授予“全部”',
      'grants.4.departments': '“指定部门”须至少选择一个部门',
      'grants.5.departments.0': '部门 group:default/gone 不存在',
      'grants.6': '同一资源的同一操作只能授权一次',
      'fieldRules.0.field': '资源“客户”没有字段 salary',
    });
    const en = await access.as('wangjianguo', 'en-US,en;q=0.9').post('/roles', { ...body, name: '坏角色' });
    expect(en.status).toBe(400);
    expect(en.body.error.message).toBe('Some fields are invalid');
    expect(en.body.error.fields).toMatchObject({
      'grants.0.resourceType': 'Unknown resource type crm-contract',
      'grants.1.action': '"Customer" has no action "Assign"',
      'grants.3.scope': '"Create" on "Customer" has no data scope; only "all" can be granted',
      'grants.5.departments.0': 'Department group:default/gone does not exist',
      'fieldRules.0.field': '"Customer" has no field salary',
    });
    expect(await count('access_roles')).toBe(rolesBefore);
    expect(await count('access_audit')).toBe(auditBefore);

    const taken = await admin().post('/roles', { key: 'sales', name: '另一个销售' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe('角色标识“sales”已被使用');
    const nameTaken = await access.as('wangjianguo', 'en').post('/roles', { key: 'sales-2', name: '销售员' });
    expect(nameTaken.status).toBe(409);
    expect(nameTaken.body.error.message).toBe('The role name "销售员" is taken');
  });

  it('refuses to delete a built-in role or a role that is still granted, and changes nothing', async () => {
    const builtin = await roleByKey('finance');
    const res = await admin().delete(`/roles/${builtin.id}?version=${builtin.version}`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('内置角色“财务”不能删除');

    const role = (await admin().post('/roles', { key: 'auditors', name: '审计员' })).body;
    const m1 = await admin().post(`/roles/${role.id}/members`, { kind: 'user', ref: user('chenjing') });
    expect(m1.status).toBe(201);
    const m2 = await admin().post(`/roles/${role.id}/members`, { kind: 'department', ref: group('finance'), includeSubdepartments: true });
    expect(m2.status).toBe(201);
    const inUse = await admin().delete(`/roles/${role.id}?version=${role.version}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toBe('角色“审计员”仍分配给 2 个用户或部门，请先移除这些成员再删除');
    const inUseEn = await access.as('wangjianguo', 'en').delete(`/roles/${role.id}?version=${role.version}`);
    expect(inUseEn.body.error.message).toBe('The role "审计员" is still given to 2 users or departments; remove them first');
    const still = await admin().get(`/roles/${role.id}`);
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ version: role.version, memberCount: 2 });

    expect((await admin().delete(`/roles/${role.id}/members/${m1.body.id}`)).status).toBe(204);
    expect((await admin().delete(`/roles/${role.id}/members/${m2.body.id}`)).status).toBe(204);
    expect((await admin().delete(`/roles/${role.id}/members/${m2.body.id}`)).status).toBe(404);
    expect((await admin().delete(`/roles/${role.id}?version=${role.version}`)).status).toBe(204);
  });

  it('counts holders through the catalog annotation cocrm.io/roles as holders too', async () => {
    // liuyang's catalog entry names the role key `auditor`
    const role = (await admin().post('/roles', { key: 'auditor', name: '内审' })).body;
    const del = await admin().delete(`/roles/${role.id}?version=${role.version}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toBe('角色“内审”仍分配给 1 个用户或部门，请先移除这些成员再删除');
    const shown = await admin().get(`/roles/${role.id}`);
    expect(shown.status).toBe(200);
    // the admin UI lists such holders next to the explicit members
    expect(shown.body).toMatchObject({ catalogHolders: [user('liuyang')], memberCount: 1 });
    // approval flows ask who holds a role: catalog holders and explicit members alike
    expect((await admin().post(`/roles/${role.id}/members`, { kind: 'user', ref: user('wufang') })).status).toBe(201);
    const holders = await access.asService().get('/role-holders/auditor');
    expect(holders.status).toBe(200);
    expect(holders.body).toEqual([user('liuyang'), user('wufang')].sort());
    expect((await access.as('zhouhao').get('/role-holders/auditor')).status).toBe(403);
  });

  it('manages members: only existing users and departments, each once', async () => {
    const role = (await admin().post('/roles', { key: 'members-test', name: '成员测试' })).body;
    const url = `/roles/${role.id}/members`;
    const unknownUser = await admin().post(url, { kind: 'user', ref: user('nobody') });
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.body.error.fields).toEqual({ ref: '用户 user:default/nobody 不存在' });
    const unknownDept = await access.as('wangjianguo', 'en').post(url, { kind: 'department', ref: group('nowhere') });
    expect(unknownDept.body.error.fields).toEqual({ ref: 'Department group:default/nowhere does not exist' });
    const added = await admin().post(url, { kind: 'user', ref: user('wufang'), includeSubdepartments: true });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ roleId: role.id, kind: 'user', ref: user('wufang'), includeSubdepartments: false, createdBy: user('wangjianguo') });
    const dup = await admin().post(url, { kind: 'user', ref: user('wufang') });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe('该成员已拥有此角色');
    const list = await admin().get(url);
    expect(list.body.map((m: { ref: string }) => m.ref)).toEqual([user('wufang')]);
    expect((await admin().get(`/roles/${role.id}`)).body.memberCount).toBe(1);
    expect((await admin().post(`/roles/00000000-0000-4000-8000-000000000000/members`, { kind: 'user', ref: user('wufang') })).status).toBe(404);
  });

  it('lets only holders of the settings permissions read and change roles', async () => {
    const denied = await access.as('zhouhao').get('/roles');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('没有执行此操作的权限');
    expect((await access.as('zhouhao', 'en').post('/roles', { key: 'mine', name: '我的' })).body.error.message).toBe('You are not allowed to do this');
  });

  it('compiles and explains access: scopes, department inheritance, catalog roles and direct grants', async () => {
    const role = (await admin().post('/roles', {
      key: 'east-viewer',
      name: '华东查看',
      grants: [
        { resourceType: 'crm-customer', action: 'read', scope: 'subtree' },
        { resourceType: 'netdisk-folder', action: 'read', scope: 'specified', departments: [group('finance')] },
      ],
      fieldRules: [
        { resourceType: 'crm-customer', field: 'phone', mode: 'hidden' },
        { resourceType: 'crm-customer', field: 'annualRevenue', mode: 'readOnly' },
      ],
    })).body;
    await admin().post(`/roles/${role.id}/members`, { kind: 'department', ref: group('sales'), includeSubdepartments: true });
    const grant = await admin().post('/grants', {
      subjectKind: 'user',
      subjectRef: user('zhouhao'),
      resourceType: 'crm-customer',
      action: 'export',
      scope: 'specified',
      departments: [group('sales')],
      scopeIncludeSubdepartments: true,
    });
    expect(grant.status).toBe(201);
    expect(grant.body).toMatchObject({ subjectKind: 'user', includeSubdepartments: false, scope: 'specified', departments: [group('sales')], scopeIncludeSubdepartments: true, version: 1 });

    // another plugin asks with its service token
    const compiled = await access.asService().get(`/users/${refPath(user('zhouhao'))}/compiled`);
    expect(compiled.status).toBe(200);
    expect(compiled.body.permissions).toEqual({
      // catalog role `sales`: own; department role (inherited from 销售部): subtree of 华东销售组
      'crm.customer.read': { all: false, owners: [user('zhouhao')], departments: [group('sales-east'), group('sales-east-sh')] },
      'crm.customer.update': { all: false, owners: [user('zhouhao')], departments: [] },
      'crm.customer.create': { all: true, owners: [], departments: [] },
      'crm.customer.export': {
        all: false,
        owners: [user('zhouhao')],
        departments: [group('sales'), group('sales-east'), group('sales-east-sh'), group('sales-north')],
      },
      'netdisk.folder.read': { all: false, owners: [user('zhouhao')], departments: [group('finance')] },
    });
    // 销售员 hides annualRevenue where 华东查看 only makes it read-only; 华东查看 hides phone, which 销售员 shows
    expect(compiled.body.fields).toEqual({ 'crm-customer': { hidden: [], readOnly: ['annualRevenue'] }, 'netdisk-folder': { hidden: [], readOnly: [] } });

    // the user may see their own, not somebody else's
    expect((await access.as('zhouhao').get(`/users/${refPath(user('zhouhao'))}/compiled`)).status).toBe(200);
    expect((await access.as('zhouhao').get(`/users/${refPath(user('wufang'))}/compiled`)).status).toBe(403);
    const unknown = await access.asService().get(`/users/${refPath(user('nobody'))}/compiled`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('用户 user:default/nobody 不存在');

    const effective = await admin().get(`/users/${refPath(user('zhouhao'))}/effective`);
    expect(effective.status).toBe(200);
    expect(effective.body).toMatchObject({ userRef: user('zhouhao'), displayName: '周浩', departments: [{ ref: group('sales-east'), displayName: '华东销售组' }] });
    expect(effective.body.roles).toEqual(
      expect.arrayContaining([
        { roleId: role.id, key: 'east-viewer', name: '华东查看', reasons: [{ via: 'role', roleId: role.id, roleName: '华东查看', membership: { kind: 'department', departmentRef: group('sales-east'), inheritedFrom: group('sales') } }] },
        expect.objectContaining({ key: 'sales', reasons: [expect.objectContaining({ membership: { kind: 'catalog' } })] }),
      ]),
    );
    const exportPerm = effective.body.permissions.find((p: { permission: string }) => p.permission === 'crm.customer.export');
    expect(exportPerm).toEqual({
      resourceType: 'crm-customer',
      action: 'export',
      permission: 'crm.customer.export',
      scopes: [{ scope: 'specified', departments: [group('sales')], includeSubdepartments: true, reasons: [{ via: 'user-grant', grantId: grant.body.id }] }],
      departmentNames: ['销售部', '华东销售组', '上海小组', '华北销售组'],
      all: false,
    });
    // own view without the settings permission; somebody else's needs it
    expect((await access.as('zhouhao').get(`/users/${refPath(user('zhouhao'))}/effective`)).status).toBe(200);
    expect((await access.as('zhouhao').get(`/users/${refPath(user('wufang'))}/effective`)).status).toBe(403);

    // a change shows at once on this replica
    const list = await admin().get(`/grants?subjectKind=user&subjectRef=${encodeURIComponent(user('zhouhao'))}`);
    expect(list.body.map((g: { id: string }) => g.id)).toEqual([grant.body.id]);
    expect((await admin().delete(`/grants/${grant.body.id}?version=1`)).status).toBe(204);
    const after = await access.asService().get(`/users/${refPath(user('zhouhao'))}/compiled`);
    expect(after.body.permissions['crm.customer.export']).toBeUndefined();
  });

  it('validates direct grants and refuses duplicates and stale deletes', async () => {
    const bad = await admin().post('/grants', { subjectKind: 'department', subjectRef: group('nowhere'), resourceType: 'crm-customer', action: 'read', scope: 'own' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ subjectRef: '部门 group:default/nowhere 不存在' });
    const notScoped = await admin().post('/grants', { subjectKind: 'user', subjectRef: user('wufang'), resourceType: 'suite-audit', action: 'read', scope: 'own' });
    expect(notScoped.body.error.fields).toEqual({ scope: '“审计日志”的“查看”不区分数据范围，只能授予“全部”' });
    const body = { subjectKind: 'department', subjectRef: group('finance'), includeSubdepartments: true, resourceType: 'suite-audit', action: 'read', scope: 'all' };
    const ok = await admin().post('/grants', body);
    expect(ok.status).toBe(201);
    const dup = await admin().post('/grants', body);
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe('同一资源的同一操作只能授权一次');
    // liuyang is in 财务部: the department grant reaches him
    const compiled = await access.asService().get(`/users/${refPath(user('liuyang'))}/compiled`);
    expect(compiled.body.permissions['suite.audit.read']).toEqual({ all: true, owners: [], departments: [] });
    expect((await admin().delete(`/grants/${ok.body.id}?version=7`)).status).toBe(409);
    expect((await admin().delete(`/grants/${ok.body.id}`)).body.error.fields).toEqual({ version: '此项必填' });
    expect((await admin().delete(`/grants/${ok.body.id}?version=1`)).status).toBe(204);
    expect((await admin().delete(`/grants/${ok.body.id}?version=1`)).status).toBe(404);
  });

  it('serves the model to services and the org to signed-in users', async () => {
    const model = await access.asService().get('/model');
    expect(model.status).toBe(200);
    expect(model.body.resources.map((m: { resourceType: string }) => m.resourceType)).toEqual([
      ...ACCESS_MODELS.map(m => m.resourceType),
      'crm-customer',
      'netdisk-folder',
    ]);
    const org = await access.as('zhouhao').get('/org');
    expect(org.status).toBe(200);
    expect(org.body.departments).toEqual(
      expect.arrayContaining([{ ref: group('sales-east'), displayName: '华东销售组', parent: group('sales'), leader: null, memberCount: 1 }]),
    );
    expect(org.body.users.find((u: { ref: string }) => u.ref === user('wangjianguo')).catalogRoles).toEqual(['general-manager', 'admin']);
    expect((await access.asService().get('/org')).status).toBe(403);
  });
});

describe('test databases', () => {
  it('include PostgreSQL whenever CI demands it', () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toEqual(expect.arrayContaining(requiredDatabases));
  });
});
