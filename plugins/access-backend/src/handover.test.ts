import { TestDatabaseId } from '@backstage/backend-test-utils';
import { HandoverPreview } from '@cocrm/plugin-access-common';
import { AccessTestBackend, databases, startAccess } from './__testUtils__/testBackend';
import { group, user } from './__testUtils__/org';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('工作移交 on %s', (databaseId: TestDatabaseId) => {
  let access: AccessTestBackend;
  const admin = (locale?: string) => access.as('wangjianguo', locale);
  const request = (overrides: object = {}) => ({ kind: 'employee', from: user('zhouhao'), receivers: [user('wufang'), user('sunli')], reason: '离职', ...overrides });

  beforeAll(async () => {
    access = await startAccess(databaseId);
    // both receivers may take customers and visits; only 吴芳 may take net disk folders
    const customers = (await admin().post('/roles', {
      key: 'customer-keeper',
      name: '客户承接',
      grants: [
        { resourceType: 'crm-customer', action: 'read', scope: 'own' },
        { resourceType: 'crm-customer', action: 'update', scope: 'own' },
      ],
    })).body;
    const folders = (await admin().post('/roles', { key: 'folder-keeper', name: '网盘承接', grants: [{ resourceType: 'netdisk-folder', action: 'update', scope: 'own' }] })).body;
    for (const [roleId, who] of [[customers.id, 'wufang'], [customers.id, 'sunli'], [folders.id, 'wufang']]) {
      const added = await admin().post(`/roles/${roleId}/members`, { kind: 'user', ref: user(who) });
      if (added.status !== 201) throw new Error(`setup: member ${who} not added: ${JSON.stringify(added.body)}`);
    }
  });

  beforeEach(() => {
    const { crm, netdisk } = access.providers;
    for (const p of [crm, netdisk]) {
      p.execute.mockClear();
      p.revert.mockClear();
      p.failExecute = undefined;
      p.failList = undefined;
    }
    crm.items = {
      [user('zhouhao')]: [
        { type: 'crm.customer', id: 'c1', title: '华信智能' },
        { type: 'crm.customer', id: 'c2', title: '东方电气', note: { 'zh-CN': '随客户移交 2 个联系人', en: '2 contacts move along' } },
        { type: 'crm.customer', id: 'c3', title: '海天味业' },
        { type: 'crm.visit', id: 'v1', title: '2026-11-20 拜访华信智能' },
      ],
      [group('sales-north')]: [{ type: 'crm.customer', id: 'c9', title: '北方重工' }],
    };
    netdisk.items = {
      [user('zhouhao')]: [
        { type: 'netdisk.folder', id: 'f1', title: '华信智能' },
        { type: 'netdisk.folder', id: 'f2', title: '东方电气' },
      ],
    };
  });

  it('previews: spreads items over the receivers in turn and reports a receiver lacking a permission', async () => {
    const res = await access.as('zhaoqiang').post('/handovers/preview', request());
    expect(res.status).toBe(200);
    const preview: HandoverPreview = res.body;
    expect(preview.items.map(i => [i.id, i.receiver])).toEqual([
      ['c1', user('wufang')],
      ['c2', user('sunli')],
      ['c3', user('wufang')],
      ['v1', user('sunli')],
      ['f1', user('wufang')],
      ['f2', user('sunli')],
    ]);
    expect(preview.items[1].note).toEqual({ 'zh-CN': '随客户移交 2 个联系人', en: '2 contacts move along' });
    expect(preview.counts).toEqual({ 'crm.customer': 3, 'crm.visit': 1, 'netdisk.folder': 2 });
    expect(preview.itemTypes.map(t => t.type)).toEqual(['crm.customer', 'crm.visit', 'netdisk.folder']);
    expect(preview.problems).toEqual([
      {
        receiver: user('sunli'),
        type: 'netdisk.folder',
        message: {
          'zh-CN': '接收人 孙丽 没有“编辑网盘文件夹”权限，不能接收网盘文件夹',
          en: 'Receiver 孙丽 lacks "Update Net disk folder" and cannot take folders',
        },
      },
    ]);

    // excluded types drop out; nothing was executed by a preview
    const withoutFolders = await access.as('zhaoqiang').post('/handovers/preview', request({ excludeTypes: ['netdisk.folder'] }));
    expect(withoutFolders.body.problems).toEqual([]);
    expect(withoutFolders.body.counts).toEqual({ 'crm.customer': 3, 'crm.visit': 1 });
    expect(access.providers.crm.execute).not.toHaveBeenCalled();

    // a preview with problems can't be executed
    const blocked = await admin().post('/handovers', request());
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ message: '存在无法移交的问题，请先处理', problems: ['接收人 孙丽 没有“编辑网盘文件夹”权限，不能接收网盘文件夹'] });
    expect(access.providers.crm.execute).not.toHaveBeenCalled();
    // zhaoqiang may look but not hand over
    expect((await access.as('zhaoqiang').post('/handovers', request({ excludeTypes: ['netdisk.folder'] }))).status).toBe(403);
    expect((await access.as('zhouhao').post('/handovers/preview', request())).status).toBe(403);
  });

  it('executes every provider with its part of the plan and records the handover', async () => {
    const body = request({ receiverByType: { 'netdisk.folder': user('wufang') }, receiverByItem: { c3: user('sunli') } });
    const res = await admin().post('/handovers', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'employee',
      from: user('zhouhao'),
      receivers: [user('wufang'), user('sunli')],
      reason: '离职',
      status: 'completed',
      counts: { 'crm.customer': 3, 'crm.visit': 1, 'netdisk.folder': 2 },
      error: null,
      createdBy: user('wangjianguo'),
    });
    const { crm, netdisk } = access.providers;
    expect(crm.execute).toHaveBeenCalledTimes(1);
    expect(crm.execute.mock.calls[0][0]).toEqual({
      handoverId: res.body.id,
      kind: 'employee',
      from: user('zhouhao'),
      // receiverByItem beats the spread; the spread continues over the remaining items
      items: [
        { type: 'crm.customer', id: 'c1', receiver: user('wufang') },
        { type: 'crm.customer', id: 'c2', receiver: user('sunli') },
        { type: 'crm.customer', id: 'c3', receiver: user('sunli') },
        { type: 'crm.visit', id: 'v1', receiver: user('wufang') },
      ],
      receiverDepartments: { [user('wufang')]: group('sales-north'), [user('sunli')]: group('sales-east-sh') },
      actor: user('wangjianguo'),
    });
    expect(netdisk.execute).toHaveBeenCalledTimes(1);
    expect(netdisk.execute.mock.calls[0][0].items).toEqual([
      { type: 'netdisk.folder', id: 'f1', receiver: user('wufang') },
      { type: 'netdisk.folder', id: 'f2', receiver: user('wufang') },
    ]);
    expect(crm.revert).not.toHaveBeenCalled();

    const list = await access.as('zhaoqiang').get('/handovers?page=0&pageSize=10');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: res.body.id, status: 'completed' });
    const audit = await admin().get(`/audit?recordType=handover&recordId=${res.body.id}`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'completed', summary: `${user('zhouhao')} → ${user('wufang')}, ${user('sunli')}` }),
    ]);
  });

  it('rolls back on failure: reverts the providers that moved items and records the handover as failed', async () => {
    const { crm, netdisk } = access.providers;
    netdisk.failExecute = '存储服务离线';
    const body = request({ receiverByType: { 'netdisk.folder': user('wufang') } });
    const res = await admin().post('/handovers', body);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('移交失败，已全部回滚：网盘：存储服务离线');
    expect(crm.execute).toHaveBeenCalledTimes(1);
    const handoverId = crm.execute.mock.calls[0][0].handoverId;
    expect(crm.revert).toHaveBeenCalledWith(handoverId, user('wangjianguo'));
    // newest first: the failing provider (a no-op if its transaction rolled back), then the one before
    expect(netdisk.revert).toHaveBeenCalledWith(handoverId, user('wangjianguo'));
    expect(netdisk.revert.mock.invocationCallOrder[0]).toBeLessThan(crm.revert.mock.invocationCallOrder[0]);

    const list = await admin().get('/handovers');
    const record = list.body.items.find((h: { id: string }) => h.id === handoverId);
    expect(record).toMatchObject({ status: 'failed', counts: {} });
    expect(record.error).toContain('存储服务离线');

    const en = await admin('en').post('/handovers', body);
    expect(en.body.error.message).toBe('The handover failed and was rolled back completely: Net disk: 存储服务离线');

    // a revert that fails too is said plainly, not reported as rolled back
    crm.revert.mockRejectedValueOnce(new Error('db down'));
    const worse = await admin().post('/handovers', body);
    expect(worse.status).toBe(409);
    expect(worse.body.error.message).toBe('移交失败，且 客户管理 未能回滚，请联系管理员处理：存储服务离线');
  });

  it('answers bad input with field messages in the caller language', async () => {
    const noReceiver = await admin().post('/handovers/preview', request({ receivers: [] }));
    expect(noReceiver.status).toBe(400);
    expect(noReceiver.body.error.fields).toEqual({ receivers: '请至少选择一位接收人' });
    expect((await admin('en').post('/handovers/preview', request({ receivers: [] }))).body.error.fields).toEqual({ receivers: 'Choose at least one receiver' });

    const self = await admin().post('/handovers', request({ receivers: [user('wufang'), user('zhouhao')] }));
    expect(self.status).toBe(400);
    expect(self.body.error.fields).toEqual({ 'receivers.1': '接收人不能是移交人本人' });

    const unknown = await admin('en').post('/handovers/preview', request({ from: user('nobody'), receivers: [user('ghost')], receiverByType: { 'crm.visit': user('nobody') } }));
    expect(unknown.body.error.fields).toEqual({
      from: 'User user:default/nobody does not exist',
      'receivers.0': 'User user:default/ghost does not exist',
      'receiverByType.crm.visit': 'The receiver cannot be the person handing over',
    });

    const twoDepartments = await admin().post('/handovers/preview', { kind: 'department', from: group('sales-north'), receivers: [group('sales-east'), group('finance')] });
    expect(twoDepartments.body.error.fields).toEqual({ receivers: '部门移交须选择一个接收部门' });
    const userAsDepartment = await admin().post('/handovers/preview', { kind: 'department', from: group('sales-north'), receivers: [user('wufang')] });
    expect(userAsDepartment.body.error.fields).toEqual({ 'receivers.0': '部门 user:default/wufang 不存在' });

    const schema = await admin().post('/handovers/preview', { kind: 'team', receivers: [] });
    expect(schema.status).toBe(400);
    expect(schema.body.error.fields).toEqual({ kind: '取值无效', from: '此项必填' });

    // nothing to hand over: a problem in the preview, a refusal on execution
    const nothing = await admin().post('/handovers/preview', request({ from: user('chenjing') }));
    expect(nothing.body.problems).toEqual([{ message: { 'zh-CN': '没有需要移交的记录', en: 'There is nothing to hand over' } }]);
    const refused = await admin().post('/handovers', request({ from: user('chenjing') }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.problems).toEqual(['没有需要移交的记录']);

    access.providers.crm.failList = 'connect ECONNREFUSED';
    const unavailable = await admin().post('/handovers', request());
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error.message).toBe('客户管理 暂时无法访问，未做任何移交');
    expect(access.providers.netdisk.execute).not.toHaveBeenCalled();
  });

  it('hands a department over to one receiving department without receiver permission checks', async () => {
    const res = await admin().post('/handovers', { kind: 'department', from: group('sales-north'), receivers: [group('sales-east')] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'department', status: 'completed', counts: { 'crm.customer': 1 } });
    expect(access.providers.crm.execute.mock.calls[0][0]).toMatchObject({
      items: [{ type: 'crm.customer', id: 'c9', receiver: group('sales-east') }],
      receiverDepartments: { [group('sales-east')]: group('sales-east') },
    });
    // no items in the net disk: it is not asked to execute anything
    expect(access.providers.netdisk.execute).not.toHaveBeenCalled();
  });
});
