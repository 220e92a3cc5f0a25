// Figures for the installable app (printed, never asserted): what the device keeps as the app
// shell, time to interactive on a throttled "slow 4G, 4× CPU" phone with a cold and a warm
// cache, and Lighthouse's performance / accessibility / best-practices scores.
// Usage: node figures/pwa.mjs http://127.0.0.1:3400   (a server with the demo province)
import { chromium } from '@playwright/test';
import { FLAGS, SLOW_4G, sessionCookie } from './phone.mjs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

const base = process.argv[2] ?? 'http://127.0.0.1:3400';
const CPU_SLOWDOWN = 4;
const RUNS = 3;

async function shellSize() {
  const sw = await (await fetch(`${base}/sw.js`)).text();
  const list = (name) => JSON.parse(new RegExp(`const ${name} = (\\[[^\\]]*\\])`).exec(sw)[1].replace(/'/g, '"'));
  const files = [...list('SHELL'), ...list('ASSETS')];
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const f of files) {
    const bytes = Buffer.from(await (await fetch(base + f)).arrayBuffer());
    const z = gzipSync(bytes, { level: 6 }).length;
    raw += bytes.length;
    gz += z;
    rows.push([f, bytes.length, z]);
  }
  console.log('\n== Offline shell (what the service worker keeps on install)');
  for (const [f, b, z] of rows.sort((a, b) => b[1] - a[1])) console.log(`  ${f.padEnd(58)} ${(b / 1024).toFixed(1).padStart(9)} KB  (gzip ${(z / 1024).toFixed(1)} KB)`);
  console.log(`  total: ${files.length} files, ${(raw / 1024).toFixed(0)} KB on the device, ${(gz / 1024).toFixed(0)} KB over the network (gzip)`);
}

/**
 * What a first visit downloads to make a page interactive, as served (compressed): the app's
 * code (JavaScript and WebAssembly: the main bundle and the page's chunk), the rest, and the
 * page's HTML. No service worker, no cache: a phone opening the page for the first time.
 */
async function pageBytes(browser, token, path) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  if (token) await context.addCookies([{ name: 'sotay_session', value: token, url: base }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  const sizes = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  await page.goto(base + path);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  await page.waitForTimeout(500);
  let code = 0;
  let html = 0;
  let other = 0;
  const files = [];
  for (const [id, url] of urls) {
    const bytes = sizes.get(id) ?? 0;
    const p = new URL(url).pathname;
    if (/\.(js|wasm)$/.test(p)) {
      code += bytes;
      files.push(`${p.replace('/pkg/', '')} ${(bytes / 1024).toFixed(0)} KB`);
    } else if (p === path.split('#')[0]) html += bytes;
    else other += bytes;
  }
  await context.close();
  console.log(`  ${path.padEnd(16)} code ${(code / 1024).toFixed(0).padStart(5)} KB   HTML ${(html / 1024).toFixed(0).padStart(4)} KB   other ${(other / 1024).toFixed(0).padStart(4)} KB   (${files.join(', ')})`);
}

/** Milliseconds from navigation start until the page is hydrated (interactive). */
async function timeToInteractive(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  return page.evaluate(() => (window).__hydratedAt - 0);
}

async function throttledRuns(browser, token, path) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, locale: 'vi-VN' });
    await context.addCookies([{ name: 'sotay_session', value: token, url: base }]);
    await context.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.body && document.body.dataset.hydrated === 'true') {
          window.__hydratedAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    cold.push(await timeToInteractive(page, base + path));
    // Let the service worker install and keep the shell, then load again.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('sotay-shell-')) && !!navigator.serviceWorker.controller, null, { timeout: 300_000 });
    await page.waitForTimeout(2000);
    warm.push(await timeToInteractive(page, base + path));
    await context.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`  ${path.padEnd(16)} cold ${(median(cold) / 1000).toFixed(2)} s   warm ${(median(warm) / 1000).toFixed(2)} s   (median of ${RUNS}; cold ${cold.map((x) => (x / 1000).toFixed(2)).join(', ')}; warm ${warm.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
}

function lighthouse(token, path) {
  const out = execFileSync(
    'npx',
    [
      '--yes',
      'lighthouse@12',
      base + path,
      '--quiet',
      '--output=json',
      '--only-categories=performance,accessibility,best-practices',
      '--chrome-path=/usr/bin/chromium',
      `--chrome-flags=${FLAGS.join(' ')}`,
      `--extra-headers=${JSON.stringify({ Cookie: `sotay_session=${token}` })}`,
    ],
    { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' } },
  ).toString();
  const report = JSON.parse(out);
  const score = (k) => Math.round(report.categories[k].score * 100);
  const audits = report.audits;
  console.log(
    `  ${path.padEnd(16)} performance ${score('performance')}   accessibility ${score('accessibility')}   best-practices ${score('best-practices')}` +
      `   (FCP ${audits['first-contentful-paint'].displayValue}, LCP ${audits['largest-contentful-paint'].displayValue}, TBT ${audits['total-blocking-time'].displayValue}, CLS ${audits['cumulative-layout-shift'].displayValue})`,
  );
  const failing = Object.values(report.categories)
    .flatMap((c) => c.auditRefs.map((r) => audits[r.id]))
    .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable');
  for (const a of failing) console.log(`      · ${a.id}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`);
}

const token = await sessionCookie(base);
await shellSize();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
console.log('\n== First visit: bytes over the network (as served, compressed) until the page is interactive');
await pageBytes(browser, null, '/dang-nhap');
await pageBytes(browser, token, '/');
await pageBytes(browser, token, '/tai-lieu/1');
await pageBytes(browser, token, '/tai-lieu/2');
console.log(`\n== Time to interactive (hydrated), slow 4G + ${CPU_SLOWDOWN}× CPU slowdown, signed-in member`);
await throttledRuns(browser, token, '/');
await throttledRuns(browser, token, '/tai-lieu/2');
await browser.close();
console.log('\n== Lighthouse (mobile, its own slow-4G/4× CPU throttling), signed-in member');
lighthouse(token, '/');
lighthouse(token, '/tai-lieu/2');
