import { defineConfig } from '@playwright/test';

// Lets context.route() see (and cut) the service worker's own requests, so "offline" in the PWA
// tests means offline for the worker too (Chromium only).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

// The server is started by scripts/test.sh on a fresh SQLite database with the demo province.
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  timeout: 120_000, // multi-actor flows (committee, secretary, member) take several page loads each
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'vi-VN',
    viewport: { width: 412, height: 915 }, // a common Android phone
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
