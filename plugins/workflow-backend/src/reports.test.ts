import { TestDatabaseId } from '@backstage/backend-test-utils';
import { randomUUID } from 'crypto';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { ReportRow } from '@cocrm/plugin-workflow-common';
import { ReportStore } from './database/ReportStore';
import { ReportService } from './service/ReportService';
import { WorkflowTestBed, approval, databases, flow, startWorkflow, user, users, workflowError } from './__testUtils__/workflowTestBed';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T01:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);
const NOW = at(30);

/**
 * Eight tasks on one 会签 node (李娜 and 刘洋 on four contracts), time limit 10 h,
 * all reaching the approver at T0. Hours after T0 (— = not yet):
 *
 *              viewed   decided        viewed   decided
 *   李娜 #1     1        2      刘洋 #1   0.5      1
 *   李娜 #2     2        4      刘洋 #2   —        20  (late)
 *   李娜 #3     3        12 (late)  刘洋 #3   —     —   (open, past due)
 *   李娜 #4     —        —  (open, past due)  刘洋 #4   —   —   (open, past due)
 */
const PLAN: Record<string, Array<{ viewed: number | null; decided: number | null }>> = {
  lina: [
    { viewed: 1, decided: 2 },
    { viewed: 2, decided: 4 },
    { viewed: 3, decided: 12 },
    { viewed: null, decided: null },
  ],
  liuyang: [
    { viewed: 0.5, decided: 1 },
    { viewed: null, decided: 20 },
    { viewed: null, decided: null },
    { viewed: null, decided: null },
  ],
};

describe.each(databases.eachSupportedId())('审批报表 on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  let reports: ReportService;
  let flowId: string;

  beforeAll(async () => {
    bed = await startWorkflow(databaseId);
    flowId = (await bed.useFlow(flow([approval('n1', users('lina', 'liuyang'), 'all', { name: '财务会签', timeLimit: { hours: 10, onTimeout: 'remind' } })]))).id;
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await bed.submit()).id);
    for (const [name, rows] of Object.entries(PLAN)) {
      for (const [k, r] of rows.entries()) {
        const task = await bed.pendingFor(ids[k], name);
        await bed.knex('workflow_tasks').where({ id: task.id }).update({
          pending_at: at(0),
          due_at: at(10),
          viewed_at: r.viewed === null ? null : at(r.viewed),
          ...(r.decided === null ? {} : { status: 'approved', decided_by: user(name), decided_at: at(r.decided) }),
        });
      }
    }
    // 李娜 with her display name, 刘洋 without one (the sheet falls back to what the org has)
    const named = new Map([...bed.org.users].map(([ref, u]) => [ref, ref === user('lina') ? { ...u, displayName: '李娜' } : u]));
    reports = new ReportService({ reports: new ReportStore(bed.knex), org: { snapshot: async () => ({ ...bed.org, users: named }) }, now: () => NOW });
  });

  const h = (hours: number | null) => (hours === null ? null : hours * HOUR);
  const stats = (p50: number | null, p90: number | null) => ({ p50: h(p50), p90: h(p90) });

  it('per approver: nearest-rank median and p90 of time to first view and to decide, breaches, open tasks', async () => {
    const r = await reports.report({ groupBy: 'approver' });
    expect(r.groupBy).toBe('approver');
    const byApprover = Object.fromEntries(r.items.map(x => [x.approver, x]));
    expect(byApprover[user('lina')]).toEqual<ReportRow>({
      flowId: null,
      flowName: null,
      documentType: null,
      stepId: null,
      nodeName: null,
      approver: user('lina'),
      tasks: 4,
      decided: 3,
      firstViewMs: stats(2, 3),
      decideMs: stats(4, 12),
      slaBreaches: 2,
      open: 1,
      oldestOpenAgeMs: h(30),
    });
    expect(byApprover[user('liuyang')]).toMatchObject({
      tasks: 4,
      decided: 2,
      firstViewMs: stats(0.5, 0.5),
      decideMs: stats(1, 20),
      slaBreaches: 3,
      open: 2,
      oldestOpenAgeMs: h(30),
    });
  });

  it('per flow and per node, and filtered by time range and flow', async () => {
    const expected = { tasks: 8, decided: 5, firstViewMs: stats(1, 3), decideMs: stats(4, 20), slaBreaches: 5, open: 3, oldestOpenAgeMs: h(30) };
    const perFlow = await reports.report({ groupBy: 'flow' });
    expect(perFlow.items).toEqual([{ flowId, flowName: '合同审批', documentType: 'crm.contract', stepId: null, nodeName: null, approver: null, ...expected }]);
    const perNode = await reports.report({ groupBy: 'node' });
    expect(perNode.items).toEqual([{ flowId, flowName: '合同审批', documentType: 'crm.contract', stepId: 'n1', nodeName: '财务会签', approver: null, ...expected }]);

    expect((await reports.report({ flowId, from: '2026-11-02', to: '2026-11-02' })).items).toHaveLength(1);
    expect((await reports.report({ from: '2026-11-03' })).items).toEqual([]);
    expect((await reports.report({ flowId: randomUUID() })).items).toEqual([]);
    const bad = await workflowError(() => reports.report({ groupBy: 'month', from: 'yesterday' }));
    expect(bad.toBody('zh-CN').error.fields).toEqual({ groupBy: '取值无效', from: '取值无效' });
  });

  it('exports a workbook with Chinese headers and hours', async () => {
    const { filename, write } = await reports.export({ groupBy: 'approver' }, 'zh-CN');
    expect(filename).toBe('审批报表-20261103.xlsx');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', c => chunks.push(c));
    await write(out);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      '审批人',
      '任务数',
      '已处理',
      '首次查看用时中位数（小时）',
      '首次查看用时 P90（小时）',
      '处理用时中位数（小时）',
      '处理用时 P90（小时）',
      '超时数',
      '未处理',
      '最久未处理（小时）',
    ]);
    const rows = [sheet.getRow(2).values, sheet.getRow(3).values];
    expect(rows).toContainEqual([undefined, '李娜', 4, 3, 2, 3, 4, 12, 2, 1, 30]);
    expect(rows).toContainEqual([undefined, 'liuyang', 4, 2, 0.5, 0.5, 1, 20, 3, 2, 30]);
  });
});
