import { defineConfig } from '@playwright/test';

// Browsers are never downloaded: the suite drives Debian's Chromium. The server is
// started by global-setup.ts (fresh database, random port) and its URL passed on in
// OPENKAP_BASE_URL, which the fixtures in fixtures.ts turn into `baseURL`.
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  // A guard against hangs; a normal run takes well under a minute.
  globalTimeout: 170_000,
  expect: { timeout: 7_000 },
  outputDir: './test-results',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1024, height: 768 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    actionTimeout: 7_000,
    navigationTimeout: 10_000,
    // Tracing slows every step; turn it on when investigating (E2E_TRACE=1).
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
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
