import ExcelJS from 'exceljs';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { AuditEntry } from '@cocrm/plugin-access-common';
import { AccessTestBackend, databases, startAccess } from './__testUtils__/testBackend';
import { user } from './__testUtils__/org';

jest.setTimeout(60_000);

/** supertest hands binary bodies over as a Buffer only when asked to collect them. */
const binary = (res: unknown, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe.each(databases.eachSupportedId())('audit log on %s', (databaseId: TestDatabaseId) => {
  let access: AccessTestBackend;
  let roleId: string;
  const admin = () => access.as('wangjianguo');

  beforeAll(async () => {
    access = await startAccess(databaseId);
    const role = await admin().post('/roles', { key: 'exporter', name: '导出专员' });
    roleId = role.body.id;
    await admin().patch(`/roles/${roleId}`, { version: 1, description: '只导出', grants: [{ resourceType: 'suite-audit', action: 'export', scope: 'all' }] });
    await admin().post(`/roles/${roleId}/members`, { kind: 'user', ref: user('chenjing') });
    // an entry from long ago, to prove the day filter
    await access.knex('access_audit').insert({
      id: '00000000-0000-4000-8000-000000000001',
      record_type: 'role',
      record_id: roleId,
      action: 'updated',
      actor: user('zhaoqiang'),
      at: new Date('2026-01-01T15:59:59Z'),
      summary: '导出专员',
      changes: null,
    });
  });

  it('lists entries, newest first, filtered by record, actor, action, text and Asia/Shanghai days', async () => {
    const res = await access.as('chenjing').get(`/audit?recordId=${roleId}`);
    expect(res.status).toBe(200);
    const items: AuditEntry[] = res.body.items;
    expect(items.map(e => e.action)).toEqual(['member-added', 'updated', 'created', 'updated']);
    expect(items[0]).toMatchObject({
      source: 'access',
      recordType: 'role',
      recordId: roleId,
      summary: '导出专员',
      actor: user('wangjianguo'),
      changes: [{ field: 'members', from: null, to: { kind: 'user', ref: user('chenjing'), includeSubdepartments: false } }],
    });
    expect(res.body).toMatchObject({ totalCount: 4, page: 0, pageSize: 50 });

    const paged = await access.as('chenjing').get(`/audit?recordId=${roleId}&pageSize=2&page=1&order=asc`);
    expect(paged.body.items.map((e: AuditEntry) => e.action)).toEqual(['updated', 'member-added']);
    expect((await access.as('chenjing').get(`/audit?actor=${encodeURIComponent(user('zhaoqiang'))}`)).body.totalCount).toBe(1);
    expect((await access.as('chenjing').get(`/audit?recordId=${roleId}&action=member-added`)).body.totalCount).toBe(1);
    expect((await access.as('chenjing').get(`/audit?q=${encodeURIComponent('导出专')}`)).body.totalCount).toBe(4);
    expect((await access.as('chenjing').get(`/audit?q=${encodeURIComponent('100%')}`)).body.totalCount).toBe(0);
    // 2026-01-01T15:59:59Z is 2026-01-01 23:59:59 in Shanghai: inside that day, not the next
    expect((await access.as('chenjing').get('/audit?from=2026-01-01&to=2026-01-01')).body.totalCount).toBe(1);
    expect((await access.as('chenjing').get('/audit?from=2026-01-02&to=2026-01-02')).body.totalCount).toBe(0);

    const bad = await access.as('chenjing').get('/audit?pageSize=1000&order=up');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ pageSize: '取值无效', order: '取值无效' });
    expect((await access.as('zhouhao').get('/audit')).status).toBe(403);
  });

  it('exports an xlsx workbook with a UTF-8 file name that exceljs reads back', async () => {
    // chenjing may read the log but not export it
    expect((await access.as('chenjing').get('/audit/export')).status).toBe(403);
    const res = await admin().get(`/audit/export?recordId=${roleId}&order=asc`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="____-\d{8}\.xlsx"; filename\*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97-\d{8}\.xlsx$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as Buffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    const rows = sheet.getSheetValues().filter(Boolean).map(r => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(['时间', '操作人', '记录类型', '记录', '操作', '变更']);
    expect(rows).toHaveLength(5);
    expect(rows[1]).toEqual(['2026-01-01 23:59:59', `赵强 (${user('zhaoqiang')})`, '角色', '导出专员', '修改']);
    expect(rows[2]).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), `王建国 (${user('wangjianguo')})`, '角色', '导出专员', '新建', expect.stringContaining('name: — → 导出专员')]);
    expect(rows[4][4]).toBe('添加成员');

    const en = await access.as('wangjianguo', 'en').get(`/audit/export?recordId=${roleId}`).buffer(true).parse(binary);
    expect(en.headers['content-disposition']).toMatch(/filename="audit-log-\d{8}\.xlsx"/);
    const enBook = new ExcelJS.Workbook();
    await enBook.xlsx.load(en.body as Buffer);
    expect((enBook.getWorksheet('audit-log')!.getRow(1).values as unknown[]).slice(1)).toEqual(['Time', 'Actor', 'Record type', 'Record', 'Action', 'Changes']);
  });
});
