import { Page, expect } from '@playwright/test';

/** Signs in through the demo user picker as `name` (a fresh browser context has no stored choice). */
export async function signInAs(page: Page, name: string) {
  await page.goto('/');
  const button = page.getByTestId(`demo-user-${name}`);
  await expect(button).toBeVisible({ timeout: 90_000 });
  await button.click();
  await expect(page.getByTestId('demo-sign-in')).toBeHidden();
}

/** Waits until the portal's demo data is loaded (the backend seeds it once the catalog has the org). */
export async function openCustomers(page: Page) {
  await page.goto('/crm');
  await expect(page.getByTestId('crm-customer-search')).toBeVisible();
}
