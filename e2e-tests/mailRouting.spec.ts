import { expect, test } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { DovecotServer } from '@cocrm/plugin-mail-backend/testUtils';
import { MailCatcher } from './mailCatcher';
import { openCustomers, signInAs } from './signIn';

/*
 * Issue 5's story in the browser: 周浩 (销售) connects his mailbox (a real
 * Dovecot, and an SMTP server of his own); 林国栋 of 华信控股 writes to him;
 * within a minute the mail is on 华信控股's 360° timeline; 周浩 replies from
 * the portal; the reply leaves once, is stored, and is on the timeline too.
 */

const customerName = '华信控股集团有限公司';
const subject = `扩容方案报价 ${Date.now().toString(36)}`;
const smtp = new MailCatcher({ login: true });
let dovecot: DovecotServer;

test.beforeAll(async () => {
  dovecot = await DovecotServer.start({ zhouhao: 'imap-secret' });
  await smtp.start(2527);
});

test.afterAll(async () => {
  await smtp.stop();
  await dovecot?.stop();
});

async function deliverFromCustomer() {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: 'zhouhao', pass: 'imap-secret' }, logger: false });
  await client.connect();
  try {
    const raw = [
      'From: =?UTF-8?B?' + Buffer.from('林国栋').toString('base64') + '?= <lin.guodong@huaxin-group.com.cn>',
      'To: =?UTF-8?B?' + Buffer.from('周浩').toString('base64') + '?= <zhouhao@example.com>',
      'Subject: =?UTF-8?B?' + Buffer.from(subject).toString('base64') + '?=',
      `Message-ID: <${Date.now()}.quote@huaxin-group.com.cn>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      '<p>周经理您好：</p><p>附上数据中心<b>扩容方案</b>的报价，请查收。</p><img src="https://tracker.example/open.gif"><script>alert(1)</script>',
      '',
    ].join('\r\n');
    await client.append('INBOX', Buffer.from(raw, 'utf8'));
  } finally {
    await client.logout();
  }
}

test('a salesperson’s customer mail reaches the 360° timeline within a minute, and the reply from the portal is sent once and routed', async ({ page }) => {
  test.setTimeout(300_000);
  await signInAs(page, 'zhouhao');

  // 连接邮箱: IMAP and SMTP of his own, tried before saving
  await page.goto('/mail/accounts');
  await expect(page.getByTestId('mail-accounts-page')).toBeVisible();
  await expect(page.getByTestId('mail-accounts-loading')).toHaveCount(0);
  // a retried attempt finds the mailbox it connected before: remove it, then connect as a newcomer does
  const leftovers = page.locator('[data-testid^="mail-account-delete-"]');
  while ((await leftovers.count()) > 0) {
    await leftovers.first().click();
    await page.getByRole('dialog').getByRole('button', { name: '删除' }).click();
    await expect(page.getByTestId('mail-notify')).toContainText('邮箱已删除');
    await page.reload();
    await expect(page.getByTestId('mail-accounts-loading')).toHaveCount(0);
  }
  await page.getByTestId('mail-account-connect').click();
  const dialog = page.getByTestId('mail-account-dialog');
  await dialog.getByTestId('mail-account-email').fill('zhouhao@example.com');
  await dialog.getByTestId('mail-account-email').blur();
  await dialog.getByTestId('mail-account-imap-host').fill('127.0.0.1');
  const imapSecure = dialog.getByTestId('mail-account-imap-secure');
  if (await imapSecure.isChecked()) await imapSecure.click();
  await dialog.getByTestId('mail-account-imap-port').fill(String(dovecot.port));
  await dialog.getByTestId('mail-account-imap-user').fill('zhouhao');
  await dialog.getByTestId('mail-account-imap-password').fill('imap-secret');
  await dialog.getByTestId('mail-account-smtp-host').fill('127.0.0.1');
  const smtpSecure = dialog.getByTestId('mail-account-smtp-secure');
  if (await smtpSecure.isChecked()) await smtpSecure.click();
  await dialog.getByTestId('mail-account-smtp-port').fill('2527');
  await dialog.getByTestId('mail-account-test').click();
  await expect(dialog.getByTestId('mail-account-test-ok')).toContainText('连接成功');
  await dialog.getByTestId('mail-account-save').click();
  await expect(page.getByTestId('mail-notify')).toContainText('邮箱已连接');

  // 林国栋 writes; the scheduler's sync (every 30 s) brings it in and routes it by his contact address
  await deliverFromCustomer();
  const delivered = Date.now();
  await openCustomers(page);
  await page.getByTestId('crm-customer-search').fill('华信控股');
  await page.getByRole('link', { name: customerName }).click();
  await page.getByTestId('crm-tab-timeline').click();
  const mailLink = page.getByTestId('crm-timeline-mail-link').filter({ hasText: subject });
  await expect(async () => {
    await page.reload();
    await expect(mailLink).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  expect(Date.now() - delivered).toBeLessThan(60_000);

  // the mail opens from the timeline; its HTML is shown sanitized in a sandboxed frame, remote images held back
  await mailLink.click();
  await expect(page.getByText(subject).first()).toBeVisible();
  const frame = page.locator('iframe[sandbox]').first();
  await expect(frame).toBeVisible();
  expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
  await expect(frame.contentFrame().getByText('扩容方案')).toBeVisible();
  expect(await frame.getAttribute('srcdoc')).not.toContain('<script');
  await expect(page.getByText('已阻止远程图片')).toBeVisible();

  // 回复 from the webmail
  await page.goto('/mail');
  await page.getByTestId('mail-search').fill(subject);
  await page.getByText(subject).first().click();
  const thread = page.getByTestId('mail-thread-view');
  await expect(thread.getByTestId('mail-thread-subject')).toHaveText(subject);
  await thread.getByRole('button', { name: '回复', exact: true }).first().click();
  await expect(page.getByTestId('mail-compose-page')).toBeVisible();
  await expect(page.getByTestId('mail-compose-subject')).toHaveValue(`回复：${subject}`);
  const body = page.getByTestId('mail-compose-body');
  await body.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('林总您好，报价已收到，我们下周一答复。');
  await page.getByTestId('mail-compose-send').click();
  await expect(page.getByTestId('mail-notify')).toContainText('已加入发件箱');

  // it leaves once, through his SMTP server
  const sent = await smtp.waitFor('lin.guodong@huaxin-group.com.cn', new RegExp(`回复：${subject}`));
  expect(sent.text).toContain('报价已收到');
  await page.waitForTimeout(3_000);
  expect(smtp.mails.filter(m => m.subject === `回复：${subject}`)).toHaveLength(1);
  await page.goto('/mail/outbox');
  await expect(page.getByTestId('mail-outbox-table').getByText('已发送').first()).toBeVisible();

  // stored and routed: the reply is on the customer's timeline as a sent mail, in the same thread
  await openCustomers(page);
  await page.getByTestId('crm-customer-search').fill('华信控股');
  await page.getByRole('link', { name: customerName }).click();
  await page.getByTestId('crm-tab-timeline').click();
  await expect(page.getByTestId('crm-timeline-mail-link').filter({ hasText: `回复：${subject}` })).toBeVisible();
  await expect(page.getByTestId('crm-timeline-entry').filter({ hasText: '发出邮件' }).first()).toBeVisible();
});
