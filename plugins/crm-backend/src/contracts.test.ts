import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { databases, startCrm } from './__testUtils__/testBackend';
import { FakeWorkflow } from './__testUtils__/fakeWorkflow';

jest.setTimeout(120_000);

/** A response body as a Buffer (supertest buffers binary bodies with this parser). */
const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function sheetRows(buffer: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow(r => rows.push((r.values as unknown[]).slice(1).map(v => String(v ?? ''))));
  return rows;
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x41), Buffer.from('\n%%EOF\n')]);

describe.each(databases.eachSupportedId())('contracts on %s', (databaseId: TestDatabaseId) => {
  let crm: Awaited<ReturnType<typeof startCrm>>;
  const workflow = new FakeWorkflow();
  let seq = 0;

  /** Setup steps must succeed; hooks may not use expect, so they throw. */
  const must = <T extends { status: number; body: unknown }>(res: T, status: number): T => {
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  };

  const customer = async (user = 'zhouhao', name = `合同测试客户${++seq}有限公司`) =>
    must(await crm.as(user).post('/customers', { name }), 201).body as { id: string; name: string; version: number };

  const contractBody = (customerId: string, overrides: object = {}) => ({
    name: '年度设备采购合同',
    customerId,
    contractType: 'sales',
    format: 'standard',
    amount: { amount: 150_000_000, currency: 'CNY' },
    signedAt: '2026-11-20',
    startDate: '2026-12-01',
    endDate: '2027-11-30',
    paymentTerms: '签约后付 30%，验收后付 70%',
    standard: 'GB/T 19001',
    keyTerms: '延期交付按日万分之五计违约金',
    remark: '客户要求年底前签署',
    ...overrides,
  });

  const contract = async (user = 'zhouhao', overrides: object = {}, customerId?: string) => {
    const cid = customerId ?? (await customer(user)).id;
    return must(await crm.as(user).post('/contracts', contractBody(cid, overrides)), 201).body as {
      id: string;
      number: string;
      version: number;
      status: string;
      customerId: string;
      workflowInstanceId: string | null;
    };
  };

  const auditCount = async (recordId: string) => Number(((await crm.knex('crm_audit').where({ record_id: recordId }).count({ n: '*' }).first()) as { n: number | string }).n);

  beforeAll(async () => {
    crm = await startCrm(databaseId, { workflow });
  });
  afterEach(() => {
    workflow.noFlow = false;
    workflow.refuseNext = undefined;
    workflow.publishBeforeAnswer = false;
  });

  it('creates, edits, finds, exports and soft-deletes a contract, with messages in the caller language', async () => {
    const c = await customer('zhouhao', '北京合同检索科技有限公司');
    const bad = await crm.as('zhouhao').post('/contracts', { name: '', customerId: c.id, amount: { amount: 0 }, startDate: '2026-12-01', endDate: '2026-11-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toMatchObject({
      name: '此项必填',
      'amount.amount': '合同金额应为大于 0 的整数（单位：分）',
      endDate: '结束日期不能早于开始日期',
    });
    const en = await crm.as('zhouhao', 'en').post('/contracts', { customerId: c.id, name: 'x', amount: { amount: 1.5 } });
    expect(en.body.error.fields).toMatchObject({ 'amount.amount': 'The amount must be a whole number of fen greater than 0' });
    const missing = await crm.as('zhouhao').post('/contracts', { name: '无金额合同', customerId: c.id });
    expect(missing.body.error.fields).toEqual({ amount: '此项必填' });

    const created = must(await crm.as('zhouhao').post('/contracts', contractBody(c.id, { name: '检索测试服务合同', contractType: 'service' })), 201).body;
    expect(created).toMatchObject({
      number: expect.stringMatching(/^HT\d{6}$/),
      status: 'draft',
      owner: 'user:default/zhouhao',
      customerName: '北京合同检索科技有限公司',
      amount: { amount: 150_000_000, currency: 'CNY' },
      workflowInstanceId: null,
      attachments: [],
    });
    const second = await contract('zhouhao', {}, c.id);
    expect(Number(second.number.slice(2))).toBe(Number(created.number.slice(2)) + 1);

    // end before start, against the stored start date
    const badDates = await crm.as('zhouhao').patch(`/contracts/${created.id}`, { version: created.version, endDate: '2026-01-01' });
    expect(badDates.status).toBe(400);
    expect(badDates.body.error.fields).toEqual({ endDate: '结束日期不能早于开始日期' });
    const upd = await crm.as('zhouhao').patch(`/contracts/${created.id}`, { version: created.version, amount: { amount: 200_000_000 }, remark: null });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ version: created.version + 1, amount: { amount: 200_000_000, currency: 'CNY' }, remark: null });
    const stale = await crm.as('zhouhao').patch(`/contracts/${created.id}`, { version: created.version, remark: '旧版本' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('该记录已被他人修改，请刷新后重试');

    // 编号, 名称 and 客户名 all find it
    for (const q of [created.number.toLowerCase(), '检索测试', '合同检索科技']) {
      const found = await crm.as('zhouhao').get(`/contracts?q=${encodeURIComponent(q)}`);
      expect({ q, ids: found.body.items.map((x: { id: string }) => x.id) }).toEqual({ q, ids: expect.arrayContaining([created.id]) });
    }
    const byType = await crm.as('zhouhao').get(`/contracts?customerId=${c.id}&contractType=service&status=draft`);
    expect(byType.body.items.map((x: { id: string }) => x.id)).toEqual([created.id]);
    expect((await crm.as('zhouhao').get(`/contracts?customerId=${c.id}&status=approved`)).body.totalCount).toBe(0);
    expect((await crm.as('zhouhao').get('/contracts?status=bogus')).status).toBe(400);

    const xlsx = await crm.as('zhouhao').get(`/contracts/export?customerId=${c.id}&sort=number&order=asc`).buffer(true).parse(binary as never);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain("filename*=UTF-8''");
    const rows = await sheetRows(xlsx.body as Buffer);
    expect(rows[0]).toEqual(expect.arrayContaining(['合同编号', '合同名称', '客户', '审批状态', '合同类型', '合同金额', '负责人']));
    expect(rows.slice(1).map(r => r[0])).toEqual([created.number, second.number]);
    expect(rows[1]).toEqual(expect.arrayContaining(['服务合同', '草稿', '2000000.00 CNY']));

    expect((await crm.as('zhouhao').delete(`/contracts/${second.id}?version=${second.version}`)).status).toBe(204);
    expect((await crm.as('zhouhao').get(`/contracts/${second.id}`)).status).toBe(404);
    const bin = await crm.as('zhouhao').get('/contracts?deleted=true');
    expect(bin.body.items.map((x: { id: string }) => x.id)).toContain(second.id);
    expect((await crm.as('zhouhao').post(`/contracts/${second.id}/restore`)).body.deletedAt).toBeNull();

    const timeline = await crm.as('zhouhao').get(`/customers/${c.id}/timeline?limit=50`);
    const mine = timeline.body.items.filter((e: { link?: { id: string } }) => e.link?.id === created.id);
    expect(mine.map((e: { kind: string }) => e.kind)).toEqual(['contract.updated', 'contract.created']);
    expect(mine[1]).toMatchObject({ title: `${created.number} 检索测试服务合同`, amount: { amount: 150_000_000, currency: 'CNY' }, actor: 'user:default/zhouhao' });
    expect(mine[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'amount', from: { amount: 150_000_000, currency: 'CNY' }, to: { amount: 200_000_000, currency: 'CNY' } },
        { field: 'remark', from: '客户要求年底前签署', to: null },
      ]),
    );
  });

  it('scopes contracts by 负责人 and 归属部门, in SQL for lists, and needs a visible customer', async () => {
    const mine = await contract('zhouhao', { name: '周浩的范围合同' });
    const filed = await contract('zhouhao', { name: '新部门的范围合同', ownerDepartment: 'group:default/new-dept' });
    expect((await crm.as('chenjing').get(`/contracts/${mine.id}`)).status).toBe(404);
    expect((await crm.as('chenjing').get(`/contracts?q=${encodeURIComponent('范围合同')}`)).body.totalCount).toBe(0);
    expect((await crm.as('chenjing').patch(`/contracts/${mine.id}`, { version: mine.version, remark: 'x' })).status).toBe(404);
    expect((await crm.as('zhaoqiang').get(`/contracts/${mine.id}`)).status).toBe(200);
    expect((await crm.as('wangjianguo').get(`/contracts?q=${encodeURIComponent('范围合同')}`)).body.totalCount).toBe(2);
    // 本部门: sunli sees what is filed under new-dept, not the customer it belongs to
    const dept = await crm.as('sunli').get(`/contracts?q=${encodeURIComponent('范围合同')}`);
    expect(dept.body.items.map((x: { id: string }) => x.id)).toEqual([filed.id]);
    expect((await crm.as('sunli').get(`/customers/${filed.customerId}`)).status).toBe(404);
    expect((await crm.as('outsider').get('/contracts')).status).toBe(403);

    // the customer must be one the caller may see
    const other = await customer('chenjing');
    const hidden = await crm.as('zhouhao').post('/contracts', contractBody(other.id));
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.fields).toEqual({ customerId: '客户不存在或无权查看' });
    // 负责人 must be a catalog user
    const ghost = await crm.as('zhouhao').post('/contracts', contractBody(mine.customerId, { owner: 'user:default/ghost' }));
    expect(ghost.body.error.fields).toEqual({ owner: '用户 user:default/ghost 不存在' });

    // the history of a contract is on the timeline only for who may read the contract
    const shared = await customer('zhaoqiang');
    await contract('zhaoqiang', { name: '赵强的合同' }, shared.id);
    const leaderView = await crm.as('zhaoqiang').get(`/customers/${shared.id}/timeline`);
    expect(leaderView.body.items.map((e: { kind: string }) => e.kind)).toContain('contract.created');
  });

  it('hides fields by field rules everywhere and refuses writing them', async () => {
    const c = await contract('zhouhao', { name: '客服可见的合同', amount: { amount: 987_654_321 } });
    const kefu = crm.as('kefu');
    const detail = await kefu.get(`/contracts/${c.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).not.toHaveProperty('amount');
    expect(detail.body).not.toHaveProperty('attachments');
    const list = await kefu.get(`/contracts?customerId=${c.customerId}`);
    expect(JSON.stringify(list.body)).not.toContain('987654321');
    expect((await kefu.get('/contracts?sort=amount')).status).toBe(403);
    const timeline = await kefu.get(`/customers/${c.customerId}/timeline`);
    expect(JSON.stringify(timeline.body)).not.toContain('987654321');
    expect(timeline.body.items.map((e: { kind: string }) => e.kind)).toContain('contract.created');
    const xlsx = await kefu.get(`/contracts/export?customerId=${c.customerId}`).buffer(true).parse(binary as never);
    const rows = await sheetRows(xlsx.body as Buffer);
    expect(rows[0]).not.toContain('合同金额');
    expect(JSON.stringify(rows)).not.toContain('9876543.21');
    const write = await kefu.patch(`/contracts/${c.id}`, { version: c.version, amount: { amount: 1 } });
    expect(write.status).toBe(403);
    expect(write.body.error.fields).toEqual({ amount: '无权修改此字段' });
    expect((await kefu.upload(`/contracts/${c.id}/attachments?fileName=a.pdf`, PDF)).status).toBe(403);
    // the owner adds a file: its entry is not on the timeline of who may not see attachments
    must(await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments?fileName=${encodeURIComponent('保密附件.pdf')}`, PDF), 201);
    expect((await crm.as('zhouhao').get(`/customers/${c.customerId}/timeline`)).body.items[0].kind).toBe('contract.attachmentAdded');
    const after = await kefu.get(`/customers/${c.customerId}/timeline`);
    expect(JSON.stringify(after.body)).not.toContain('保密附件');
    expect(after.body.items.map((e: { kind: string }) => e.kind)).not.toContain('contract.attachmentAdded');
  });

  it('submits to the workflow plugin as the CRM, then locks the contract while it is in approval', async () => {
    const c = await contract('zhouhao', { name: '提交测试合同', ownerDepartment: 'group:default/new-dept' });
    const stale = await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version - 1 });
    expect(stale.status).toBe(409);
    expect((await crm.as('chenjing').post(`/contracts/${c.id}/submit`, { version: c.version })).status).toBe(404);

    const submitted = await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'in_approval', workflowInstanceId: expect.any(String), workflowVersion: 1, version: c.version + 1 });
    const instance = workflow.instances.get(submitted.body.workflowInstanceId)!;
    expect(instance).toMatchObject({
      documentType: 'crm.contract',
      documentId: c.id,
      title: '提交测试合同',
      amount: 150_000_000,
      applicant: 'user:default/zhouhao',
      department: 'group:default/new-dept',
    });
    expect(instance.fields).toEqual({
      number: c.number,
      contractType: '销售合同',
      format: '标准合同',
      customerName: expect.stringContaining('合同测试客户'),
      customerId: c.customerId,
      // free text keeps the full-width punctuation it was typed with
      paymentTerms: '签约后付 30%，验收后付 70%',
      standard: 'GB/T 19001',
      keyTerms: '延期交付按日万分之五计违约金',
      remark: '客户要求年底前签署',
      owner: 'user:default/zhouhao',
      startDate: '2026-12-01',
      endDate: '2027-11-30',
      signedAt: '2026-11-20',
    });
    expect(workflow.callers[workflow.callers.length - 1]).toBe('service:plugin:crm');

    const v = submitted.body.version;
    const edit = await crm.as('zhouhao').patch(`/contracts/${c.id}`, { version: v, remark: '审批中改动' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toBe('审批中的合同不能修改');
    expect((await crm.as('zhouhao', 'en').patch(`/contracts/${c.id}`, { version: v, remark: 'x' })).body.error.message).toBe('A contract in approval cannot be changed');
    expect((await crm.as('zhouhao').delete(`/contracts/${c.id}?version=${v}`)).body.error.message).toBe('只有草稿、已驳回或已撤销的合同可以删除');
    expect((await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments?fileName=a.pdf`, PDF)).status).toBe(409);
    const again = await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: v });
    expect(again.body.error.message).toBe('合同已在审批中，不能重复提交');
    expect((await crm.as('zhouhao').post(`/contracts/${c.id}/resubmit`, { version: v })).body.error.message).toBe('只有已退回的合同可以重新提交');
    expect((await crm.as('zhouhao').get(`/contracts/${c.id}`)).body.remark).toBe('客户要求年底前签署');
    // nor does its customer go to the recycle bin
    const owner = (await crm.as('zhouhao').get(`/customers/${c.customerId}`)).body;
    const delCustomer = await crm.as('zhouhao').delete(`/customers/${c.customerId}?version=${owner.version}`);
    expect(delCustomer.status).toBe(409);
    expect(delCustomer.body.error.message).toBe('该客户有审批中或已通过的合同，不能删除');

    const timeline = await crm.as('zhouhao').get(`/customers/${c.customerId}/timeline`);
    expect(timeline.body.items[0]).toMatchObject({
      kind: 'contract.submitted',
      actor: 'user:default/zhouhao',
      amount: { amount: 150_000_000, currency: 'CNY' },
      changes: [{ field: 'approvalStatus', from: 'draft', to: 'in_approval' }],
      link: { type: 'contract', id: c.id },
    });
  });

  it('passes the workflow plugin refusal on to the user and changes nothing', async () => {
    const c = await contract('zhouhao', { name: '没有流程的合同' });
    const before = await auditCount(c.id);
    workflow.noFlow = true;
    const refused = await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe('单据类型“crm.contract”没有已发布的审批流程');
    const after = (await crm.as('zhouhao').get(`/contracts/${c.id}`)).body;
    expect(after).toMatchObject({ status: 'draft', version: c.version, workflowInstanceId: null });
    expect(await auditCount(c.id)).toBe(before);
    expect((await crm.knex('crm_contracts').where({ id: c.id }).first()).submit_started_at).toBeNull();

    workflow.refuseNext = { status: 409, message: '该单据已在审批中，不能重复提交' };
    const conflict = await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version });
    expect({ status: conflict.status, message: conflict.body.error.message }).toEqual({ status: 409, message: '该单据已在审批中，不能重复提交' });

    // once a flow exists the same contract goes through
    workflow.noFlow = false;
    expect((await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version })).body.status).toBe('in_approval');
  });

  it('applies outcome events once, in version order, whatever order they arrive in', async () => {
    const c = await contract('zhouhao', { name: '事件测试合同' });
    const submitted = (await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version })).body;
    const instanceId = submitted.workflowInstanceId as string;

    // 退回 (v2), edited, 重新提交 (v3)
    const returned = await workflow.decide(instanceId, 'returned');
    const r = (await crm.as('zhouhao').get(`/contracts/${c.id}`)).body;
    expect(r).toMatchObject({ status: 'returned', workflowVersion: 2 });
    // the same event again and an older one change nothing
    const audits = await auditCount(c.id);
    await workflow.publish(returned);
    await workflow.publish({ ...returned, status: 'running', version: 1 });
    expect(await auditCount(c.id)).toBe(audits);
    expect((await crm.as('zhouhao').get(`/contracts/${c.id}`)).body).toMatchObject({ status: 'returned', version: r.version });

    const edited = (await crm.as('zhouhao').patch(`/contracts/${c.id}`, { version: r.version, amount: { amount: 120_000_000 }, keyTerms: '按退回意见修改' })).body;
    expect(edited.status).toBe('returned');
    expect((await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: edited.version })).body.error.message).toBe('合同已被退回，请修改后使用“重新提交”');
    const resubmitted = await crm.as('zhouhao').post(`/contracts/${c.id}/resubmit`, { version: edited.version });
    expect(resubmitted.body).toMatchObject({ status: 'in_approval', workflowVersion: 3 });
    const instance = workflow.instances.get(instanceId)!;
    expect(instance.resubmissions[0]).toMatchObject({ applicant: 'user:default/zhouhao', amount: 120_000_000, fields: expect.objectContaining({ keyTerms: '按退回意见修改' }) });

    // 已通过 (v4) arrives after a late duplicate of 退回 (v2): only v4 counts
    const approved = await workflow.decide(instanceId, 'approved', { publish: false });
    await workflow.publish(approved);
    await workflow.publish(returned);
    const done = (await crm.as('zhouhao').get(`/contracts/${c.id}`)).body;
    expect(done).toMatchObject({ status: 'approved', workflowVersion: 4 });
    const locked = await crm.as('zhouhao').patch(`/contracts/${c.id}`, { version: done.version, remark: 'x' });
    expect(locked.body.error.message).toBe('已通过审批的合同不能修改');
    expect((await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: done.version })).body.error.message).toBe('合同已通过审批，不能再次提交');

    // events of other document types, of other approvals and garbage are ignored
    await workflow.publish({ ...approved, documentType: 'crm.quote', status: 'rejected', version: 99 });
    await workflow.publish({ ...approved, instanceId: randomUUID(), status: 'rejected', version: 99 });
    await crm.bus.publish({ topic: 'cocrm.workflow', eventPayload: { kind: 'status', documentId: 'nonsense' } });
    expect((await crm.as('zhouhao').get(`/contracts/${c.id}`)).body.status).toBe('approved');

    const timeline = await crm.as('zhouhao').get(`/customers/${c.customerId}/timeline?limit=50`);
    const kinds = timeline.body.items.filter((e: { link?: { id: string } }) => e.link?.id === c.id).map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['contract.approved', 'contract.resubmitted', 'contract.updated', 'contract.returned', 'contract.submitted', 'contract.created']);
    const outcome = timeline.body.items.find((e: { kind: string; link?: { id: string } }) => e.kind === 'contract.approved' && e.link?.id === c.id);
    // the approval flow decided, not a CRM user; the amount is the one approved
    expect(outcome).toMatchObject({ actor: null, amount: { amount: 120_000_000, currency: 'CNY' }, changes: [{ field: 'approvalStatus', from: 'in_approval', to: 'approved' }] });
  });

  it('records 提交审批 as the submitter even when the status event overtakes the answer, and adopts a stranded submission later', async () => {
    const c = await contract('zhouhao', { name: '事件抢先的合同' });
    workflow.publishBeforeAnswer = true;
    const submitted = await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version });
    expect(submitted.body.status).toBe('in_approval');
    const entries = await crm.knex('crm_audit').where({ record_id: c.id, action: 'submitted' });
    expect(entries.map(e => e.actor)).toEqual(['user:default/zhouhao']);

    // a 提交审批 that never heard back: once its marker is stale, the event (or recovery) adopts the approval
    const stranded = await contract('zhouhao', { name: '提交中断的合同' });
    const instance = { ...workflow.instances.get(submitted.body.workflowInstanceId)!, id: randomUUID(), documentId: stranded.id, version: 1 };
    await crm.knex('crm_contracts').where({ id: stranded.id }).update({ submit_started_at: new Date(Date.now() - 60_000) });
    await workflow.publish(workflow.eventOf(instance));
    expect((await crm.knex('crm_contracts').where({ id: stranded.id }).first()).status).toBe('draft');
    await crm.knex('crm_contracts').where({ id: stranded.id }).update({ submit_started_at: new Date(Date.now() - 10 * 60_000) });
    await workflow.publish(workflow.eventOf(instance));
    expect(await crm.knex('crm_contracts').where({ id: stranded.id }).first()).toMatchObject({ status: 'in_approval', workflow_instance_id: instance.id, submit_started_at: null });
  });

  it('lets a rejected or withdrawn contract be edited, deleted or submitted again as a new approval', async () => {
    const c = await contract('zhouhao', { name: '驳回后重提的合同' });
    const first = (await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version })).body;
    await workflow.decide(first.workflowInstanceId, 'rejected');
    const rejected = (await crm.as('zhouhao').get(`/contracts/${c.id}`)).body;
    expect(rejected.status).toBe('rejected');
    const edited = (await crm.as('zhouhao').patch(`/contracts/${c.id}`, { version: rejected.version, name: '驳回后重提的合同（修订）' })).body;
    const second = (await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: edited.version })).body;
    expect(second.workflowInstanceId).not.toBe(first.workflowInstanceId);
    expect(second.status).toBe('in_approval');
    // the first approval's late news cannot touch the second
    await workflow.publish({ ...workflow.eventOf(workflow.instances.get(first.workflowInstanceId)!), status: 'approved', version: 50 });
    expect((await crm.as('zhouhao').get(`/contracts/${c.id}`)).body.status).toBe('in_approval');
    await workflow.decide(second.workflowInstanceId, 'withdrawn');
    const withdrawn = (await crm.as('zhouhao').get(`/contracts/${c.id}`)).body;
    expect(withdrawn.status).toBe('withdrawn');
    expect((await crm.as('zhouhao').delete(`/contracts/${c.id}?version=${withdrawn.version}`)).status).toBe(204);
  });

  it('catches up on outcomes missed while the CRM backend was down (restart), and on a lost submit answer', async () => {
    const c = await contract('zhouhao', { name: '重启恢复合同' });
    const submitted = (await crm.as('zhouhao').post(`/contracts/${c.id}/submit`, { version: c.version })).body;
    const returnedToo = await contract('zhouhao', { name: '重启期间退回的合同' });
    const r = (await crm.as('zhouhao').post(`/contracts/${returnedToo.id}/submit`, { version: returnedToo.version })).body;

    await crm.stop();
    // decided while nobody listened: the events are gone
    await workflow.decide(submitted.workflowInstanceId, 'approved', { publish: false });
    await workflow.decide(r.workflowInstanceId, 'returned', { publish: false });

    crm = await startCrm(databaseId, { workflow, knex: crm.knex });
    const statusOf = async (id: string) => (await crm.knex('crm_contracts').where({ id }).first('status')).status;
    for (let i = 0; i < 100 && ((await statusOf(c.id)) !== 'approved' || (await statusOf(returnedToo.id)) !== 'returned'); i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(await statusOf(c.id)).toBe('approved');
    expect(await statusOf(returnedToo.id)).toBe('returned');
    const timeline = await crm.as('zhouhao').get(`/customers/${c.customerId}/timeline`);
    expect(timeline.body.items[0]).toMatchObject({ kind: 'contract.approved', actor: null, link: { id: c.id } });
    // and the late event, should it still come, changes nothing
    const audits = await auditCount(c.id);
    await workflow.publish(workflow.eventOf(workflow.instances.get(submitted.workflowInstanceId)!));
    expect(await auditCount(c.id)).toBe(audits);

    // the workflow plugin started the approval but its answer never came: the outcome query tells
    const lost = await contract('zhouhao', { name: '答复丢失的合同' });
    workflow.dropNextAnswer = true;
    const res = await crm.as('zhouhao').post(`/contracts/${lost.id}/submit`, { version: lost.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'in_approval', workflowInstanceId: workflow.latestFor(lost.id)!.id });
    expect((await crm.knex('crm_contracts').where({ id: lost.id }).first()).submit_started_at).toBeNull();
  });

  it('stores attachments in the database, sniffs their type and serves them as downloads only', async () => {
    const c = await contract('zhouhao', { name: '附件测试合同' });
    const up = await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments?fileName=${encodeURIComponent('合同扫描件.pdf')}`, PDF);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ fileName: '合同扫描件.pdf', contentType: 'application/pdf', size: PDF.length, createdBy: 'user:default/zhouhao' });
    // a page disguised as a PDF is stored as the text it is
    const html = await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments?fileName=${encodeURIComponent('../../报价.pdf')}`, Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.body).toMatchObject({ fileName: '报价.pdf', contentType: 'text/plain' });

    const detail = (await crm.as('zhouhao').get(`/contracts/${c.id}`)).body;
    expect(detail.attachments.map((a: { fileName: string }) => a.fileName)).toEqual(['合同扫描件.pdf', '报价.pdf']);
    expect(detail.version).toBe(c.version + 2);

    const down = await crm.as('zhaoqiang').get(`/contracts/${c.id}/attachments/${up.body.id}`).buffer(true).parse(binary as never);
    expect(down.status).toBe(200);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['content-disposition']).toBe(`attachment; filename="_____.pdf"; filename*=UTF-8''${encodeURIComponent('合同扫描件.pdf')}`);
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(down.body as Buffer, PDF)).toBe(0);
    const page = await crm.as('zhouhao').get(`/contracts/${c.id}/attachments/${html.body.id}`);
    expect(page.headers['content-type']).toMatch(/^text\/plain/);
    expect(page.headers['content-security-policy']).toContain('sandbox');
    expect((await crm.as('chenjing').get(`/contracts/${c.id}/attachments/${up.body.id}`)).status).toBe(404);
    expect((await crm.as('zhouhao').get(`/contracts/${c.id}/attachments/${randomUUID()}`)).status).toBe(404);

    const tooLarge = await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments?fileName=big.zip`, Buffer.alloc(20 * 1024 * 1024 + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toBe('附件不能超过 20 MB');
    const empty = await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments?fileName=empty.txt`, Buffer.alloc(0));
    expect(empty.body.error.message).toBe('附件不能为空文件');
    expect((await crm.as('zhouhao').upload(`/contracts/${c.id}/attachments`, PDF)).body.error.fields).toEqual({ fileName: '请提供附件的文件名' });

    expect((await crm.as('zhouhao').delete(`/contracts/${c.id}/attachments/${html.body.id}`)).status).toBe(204);
    expect((await crm.as('zhouhao').get(`/contracts/${c.id}`)).body.attachments).toHaveLength(1);
    const timeline = await crm.as('zhouhao').get(`/customers/${c.customerId}/timeline`);
    expect(timeline.body.items.slice(0, 3).map((e: { kind: string }) => e.kind)).toEqual(['contract.attachmentRemoved', 'contract.attachmentAdded', 'contract.attachmentAdded']);
  });

  it('moves contracts with their customer in 工作移交, lists the others on their own, and reverts', async () => {
    const moving = await contract('wufang', { name: '随客户移交的合同' });
    const c2 = await customer('zhaoqiang');
    // wufang's contract with a customer she does not manage
    const own = await contract('wangjianguo', { name: '单独移交的合同', owner: 'user:default/wufang' }, c2.id);
    const access = crm.as('service:plugin:access');
    const items = (await access.get(`/handover/items?kind=employee&from=${encodeURIComponent('user:default/wufang')}`)).body as Array<{ type: string; id: string; note?: { 'zh-CN': string } }>;
    expect(items.find(i => i.id === moving.customerId)?.note?.['zh-CN']).toBe('随客户移交 1 份合同');
    expect(items.filter(i => i.type === 'crm.contract').map(i => i.id)).toEqual([own.id]);

    const handoverId = randomUUID();
    const plan = {
      handoverId,
      kind: 'employee',
      from: 'user:default/wufang',
      items: [
        { type: 'crm.customer', id: moving.customerId, receiver: 'user:default/chenjing' },
        { type: 'crm.contract', id: own.id, receiver: 'user:default/chenjing' },
      ],
      receiverDepartments: { 'user:default/chenjing': 'group:default/new-dept' },
      actor: 'user:default/wangjianguo',
    };
    const done = await access.post('/handover/execute', plan);
    expect(done.status).toBe(200);
    expect(done.body.counts).toEqual({ 'crm.customer': 1, 'crm.contract': 1 });
    for (const id of [moving.id, own.id]) {
      expect((await crm.as('wangjianguo').get(`/contracts/${id}`)).body).toMatchObject({ owner: 'user:default/chenjing', ownerDepartment: 'group:default/new-dept' });
    }
    expect((await crm.as('chenjing').get(`/contracts/${moving.id}`)).status).toBe(200);
    expect((await crm.as('wufang').get(`/contracts/${moving.id}`)).status).toBe(404);
    const timeline = await crm.as('wangjianguo').get(`/customers/${moving.customerId}/timeline`);
    expect(timeline.body.items.find((e: { kind: string }) => e.kind === 'contract.handedOver')).toMatchObject({
      changes: expect.arrayContaining([{ field: 'owner', from: 'user:default/wufang', to: 'user:default/chenjing' }]),
    });

    expect((await access.post('/handover/revert', { handoverId, actor: 'user:default/wangjianguo' })).status).toBe(204);
    for (const id of [moving.id, own.id]) {
      expect((await crm.as('wangjianguo').get(`/contracts/${id}`)).body).toMatchObject({ owner: 'user:default/wufang', ownerDepartment: null });
    }
  });

  afterAll(async () => {
    await crm?.stop();
  });
});
