import { Page, expect, test } from '@playwright/test';
import { MailCatcher } from './mailCatcher';
import { openCustomers, signInAs } from './signIn';

/*
 * The end-to-end flow: a salesperson submits a 1,500,000 CNY contract;
 * the demo 合同审批 flow asks the department leader (孙丽, 销售一部), then —
 * over 100 万元 — the 销售部 leader (赵强) and the general manager (王建国).
 * The leaders approve in the portal inbox, the general manager from the link
 * in the approval mail (a real SMTP server catches it), and the contract shows
 * 已通过 on the customer's timeline.
 */
const stamp = Date.now().toString(36).slice(-5).toUpperCase();
const contractName = `华信集团数据中心运维服务合同${stamp}`;
const mail = new MailCatcher();
let contractUrl = '';

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  await mail.start();
});
test.afterAll(async () => {
  await mail.stop();
});

/** Opens the first 待办 whose title is the contract and approves it with a comment. */
async function approveInInbox(page: Page, comment: string) {
  await page.goto('/approvals');
  // the sidebar shows the 待办 count
  await expect(page.getByTestId('workflow-nav-icon')).toContainText(/[1-9]/);
  await page.getByRole('link', { name: contractName }).first().click();
  await expect(page.getByTestId('workflow-instance-header')).toContainText(contractName);
  await expect(page.getByTestId('workflow-instance-amount')).toContainText('1,500,000.00');
  await page.getByTestId('workflow-action-approve').click();
  const dialog = page.getByTestId('workflow-approve-dialog');
  await dialog.getByRole('textbox').fill(comment);
  await dialog.getByTestId('workflow-approve-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('workflow-timeline')).toContainText(comment);
}

test('a salesperson submits a 1,500,000 CNY contract for approval', async ({ page }) => {
  await signInAs(page, 'zhouhao');
  await openCustomers(page);
  await page.getByTestId('crm-customer-search').fill('华信控股');
  await page.getByRole('link', { name: '华信控股集团有限公司' }).click();
  await page.getByTestId('crm-tab-contracts').click();
  await page.getByTestId('crm-new-contract').click();

  const form = page.getByTestId('crm-contract-form');
  // the amount is required and checked before anything is sent
  await form.getByTestId('crm-contract-name').fill(contractName);
  await page.getByTestId('crm-contract-submit').click();
  await expect(form.getByText(/合同金额/).first()).toBeVisible();
  await form.getByTestId('crm-contract-amount').fill('1500000');
  await form.getByTestId('crm-contract-paymentTerms').fill('签订后预付 30%，验收后 60 日内付清余款');
  await page.getByTestId('crm-contract-submit').click();
  await expect(form).toBeHidden();

  // the new contract's page opens
  await expect(page.getByTestId('crm-contract-page')).toBeVisible();
  await expect(page.getByTestId('crm-contract-value-paymentTerms')).toContainText('签订后预付 30%，验收后');
  await expect(page.getByTestId('crm-contract-status')).toHaveText('草稿');
  contractUrl = page.url();

  await page.getByTestId('crm-contract-submit-approval').click();
  await page.getByRole('dialog').getByRole('button', { name: /提交/ }).click();
  await expect(page.getByTestId('crm-contract-status')).toHaveText('审批中');
  // locked while in approval
  await expect(page.getByTestId('crm-contract-locked')).toBeVisible();
  await expect(page.getByTestId('crm-approval-history')).toContainText('部门负责人审批');
});

test('the department leader approves in the portal inbox', async ({ page }) => {
  await signInAs(page, 'sunli');
  await approveInInbox(page, '同意，请按合同约定推进');
});

test('the 销售部 leader approves in the portal inbox', async ({ page }) => {
  await signInAs(page, 'zhaoqiang');
  await approveInInbox(page, '金额较大，同意，提交总经理');
});

test('the general manager approves from the e-mail link’s confirmation page', async ({ page }) => {
  const approval = await mail.waitFor('wangjianguo@example.com', new RegExp(`待审批：合同 ${contractName}`));
  expect(approval.text).toContain('¥1,500,000.00');
  const link = /同意：(\S+)/.exec(approval.text ?? '')?.[1];
  expect(link).toMatch(/\/api\/workflow\/mail-actions\//);

  // opening the link only asks for confirmation (mail scanners prefetch links)
  await page.goto(link!);
  await expect(page.getByRole('heading', { name: '确认审批' })).toBeVisible();
  await expect(page.locator('body')).toContainText(contractName);
  await page.reload();
  await page.getByRole('textbox').fill('同意签约');
  await page.getByRole('button', { name: '确认同意' }).click();
  await expect(page.getByRole('heading', { name: '已同意' })).toBeVisible();

  // the link works once: opened again, it says so and offers nothing to confirm
  await page.goto(link!);
  await expect(page.locator('body')).toContainText('只能使用一次');
  await expect(page.getByRole('button', { name: '确认同意' })).toHaveCount(0);
});

test('the contract shows 已通过, also on the customer’s timeline', async ({ page }) => {
  await signInAs(page, 'zhouhao');
  await page.goto(contractUrl);
  await expect(page.getByTestId('crm-contract-status')).toHaveText('已通过');
  await expect(page.getByTestId('crm-approval-history')).toContainText('同意签约');

  await openCustomers(page);
  await page.getByTestId('crm-customer-search').fill('华信控股');
  await page.getByRole('link', { name: '华信控股集团有限公司' }).click();
  await page.getByTestId('crm-tab-timeline').click();
  const approved = page.getByText(new RegExp(`${contractName}.*已通过|已通过.*${contractName}`)).first();
  await expect(approved).toBeVisible();
});
