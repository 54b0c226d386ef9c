import fs from 'node:fs';
import { Page, expect, test } from '@playwright/test';
import { openCustomers, signInAs } from './signIn';

/*
 * The approval office beyond the main flow (contractApproval.spec.ts): the
 * administrator changes 合同审批 in the flow designer and puts it back; an
 * approver returns a contract and the salesperson resubmits it; 批量同意;
 * the applicant withdraws; 委托 to a colleague; the reports and their Excel
 * export. Contracts under 100 万元 need only the department leader (孙丽 for
 * 周浩 in 销售一部). Other specs share the portal: every name carries a stamp
 * and lists are searched for it rather than counted.
 */
const stamp = Date.now().toString(36).slice(-5).toUpperCase();
const name = (what: string) => `华信${what}合同${stamp}`;

test.describe.configure({ mode: 'serial' });

/** As the signed-in salesperson: a new contract of 华信控股 with the amount given; its page is open afterwards. */
async function createContract(page: Page, contractName: string, amount: string): Promise<string> {
  await openCustomers(page);
  await page.getByTestId('crm-customer-search').fill('华信控股');
  await page.getByRole('link', { name: '华信控股集团有限公司' }).click();
  await page.getByTestId('crm-tab-contracts').click();
  await page.getByTestId('crm-new-contract').click();
  const form = page.getByTestId('crm-contract-form');
  await form.getByTestId('crm-contract-name').fill(contractName);
  await form.getByTestId('crm-contract-amount').fill(amount);
  await page.getByTestId('crm-contract-submit').click();
  await expect(form).toBeHidden();
  await expect(page.getByTestId('crm-contract-name')).toHaveText(contractName);
  await expect(page.getByTestId('crm-contract-status')).toHaveText('草稿');
  return page.url();
}

/** 提交审批 on the open contract page. */
async function submitContract(page: Page) {
  await page.getByTestId('crm-contract-submit-approval').click();
  await page.getByTestId('crm-confirm').click();
  await expect(page.getByTestId('crm-contract-status')).toHaveText('审批中');
  await expect(page.getByTestId('crm-approval-history')).toContainText('部门负责人审批');
}

/** /approvals/delegations once its list (or its empty state) has loaded. */
async function openDelegations(page: Page) {
  await page.goto('/approvals/delegations');
  await expect(page.getByTestId('workflow-delegations-table').or(page.getByTestId('workflow-delegations-empty'))).toBeVisible();
}

/** The contract's status, which follows the approval through the workflow's events: reloads until it shows. */
async function expectContractStatus(page: Page, url: string, status: string) {
  await page.goto(url);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('crm-contract-status')).toHaveText(status, { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
}

/** 待办 searched for `q` (the search lives in the URL). */
async function openTodo(page: Page, q: string) {
  await page.goto(`/approvals?q=${encodeURIComponent(q)}`);
  await expect(page.getByTestId('workflow-tab-todo')).toHaveAttribute('aria-selected', 'true');
}

/** Opens the approval page of the 待办 titled `title`. */
async function openTask(page: Page, title: string) {
  await openTodo(page, title);
  await page.getByTestId('workflow-todo-grid').getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByTestId('workflow-instance-header')).toContainText(title);
}

async function approveOpenTask(page: Page, comment: string) {
  await page.getByTestId('workflow-action-approve').click();
  const dialog = page.getByTestId('workflow-approve-dialog');
  await dialog.getByTestId('workflow-approve-comment').fill(comment);
  await dialog.getByTestId('workflow-approve-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('workflow-timeline')).toContainText(comment);
}

test.describe('flow designer', () => {
  const ccName = `E2E抄送${stamp}`;

  test('the administrator adds a CC node to 合同审批, is stopped by its missing recipients, publishes and puts the flow back', async ({
    page,
  }) => {
    await signInAs(page, 'lijun');
    await page.goto('/approvals');
    await page.getByTestId('workflow-nav-flows').click();
    await expect(page.getByTestId('designer-flow-list')).toBeVisible();
    await page.getByTestId('designer-flows').getByRole('link', { name: '合同审批', exact: true }).click();
    await expect(page.getByTestId('designer-title')).toHaveText('合同审批');
    const versionText = (await page.getByTestId('designer-version').textContent()) ?? '';
    const before = Number(/\d+/.exec(versionText)?.[0]);
    expect(before).toBeGreaterThan(0);
    for (const node of ['部门负责人审批', '销售部负责人审批', '总经理审批', '抄送财务'])
      await expect(page.getByTestId('designer-canvas')).toContainText(node);

    // "+" at the end of the main chain → 抄送人: the drawer opens on the new node
    await page.locator('[data-testid^="designer-add-root-"]').last().click();
    await page.getByTestId('designer-add-cc').click();
    const drawer = page.getByTestId('designer-drawer');
    await expect(drawer).toBeVisible();
    await drawer.getByTestId('designer-node-name').fill(ccName);
    const card = page.getByTestId(/^designer-card-cc-[0-9a-f]+$/);
    await expect(card).toContainText(ccName);
    await expect(page.getByTestId('designer-dirty')).toBeVisible();

    // no recipients yet: a problem on the card, in the drawer and in the list, and 发布 is blocked
    const problem = `抄送节点“${ccName}”没有设置抄送人`;
    await expect(page.getByTestId('designer-problems')).toContainText(problem);
    await expect(drawer.getByTestId('designer-drawer-problems')).toContainText(problem);
    await expect(card).toHaveAttribute('data-problems', '1');
    await expect(page.getByTestId('designer-publish')).toBeDisabled();

    // 抄送人: 徐明 (finance); the problem goes and 发布 is possible
    await drawer.getByTestId('designer-rule-add').click();
    await drawer.getByTestId('designer-rule-0-users').fill('徐明');
    await page.getByRole('option', { name: /徐明/ }).click();
    await expect(card).toContainText('徐明');
    await expect(page.getByTestId('designer-problems')).toBeHidden();
    await expect(page.getByTestId('designer-publish')).toBeEnabled();
    await page.getByTestId('designer-publish').click();
    await expect(page.getByTestId('designer-version')).toHaveText(`版本 ${before + 1}`);
    await expect(page.getByTestId('designer-dirty')).toBeHidden();

    // 版本记录: the new version is the current one, published by 李军; it shows the new node
    await page.getByTestId('designer-tab-versions').click();
    const row = page.getByTestId(`designer-version-${before + 1}`);
    await expect(row).toContainText('当前');
    await expect(row).toContainText('李军');
    await expect(page.getByTestId(`designer-version-${before}`)).not.toContainText('当前');
    await page.getByTestId(`designer-version-${before + 1}-view`).click();
    await expect(page.getByTestId('designer-version-view')).toContainText(ccName);

    // put the flow back as it was, so other tests meet the nodes they expect
    await page.getByTestId('designer-version-back').click();
    await card.hover();
    await card.getByTestId(/-delete$/).click();
    await expect(card).toHaveCount(0);
    await page.getByTestId('designer-publish').click();
    await expect(page.getByTestId('designer-version')).toHaveText(`版本 ${before + 2}`);

    // after a reload, the published flow is the original one again
    await page.reload();
    await expect(page.getByTestId('designer-version')).toHaveText(`版本 ${before + 2}`);
    await expect(page.getByTestId('designer-canvas')).not.toContainText(ccName);
    await expect(page.getByTestId('designer-canvas')).toContainText('抄送财务');
  });
});

test.describe('退回 and 重新提交', () => {
  const contractName = name('退回');
  let url = '';

  test('a salesperson submits a small contract', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    url = await createContract(page, contractName, '86000');
    await submitContract(page);
  });

  test('the department leader returns it to the applicant with a reason', async ({ page }) => {
    await signInAs(page, 'sunli');
    await openTask(page, contractName);
    await expect(page.getByTestId('workflow-instance-amount')).toContainText('86,000.00');
    await page.getByTestId('workflow-action-return').click();
    const dialog = page.getByTestId('workflow-return-dialog');
    // a reason is required
    await dialog.getByTestId('workflow-return-submit').click();
    await expect(dialog).toContainText('请填写内容');
    await dialog.getByTestId('workflow-return-comment').fill('请补充付款条件');
    await dialog.getByTestId('workflow-return-submit').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('workflow-timeline')).toContainText('请补充付款条件');
    await expect(page.getByTestId('workflow-action-approve')).toHaveCount(0);
  });

  test('the salesperson sees 已退回 with the reason, edits the contract and resubmits it', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    await expectContractStatus(page, url, '已退回');
    await expect(page.getByTestId('crm-approval-history')).toContainText('请补充付款条件');
    await page.getByTestId('crm-edit-contract').click();
    const form = page.getByTestId('crm-contract-form');
    await form.getByTestId('crm-contract-paymentTerms').fill('验收合格后 30 日内一次付清');
    await page.getByTestId('crm-contract-submit').click();
    await expect(form).toBeHidden();
    await expect(page.getByTestId('crm-contract-value-paymentTerms')).toHaveText('验收合格后 30 日内一次付清');
    await page.getByTestId('crm-contract-resubmit').click();
    await page.getByTestId('crm-confirm').click();
    await expect(page.getByTestId('crm-contract-status')).toHaveText('审批中');
  });

  test('the department leader approves the resubmitted contract and it shows 已通过', async ({ page }) => {
    await signInAs(page, 'sunli');
    await openTask(page, contractName);
    // the approval page shows the changed contract
    await expect(page.getByText('验收合格后 30 日内一次付清')).toBeVisible();
    await approveOpenTask(page, '已补充，同意');
    await expect(page.getByTestId('workflow-instance-header')).toContainText('已通过');
  });

  test('the salesperson’s contract shows 已通过', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    await expectContractStatus(page, url, '已通过');
  });
});

test.describe('批量同意', () => {
  const names = [name('批量甲'), name('批量乙')];

  test('a salesperson submits two small contracts', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    for (const [i, contractName] of names.entries()) {
      await createContract(page, contractName, String(20000 + i * 1000));
      await submitContract(page);
    }
  });

  test('the department leader approves both at once from 待办 and finds them in 已办', async ({ page }) => {
    await signInAs(page, 'sunli');
    await openTodo(page, stamp);
    const grid = page.getByTestId('workflow-todo-grid');
    await expect(page.getByTestId('workflow-batch-approve')).toBeDisabled();
    for (const title of names) {
      const row = grid.getByRole('row').filter({ hasText: title });
      await row.getByRole('checkbox').check();
    }
    await expect(page.getByTestId('workflow-selected-count')).toHaveText('已选 2 条');
    await page.getByTestId('workflow-batch-approve').click();
    const dialog = page.getByTestId('workflow-batch-dialog');
    await dialog.getByTestId('workflow-batch-comment').fill('批量同意');
    await dialog.getByTestId('workflow-batch-confirm').click();
    await expect(dialog.getByTestId('workflow-batch-summary')).toHaveText('2 条已全部同意');
    const results = dialog.getByTestId('workflow-batch-results');
    for (const title of names) await expect(results.getByRole('row').filter({ hasText: title })).toContainText('已同意');
    await dialog.getByTestId('workflow-batch-close').click();
    for (const title of names) await expect(grid.getByText(title)).toHaveCount(0);

    await page.goto(`/approvals/done?q=${encodeURIComponent(stamp)}`);
    const done = page.getByTestId('workflow-done-grid');
    for (const title of names) {
      const row = done.getByRole('row').filter({ hasText: title });
      await expect(row).toContainText('已同意');
      await expect(row).toContainText('已通过');
    }
  });
});

test.describe('撤销', () => {
  const contractName = name('撤销');
  let url = '';

  test('a salesperson submits a contract, which reaches the department leader’s 待办', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    url = await createContract(page, contractName, '30000');
    await submitContract(page);
  });

  test('the department leader has it in 待办', async ({ page }) => {
    await signInAs(page, 'sunli');
    await openTodo(page, contractName);
    await expect(page.getByTestId('workflow-todo-grid').getByRole('link', { name: contractName, exact: true })).toBeVisible();
  });

  test('the applicant withdraws it from the approval page', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    await page.goto(url);
    await page.getByTestId('crm-approval-link').click();
    await expect(page.getByTestId('workflow-instance-header')).toContainText(contractName);
    await page.getByTestId('workflow-action-withdraw').click();
    const dialog = page.getByTestId('workflow-withdraw-dialog');
    await dialog.getByTestId('workflow-withdraw-comment').fill('客户暂缓签约');
    await dialog.getByTestId('workflow-withdraw-submit').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('workflow-instance-header')).toContainText('已撤销');
    await expect(page.getByTestId('workflow-action-withdraw')).toHaveCount(0);

    await expectContractStatus(page, url, '已撤销');
    // a withdrawn contract can be changed and submitted again
    await expect(page.getByTestId('crm-contract-submit-approval')).toBeVisible();
  });

  test('the approver no longer has it in 待办', async ({ page }) => {
    await signInAs(page, 'sunli');
    await openTodo(page, contractName);
    await expect(page.getByTestId('workflow-todo-empty')).toBeVisible();
  });
});

test.describe('委托', () => {
  const contractName = name('委托');
  let delegationId = '';
  let url = '';

  test('the department leader delegates all approvals to 郑伟 for a week', async ({ page }) => {
    await signInAs(page, 'sunli');
    await page.goto('/approvals');
    await page.getByTestId('workflow-nav-delegations').click();
    await page.getByTestId('workflow-delegation-new').click();
    const dialog = page.getByTestId('workflow-delegation-dialog');
    await dialog.getByTestId('workflow-delegation-delegate').fill('郑伟');
    await page.getByRole('option', { name: /郑伟/ }).click();
    await expect(dialog.getByTestId('workflow-delegation-all')).toBeChecked();
    // the range: from now until a week later (the form's default), both shown
    await expect(dialog.getByTestId('workflow-delegation-starts')).not.toHaveValue('');
    await expect(dialog.getByTestId('workflow-delegation-ends')).not.toHaveValue('');
    const created = page.waitForResponse(r => r.url().includes('/api/workflow/delegations') && r.request().method() === 'POST');
    await dialog.getByTestId('workflow-delegation-save').click();
    const response = await created;
    expect(response.ok()).toBe(true);
    delegationId = ((await response.json()) as { id: string }).id;
    await expect(dialog).toBeHidden();
    const row = page.getByTestId(`workflow-delegation-${delegationId}`);
    await expect(row).toContainText('郑伟');
    await expect(row).toContainText('全部单据类型');
    await expect(row).toContainText('生效中');
  });

  test('a salesperson submits a contract while the delegation runs', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    url = await createContract(page, contractName, '45000');
    await submitContract(page);
  });

  test('it lands in 郑伟’s 待办 on behalf of 孙丽, and he approves it', async ({ page }) => {
    await signInAs(page, 'zhengwei');
    await openTodo(page, contractName);
    const row = page.getByTestId('workflow-todo-grid').getByRole('row').filter({ hasText: contractName });
    await expect(row.getByTestId('workflow-behalf-chip')).toHaveText('代 孙丽 审批');
    await row.getByRole('link', { name: contractName }).click();
    await expect(page.getByTestId('workflow-instance-header')).toContainText(contractName);
    await approveOpenTask(page, '代孙丽同意');
    await expect(page.getByTestId('workflow-instance-header')).toContainText('已通过');
    // the history says for whom he decided
    await expect(page.getByTestId('workflow-timeline')).toContainText('代 孙丽');

    // 委托 lists one's own delegations: 孙丽's is not his to revoke
    await openDelegations(page);
    await expect(page.getByTestId(`workflow-delegation-${delegationId}`)).toHaveCount(0);
  });

  test('the contract approved by the delegate shows 已通过', async ({ page }) => {
    await signInAs(page, 'zhouhao');
    await expectContractStatus(page, url, '已通过');
  });

  test('the department leader revokes the delegation', async ({ page }) => {
    expect(delegationId).not.toBe('');
    await signInAs(page, 'sunli');
    await openDelegations(page);
    const row = page.getByTestId(`workflow-delegation-${delegationId}`);
    await row.getByTestId(`workflow-delegation-revoke-${delegationId}`).click();
    await page.getByTestId('workflow-confirm').click();
    await expect(page.getByTestId('workflow-notify')).toContainText('委托已撤销');
    // still revoked after a reload: no longer 生效中 and nothing left to revoke
    await openDelegations(page);
    await expect(row.filter({ hasText: '生效中' })).toHaveCount(0);
    await expect(page.getByTestId(`workflow-delegation-revoke-${delegationId}`)).toHaveCount(0);
    delegationId = '';
  });

  test.afterAll(async ({ browser }) => {
    // a failed run must not leave 孙丽's approvals going to 郑伟 for the tests that follow
    if (!delegationId) return;
    const page = await browser.newPage();
    await signInAs(page, 'sunli');
    await openDelegations(page);
    const revoke = page.getByTestId(`workflow-delegation-revoke-${delegationId}`);
    if (await revoke.count()) {
      await revoke.click();
      await page.getByTestId('workflow-confirm').click();
      await expect(page.getByTestId('workflow-notify')).toContainText('委托已撤销');
    }
    await page.close();
  });
});

test.describe('审批报表', () => {
  test('the general manager sees 合同审批 in the reports and exports them to Excel', async ({ page }) => {
    await signInAs(page, 'wangjianguo');
    await page.goto('/approvals');
    await page.getByTestId('workflow-nav-reports').click();
    const table = page.getByTestId('workflow-report-table');
    const row = table.getByRole('row').filter({ hasText: '合同审批' });
    await expect(row.first()).toBeVisible();
    // the tasks of this run were decided: the flow's row counts some
    await expect(row.first().getByRole('cell').nth(1)).toHaveText(/^[1-9]\d*$/);

    await page.getByTestId('workflow-report-group-node').click();
    await expect(table).toContainText('部门负责人审批');

    const download = page.waitForEvent('download');
    await page.getByTestId('workflow-report-export').click();
    const file = await download;
    // the browser may name a blob download itself (headless Chromium in CI says "download"): the workbook
    // arriving and the name the page saved it under (the server's) are what matter
    const bytes = fs.readFileSync(await file.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await expect(page.getByTestId('workflow-notify')).toContainText(/已保存为.*\.xlsx/);
  });
});
