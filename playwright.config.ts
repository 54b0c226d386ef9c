import path from 'node:path';
import { defineConfig } from '@playwright/test';

const config = (name: string) => path.resolve(__dirname, name);

/*
 * End-to-end tests in e2e-tests/. The portal is started by Playwright on the
 * ports of app-config.e2e.yaml; the browser is Debian's Chromium (Playwright's
 * own browser download does not work on this kind of machine).
 */
export default defineConfig({
  testDir: 'e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'e2e-test-report' }]],
  outputDir: 'node_modules/.cache/e2e-test-results',
  webServer: {
    command: `backstage-cli repo start --config ${config('app-config.yaml')} --config ${config('app-config.e2e.yaml')}`,
    url: 'http://localhost:7100/api/demo-sign-in/users',
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  use: {
    baseURL: 'http://localhost:3100',
    // a desktop window: below ~1300 px the sidebar overlays the page instead of pushing it aside
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
