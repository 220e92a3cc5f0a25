// Figures for a returning member (printed, never asserted): a phone that has the app's worker
// installed opens the handbook after a new release was deployed.
//   node figures/returning.mjs BASE install PROFILE_DIR   first visit: the worker keeps release A
//   node figures/returning.mjs BASE update  PROFILE_DIR   after release B: what the phone downloads
// The same profile directory is the same phone. Slow 4G and 4× CPU as in pwa.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { FLAGS, SLOW_4G, sessionCookie } from './phone.mjs';

const [base, step, profile] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: FLAGS, viewport: { width: 412, height: 915 } });
await context.addCookies([{ name: 'sotay_session', value: await sessionCookie(base), url: base }]);
const page = context.pages()[0] ?? (await context.newPage());
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
// Everything the browser fetched from the network (the worker's downloads included).
const fetched = new Map();
const countFrom = (target) => {
  target.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== new URL(base).origin || response.fromServiceWorker()) return;
    const sizes = await response.request().sizes().catch(() => null);
    fetched.set(url.pathname, (sizes?.responseBodySize ?? 0) + (sizes?.responseHeadersSize ?? 0));
  });
};
countFrom(context);
context.on('serviceworker', countFrom);
for (const worker of context.serviceWorkers()) countFrom(worker);

const hydratedAt = async (url) => {
  const started = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  return Date.now() - started;
};
const shells = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('sotay-shell-')));

if (step === 'install') {
  await hydratedAt(`${base}/tai-lieu/1`);
  await page.waitForFunction(async () => !!navigator.serviceWorker.controller && (await caches.keys()).some((k) => k.startsWith('sotay-shell-')), null, { timeout: 300_000 });
  await page.waitForTimeout(3000);
  const kept = await shells();
  // Remembered beside the phone's profile: a fresh page of the next run is not yet on the
  // handbook's origin, where alone the caches can be read.
  writeFileSync(`${profile}.shells.json`, JSON.stringify(kept));
  console.log(`  release A kept on the phone: ${kept.join(', ')}`);
} else {
  const before = JSON.parse(readFileSync(`${profile}.shells.json`, 'utf8'));
  fetched.clear();
  // The member opens the handbook: the page comes from the network, the worker notices release B
  // and installs it in the background (the member is offered "tải lại").
  const first = await hydratedAt(`${base}/tai-lieu/1`);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.update());
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.getRegistration('/'))?.waiting, null, { timeout: 300_000 });
  const bundle = [...fetched].filter(([p]) => p.startsWith('/pkg/'));
  const bundleBytes = bundle.reduce((sum, [, b]) => sum + b, 0);
  // "Tải lại": the new worker takes over; the next open is interactive from the device's copy.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.waiting?.postMessage('skip-waiting'));
  await page.waitForFunction(async (old) => { const now = (await caches.keys()).filter((k) => k.startsWith('sotay-shell-')); return now.length > 0 && now.every((k) => !old.includes(k)); }, before, { timeout: 60_000 });
  const next = await hydratedAt(`${base}/tai-lieu/1`);
  console.log(`  release B: the worker downloaded ${bundle.length} bundle file(s), ${(bundleBytes / 1024).toFixed(0)} KB (${bundle.map(([p, b]) => `${p.replace('/pkg/', '')} ${(b / 1024).toFixed(0)} KB`).join(', ') || 'none'})`);
  console.log(`  document page interactive: ${(first / 1000).toFixed(2)} s on the first open after the release, ${(next / 1000).toFixed(2)} s once release B is in charge`);
}
await context.close();
