import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs } from './helpers';

test.afterEach(afterTest);

/** A sentence of the Charter's Điều 1 as the demo library holds it. */
const CHARTER_SENTENCE = 'Đảng viên Đảng Cộng sản Việt Nam là chiến sĩ cách mạng trong đội tiên phong của giai cấp công nhân';

test('a document page carries its text once, as HTML, and the reader’s marks work on it', async ({ page }) => {
  await loginAs(page, 'member');
  const html = await (await page.request.get('/tai-lieu/1')).text();
  expect(html).toContain('id="doc-body"');
  // Once in the page: not again in the data the page hydrates from.
  expect(html.split(CHARTER_SENTENCE).length - 1).toBe(1);

  await page.goto('/tai-lieu/1#dieu-1');
  await hydrated(page);
  const article = page.locator('#dieu-1');
  await expect(page.locator('#doc-body')).toContainText(CHARTER_SENTENCE);
  const saved = page.waitForResponse((r) => r.url().endsWith('/bookmark') && r.ok());
  await article.getByRole('button', { name: '☆ Đánh dấu' }).click();
  await expect(article.getByRole('button', { name: '★ Đã đánh dấu' })).toHaveAttribute('aria-pressed', 'true');
  await saved;
  await expect(page.locator('.toc li', { hasText: 'Điều 1' }).first()).toContainText('★');
  // Kept on the server: the next visit shows it too, then it is taken away again.
  await page.reload();
  await hydrated(page);
  const again = page.locator('#dieu-1').getByRole('button', { name: '★ Đã đánh dấu' });
  await expect(again).toBeVisible();
  await again.click();
  await expect(page.locator('#dieu-1').getByRole('button', { name: '☆ Đánh dấu' })).toHaveAttribute('aria-pressed', 'false');
});

test('pages open one from another by link and back, each interactive again', async ({ page }) => {
  await loginAs(page, 'member');
  await page.getByRole('button', { name: /Danh mục/ }).click();
  await page.getByTestId('menu').getByRole('link', { name: 'Thư viện tài liệu' }).click();
  await expect(page.getByTestId('doc-list')).toContainText('Điều lệ Đảng Cộng sản Việt Nam');
  await page.getByTestId('doc-list').getByRole('link', { name: 'Điều lệ Đảng Cộng sản Việt Nam' }).click();
  // Opened from another page, the body comes with the document's data.
  await expect(page.locator('#doc-body')).toContainText(CHARTER_SENTENCE);
  await expect(page.locator('#dieu-1').getByRole('button', { name: '☆ Đánh dấu' })).toBeVisible();
  await expect(page.getByTestId('listener')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('doc-list')).toContainText('Điều lệ Đảng Cộng sản Việt Nam');
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Xin chào đồng chí');
  // The page gone back to still answers: its menu opens and leads on.
  await hydrated(page);
  await page.getByRole('button', { name: /Danh mục/ }).click();
  await expect(page.getByTestId('menu')).toBeVisible();
  await page.getByTestId('menu').getByRole('link', { name: 'Tài liệu cần đọc' }).click();
  await expect(page.getByTestId('required-list')).toBeVisible();
});

test('when the app’s code cannot be downloaded, pages still read and link as plain HTML', async ({ browser }) => {
  // Without the service worker, which would answer from the copy it keeps.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await loginAs(page, 'member');
    // From now on no WebAssembly arrives, as on a connection that drops mid-download.
    let refused = 0;
    await page.route(/\/pkg\/.*\.wasm$/, (route) => {
      refused += 1;
      return route.abort('connectionreset');
    });
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Xin chào đồng chí');
    await page.locator('.quick-links').getByRole('link', { name: 'Thư viện tài liệu' }).click();
    await expect(page).toHaveURL(/\/tai-lieu$/);
    await expect(page.getByTestId('doc-list')).toContainText('Điều lệ Đảng Cộng sản Việt Nam');
    await page.getByTestId('doc-list').getByRole('link', { name: 'Điều lệ Đảng Cộng sản Việt Nam' }).click();
    await expect(page.locator('#doc-body')).toContainText(CHARTER_SENTENCE);
    expect(refused).toBeGreaterThan(0);
    // Never interactive, and never reloading in a loop: the server's HTML is the page.
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  } finally {
    await context.close();
  }
});

test('the bundle’s files are named by their content and kept by browsers without asking again', async ({ request }) => {
  const html = await (await request.get('/dang-nhap')).text();
  const script = /href="(\/pkg\/sotay\.[A-Za-z0-9_-]{22}\.js)"/.exec(html)?.[1];
  const style = /href="(\/pkg\/sotay\.[A-Za-z0-9_-]{22}\.css)"/.exec(html)?.[1];
  expect(script, 'a fingerprinted script').toBeTruthy();
  expect(style, 'a fingerprinted stylesheet').toBeTruthy();
  for (const path of [script!, style!]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['cache-control'], path).toBe('public, max-age=31536000, immutable');
  }
  // The worker itself is always checked again: it is how a phone learns of a new release.
  expect((await request.get('/sw.js')).headers()['cache-control']).toBe('no-cache');
});
