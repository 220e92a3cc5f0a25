import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterTest, expectNoReload, hydrated, markPage, newPage, shot } from './helpers';

test.afterEach(afterTest);

/** Width and height from a PNG's header. */
function pngSize(bytes: Buffer): [number, number] {
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('the app meets Chromium’s install criteria: a Vietnamese manifest with every icon, and a service worker', async ({ baseURL, launchOptions }) => {
  // A browser profile of its own: Chromium never offers installing from an incognito context,
  // which is what every test context otherwise is.
  const profile = mkdtempSync(join(tmpdir(), 'sotay-pwa-'));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL, viewport: { width: 412, height: 915 } });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/dang-nhap');
  await hydrated(page);
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.name).toBe('Sổ tay đảng viên điện tử');
  expect(manifest.short_name).toBe('Sổ tay ĐV');
  expect(manifest.lang).toBe('vi');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toMatch(/^\//);
  expect(manifest.theme_color).toBe('#b71c1c');
  for (const icon of manifest.icons) {
    const response = await page.request.get(icon.src);
    expect(response.headers()['content-type']).toBe('image/png');
    const [w, h] = pngSize(await response.body());
    expect(`${w}x${h}`).toBe(icon.sizes);
  }
  expect(manifest.icons.filter((i: any) => i.purpose === 'maskable').length).toBeGreaterThan(0);
  expect(manifest.icons.some((i: any) => i.sizes === '512x512')).toBe(true);

  // The worker is active and Chromium itself finds nothing missing.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toMatch(/\/$/);
  const cdp = await page.context().newCDPSession(page);
  const { errors } = await cdp.send('Page.getAppManifest');
  expect(errors).toEqual([]);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test('the install invitation uses the browser’s prompt, and “Để sau” keeps it away', async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto('/dang-nhap');
  await hydrated(page);
  const offer = () =>
    page.evaluate(() => {
      const event: any = new Event('beforeinstallprompt', { cancelable: true });
      event.prompt = async () => ((window as any).__prompted = true);
      event.userChoice = Promise.resolve({ outcome: 'accepted' });
      window.dispatchEvent(event);
    });
  await offer();
  const banner = page.getByTestId('install-banner');
  // Not over a page that has just opened: only after the member first uses it.
  await page.waitForTimeout(300);
  await expect(banner).toHaveCount(0);
  await page.keyboard.press('Shift');
  await expect(banner).toContainText('Cài Sổ tay đảng viên lên màn hình chính');
  await shot(page, 'install-banner', false);
  await banner.getByRole('button', { name: 'Cài đặt' }).click();
  await expect(banner).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__prompted)).toBe(true);

  await offer();
  await banner.getByRole('button', { name: 'Để sau' }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await offer();
  await page.keyboard.press('Shift');
  await page.waitForTimeout(300);
  await expect(banner).toHaveCount(0);
});

test('without a connection a page not kept on the device shows the offline page, not the browser’s error', async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto('/dang-nhap');
  await hydrated(page);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  // Offline: the page and its service worker both lose the network (the worker's own requests
  // are only cut by routing them, in Chromium).
  await page.context().setOffline(true);
  await page.context().route('**/*', (route) => route.abort('internetdisconnected'));
  await page.goto('/tai-lieu');
  await expect(page.getByTestId('offline-page')).toContainText('Đang không có kết nối mạng');
  await shot(page, 'offline-page', false);
  await page.context().unrouteAll();
  await page.context().setOffline(false);
  await page.getByRole('button', { name: 'Thử lại' }).click();
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Đang không có kết nối mạng');
});

test('a new version is offered with “Có phiên bản mới — tải lại” and applied only when the member asks', async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto('/dang-nhap');
  await hydrated(page);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await hydrated(page);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  // The app shell's cache (kept pages live in a cache of their own).
  const shells = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('sotay-shell-')).join(','));
  const before = await shells();
  expect(before).toMatch(/^sotay-shell-[0-9a-f]{12}$/);

  // A new build lands under the running server: its bundle changes, so does the worker's stamp.
  const extra = resolve(__dirname, '../../target/site/pkg/e2e-next-build.txt');
  writeFileSync(extra, String(Date.now()));
  await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên').fill('0900000004');
  await markPage(page);
  await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration('/'))!.update(); });
  const banner = page.getByTestId('update-banner');
  await expect(banner).toContainText('Có phiên bản mới — tải lại');
  await shot(page, 'update-banner', false);
  // Nothing reloads by itself: the half-filled form is still there.
  await page.waitForTimeout(1500);
  await expectNoReload(page);
  await expect(page.getByLabel('Số điện thoại hoặc số thẻ đảng viên')).toHaveValue('0900000004');

  // "Tải lại": the new worker takes over and the page loads again, once.
  await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Tải lại' }).click()]);
  await hydrated(page);
  expect(await page.evaluate(() => (window as any).__noReload)).toBeUndefined();
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  // The new worker's shell cache replaced the old one.
  await expect.poll(shells).toMatch(/^sotay-shell-[0-9a-f]{12}$/);
  expect(await shells()).not.toBe(before);
  rmSync(extra, { force: true });
});
