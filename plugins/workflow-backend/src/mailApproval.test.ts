import express from 'express';
import request from 'supertest';
import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import { createSuiteMailService } from '@cocrm/plugin-mail-node';
import { WorkflowTestBed, approval, contract, databases, flow, startWorkflow, user, users } from './__testUtils__/workflowTestBed';
import { recordingSinks } from './__testUtils__/recordingSinks';
import { CaughtMail, SmtpCatcher } from './__testUtils__/smtpCatcher';
import { MAIL_PAGE_CSP } from './mail/html';
import { createMailApprovalRouter } from './routes/mailApproval';

jest.setTimeout(60_000);

const ACTION_BASE = 'http://workflow.test/api/workflow/mail-actions/';
const LINK = /http:\/\/workflow\.test\/api\/workflow\/mail-actions\/([A-Za-z0-9_-]{43})/g;

/** The approve and reject links of a mail, in the order the mail gives them, checked to be the same in text and HTML. */
function linksOf(mail: CaughtMail): { approve: string; reject: string } {
  const inText = [...mail.text.matchAll(LINK)].map(m => m[0]);
  const inHtml = [...mail.html.matchAll(LINK)].map(m => m[0]);
  expect(inText).toHaveLength(2);
  expect(inHtml).toEqual(inText);
  return { approve: inText[0].slice('http://workflow.test'.length), reject: inText[1].slice('http://workflow.test'.length) };
}

describe.each(databases.eachSupportedId())('approve by e-mail on %s', (databaseId: TestDatabaseId) => {
  let bed: WorkflowTestBed;
  let smtp: SmtpCatcher;
  let agent: ReturnType<typeof request>;
  const noAddress = new Set([user('zhaoqiang')]);

  beforeAll(async () => {
    smtp = await new SmtpCatcher().start();
    const mail = createSuiteMailService(
      mockServices.rootConfig({ data: { mail: { sending: { from: '协同客户管理 <noreply@cocrm.test>', smtp: { host: '127.0.0.1', port: smtp.port } } } } }),
    );
    bed = await startWorkflow(databaseId, {
      delivery: {
        ...recordingSinks().delivery,
        mail,
        email: async ref => (noAddress.has(ref) ? null : `${ref.split('/')[1]}@cocrm.test`),
        links: { portal: id => `http://portal.test/approvals/instances/${id}`, action: async token => `${ACTION_BASE}${token}` },
        mailTtlHours: 72,
      },
    });
    await bed.useFlow(flow([approval('leader', users('zhouhao')), approval('gm', users('wangjianguo'))]));
    const app = express();
    app.use('/api/workflow', createMailApprovalRouter({ approvals: bed.wf.mailApproval }));
    agent = request(app);
  });

  afterAll(async () => {
    await smtp.stop();
  });

  /** Lets the outbox deliver, then answers the last mail to the user. */
  const lastMailTo = async (name: string): Promise<CaughtMail> => {
    await bed.wf.outbox.dispatcher!.flush();
    const mails = smtp.to(`${name}@cocrm.test`);
    if (!mails.length) throw new Error(`no mail to ${name}`);
    return mails[mails.length - 1];
  };

  /** Everything a GET could have changed. */
  const state = async (instanceId: string) => ({
    tokens: await bed.knex('workflow_mail_tokens').where({ instance_id: instanceId }).orderBy('token_hash'),
    tasks: await bed.knex('workflow_tasks').where({ instance_id: instanceId }).orderBy('id'),
    actions: await bed.knex('workflow_actions').where({ instance_id: instanceId }).orderBy('seq'),
    instance: await bed.knex('workflow_instances').where({ id: instanceId }).first(),
  });

  const get = (path: string, locale = 'zh-CN,zh;q=0.9') => agent.get(path).set('Accept-Language', locale);
  const post = (path: string, comment?: string, locale = 'zh-CN') =>
    agent.post(path).set('Accept-Language', locale).type('form').send(comment === undefined ? {} : { comment });

  it('mails the approver the summary and single-use links; GET only asks, POST approves, reuse is refused', async () => {
    const doc = contract({ amount: 1_500_000_00, title: '华东区年度框架合同' });
    const { id } = await bed.submit(doc);
    const mail = await lastMailTo('zhouhao');
    expect(mail.subject).toBe('待审批：合同 华东区年度框架合同（¥1,500,000.00）');
    expect(mail.text).toContain('sunli 提交的合同等待您审批。');
    for (const line of ['金额：¥1,500,000.00', '申请人：sunli', '合同类型：销售合同', '负责人：wufang', '评审人：liuyang、lina', '当前节点：leader']) {
      expect(mail.text).toContain(line);
    }
    expect(mail.text).toContain(`http://portal.test/approvals/instances/${id}`);
    expect(mail.html).toContain(`<a href="http://portal.test/approvals/instances/${id}">`);
    const links = linksOf(mail);

    // only hashes are stored, bound to the task, its assignee and version
    const task = await bed.pendingFor(id, 'zhouhao');
    const tokens = await bed.knex('workflow_mail_tokens').where({ task_id: task.id });
    expect(tokens.map(t => t.decision).sort()).toEqual(['approve', 'reject']);
    expect(tokens.every(t => t.approver === user('zhouhao') && Number(t.task_version) === task.version && t.used_at === null)).toBe(true);
    const raw = links.approve.split('/').pop()!;
    expect(JSON.stringify(tokens)).not.toContain(raw);

    // a link scanner (or the approver) opening the link changes nothing
    const before = await state(id);
    for (let i = 0; i < 3; i += 1) {
      const page = await get(links.approve);
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toBe(MAIL_PAGE_CSP);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain('请确认是否同意以下审批');
      expect(page.text).toContain('华东区年度框架合同');
      expect(page.text).toContain('<form method="post">');
      expect(page.text).toContain('<textarea id="comment" name="comment"');
    }
    expect((await get(links.approve, 'en-US,en;q=0.9')).text).toContain('Please confirm that you approve this request');
    expect(await state(id)).toEqual(before);

    const done = await post(links.approve, '同意，按合同执行');
    expect(done.status).toBe(200);
    expect(done.text).toContain('已同意');
    expect(done.text).toContain(`http://portal.test/approvals/instances/${id}`);
    const detail = await bed.wf.engine.detail(id);
    expect(detail.tasks.find(t => t.id === task.id)).toMatchObject({ status: 'approved', decidedBy: user('zhouhao'), comment: '同意，按合同执行' });
    expect(await bed.pendingNames(id)).toEqual(['wangjianguo']);

    // single use
    const again = await post(links.approve);
    expect(again.status).toBe(410);
    expect(again.text).toContain('此链接已经使用过');
    expect((await get(links.approve)).status).toBe(410);

    // the other link of the same mail: the task is decided
    const sibling = await get(links.reject);
    expect(sibling.status).toBe(409);
    expect(sibling.text).toContain('该任务已处理（已同意）');
    const late = await post(links.reject);
    expect(late.status).toBe(409);
    expect(late.text).toContain('该任务已处理（已同意）');
    expect(late.text).toContain('此链接已作废');

    // the general manager rejects from his mail
    const gm = linksOf(await lastMailTo('wangjianguo'));
    const rejected = await post(gm.reject, '价格过高');
    expect(rejected.status).toBe(200);
    expect(rejected.text).toContain('已驳回');
    expect(await bed.status(id)).toBe('rejected');
  });

  it('refuses an expired link (410) without using it up', async () => {
    const { id } = await bed.submit();
    const links = linksOf(await lastMailTo('zhouhao'));
    bed.advance(72 * 3_600_000 + 1);
    const page = await get(links.approve);
    expect(page.status).toBe(410);
    expect(page.text).toContain('此链接已过期');
    expect((await post(links.approve)).status).toBe(410);
    expect(await bed.pendingNames(id)).toEqual(['zhouhao']);
    const rows = await bed.knex('workflow_mail_tokens').where({ instance_id: id });
    expect(rows.every(r => r.used_at === null)).toBe(true);
  });

  it('answers 404 to a forged or malformed token', async () => {
    const forged = `/api/workflow/mail-actions/${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const path of [forged, '/api/workflow/mail-actions/not-a-token']) {
      const page = await get(path);
      expect(page.status).toBe(404);
      expect(page.text).toContain('链接无效');
      expect((await post(path)).status).toBe(404);
    }
  });

  it('a link for a task version that moved on is refused with 409 and spent; the new mail works', async () => {
    const { id } = await bed.submit();
    const first = linksOf(await lastMailTo('zhouhao'));
    const task = await bed.pendingFor(id, 'zhouhao');
    // 前加签: 吴芳 approves first, then the task comes back to 周浩 with a new version (and a new mail)
    await bed.wf.engine.addSigner(user('zhouhao'), task.id, task.version, { position: 'before', users: [user('wufang')] });
    await bed.approve(id, 'wufang');
    const second = linksOf(await lastMailTo('zhouhao'));
    expect(second.approve).not.toBe(first.approve);
    expect((await bed.pendingFor(id, 'zhouhao')).version).toBeGreaterThan(task.version);

    const stalePage = await get(first.approve);
    expect(stalePage.status).toBe(409);
    expect(stalePage.text).toContain('该任务已发生变化');
    const stale = await post(first.approve);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('该任务已发生变化');
    expect(stale.text).toContain('此链接已作废');
    expect((await post(first.approve)).status).toBe(410);
    expect(await bed.pendingNames(id)).toEqual(['zhouhao']);

    expect((await post(second.approve)).status).toBe(200);
    expect(await bed.pendingNames(id)).toEqual(['wangjianguo']);
  });

  it('the reject link rejects; a withdrawn request answers 410', async () => {
    const a = await bed.submit();
    const linksA = linksOf(await lastMailTo('zhouhao'));
    const res = await post(linksA.reject);
    expect(res.status).toBe(200);
    expect(res.text).toContain('已驳回');
    expect(await bed.status(a.id)).toBe('rejected');

    const b = await bed.submit();
    const linksB = linksOf(await lastMailTo('zhouhao'));
    await bed.wf.engine.withdraw(user('sunli'), b.id);
    expect((await get(linksB.approve)).status).toBe(410);
    const gone = await post(linksB.approve, undefined, 'en');
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('This task is gone: the approval was withdrawn');
  });

  it('two confirmations of one link at once: exactly one decides', async () => {
    const { id } = await bed.submit();
    const links = linksOf(await lastMailTo('zhouhao'));
    const results = await Promise.all([post(links.approve), post(links.approve), post(links.approve)]);
    expect(results.map(r => r.status).sort()).toEqual([200, 410, 410]);
    const approvals = (await bed.wf.engine.detail(id)).timeline.filter(a => a.action === 'approve');
    expect(approvals).toHaveLength(1);
  });

  it('escapes the document in the mail and on the page; no address, no mail', async () => {
    const { id } = await bed.submit(contract({ title: '<script>alert("x")</script> & 合同', amount: null }));
    const mail = await lastMailTo('zhouhao');
    expect(mail.subject).toBe('待审批：合同 <script>alert("x")</script> & 合同');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 合同');
    const page = await get(linksOf(mail).approve);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;');

    // 赵强 has no mail address in the catalog: his task gets no mail and no tokens, and the row is done
    await bed.useFlow(flow([approval('sales', users('zhaoqiang'))]));
    const before = smtp.mails.length;
    const other = await bed.submit();
    await bed.wf.outbox.dispatcher!.flush();
    expect(smtp.mails.length).toBe(before);
    expect(await bed.knex('workflow_mail_tokens').where({ instance_id: other.id })).toEqual([]);
    const mailRow = (await bed.wf.outbox.store.ofInstance(other.id)).find(e => e.message.kind === 'mail')!;
    expect(mailRow.deliveredAt).not.toBeNull();
    await bed.useFlow(flow([approval('leader', users('zhouhao')), approval('gm', users('wangjianguo'))]));
    expect(id).toBeDefined();
  });
});
