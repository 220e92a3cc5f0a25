import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, shot } from './helpers';

test.afterEach(afterTest);

test('a member finds a document typed without diacritics and opens the passage', async ({ page }) => {
  await loginAs(page, 'member');
  await page.getByRole('button', { name: /Danh mục/ }).click();
  await page.getByTestId('menu').getByRole('link', { name: 'Thư viện tài liệu' }).click();
  await expect(page.getByTestId('doc-list')).toContainText('Điều lệ Đảng Cộng sản Việt Nam');
  // The search is a plain form: the results come as the server's page, readable before any
  // script runs, and the address names the search.
  await page.getByLabel(/Tìm trong văn bản/).fill('ban tin sinh hoat chi bo thuong ky');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page).toHaveURL(/\/tai-lieu\?q=ban\+tin\+sinh\+hoat/);
  const hits = page.getByTestId('hits');
  await expect(hits.locator('li').first()).toContainText('Bản tin sinh hoạt chi bộ');
  await expect(hits.locator('mark').first()).toBeVisible();
  await expect(page.getByLabel(/Tìm trong văn bản/)).toHaveValue('ban tin sinh hoat chi bo thuong ky');
  await shot(page, 'library-search');
  await hits.locator('li').first().getByRole('link').first().click();
  await expect(page.getByTestId('reader')).toContainText('37-HD/BTGDVTW');
  await expect(page).toHaveURL(/\/tai-lieu\/\d+#muc-/);
});

test('the charter opens at an article by deep link, with a table of contents and adjustable text size', async ({ page }) => {
  await loginAs(page, 'member');
  await page.goto('/tai-lieu?q=dieu+le+dang');
  await page.getByTestId('hits').getByRole('link').first().click();
  await expect(page.getByTestId('reader')).toContainText('Điều lệ Đảng Cộng sản Việt Nam');
  const url = new URL(page.url());
  await page.goto(`${url.pathname}#dieu-5`);
  await hydrated(page);
  await expect(page.locator('#dieu-5')).toBeInViewport();
  await expect(page.locator('.toc')).toContainText('Chương I. ĐẢNG VIÊN');
  await expect(page.getByTestId('font-size')).toHaveText('100%');
  await page.getByRole('button', { name: 'Tăng cỡ chữ' }).click();
  await page.getByRole('button', { name: 'Tăng cỡ chữ' }).click();
  await expect(page.getByTestId('font-size')).toHaveText('120%');
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('font-size')).toHaveText('120%');
  await shot(page, 'reader-article', false);
});

test('the JSON search API answers with ranked hits for a logged-in client, and 401 otherwise', async ({ request }) => {
  const anonymous = await request.get('/api/v1/search?q=sinh+hoat+chi+bo');
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.message).toBe('Vui lòng đăng nhập để tiếp tục.');

  const login = await request.post('/api/login', {
    form: { identifier: '0900000004', password: 'sotay2024' },
    headers: { Accept: 'application/json' },
  });
  expect(login.status()).toBe(200);
  const cookie = login.headers()['set-cookie'];
  const token = /sotay_session=([0-9a-f]{64})/.exec(cookie)![1];

  const response = await request.get('/api/v1/search?q=dang+vien+du+bi&limit=3', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.hits.length).toBeGreaterThan(0);
  expect(body.hits.length).toBeLessThanOrEqual(3);
  const first = body.hits[0];
  expect(first.title).toBe('Điều lệ Đảng Cộng sản Việt Nam');
  expect(first.anchor).toMatch(/^dieu-\d+/);
  expect(first.score).toBeGreaterThan(0);
  expect(first.snippet.some((p: { hit: boolean; text: string }) => p.hit && p.text === 'dự')).toBe(true);

  const empty = await request.get('/api/v1/search?q=', { headers: { Authorization: `Bearer ${token}` } });
  expect(empty.status()).toBe(422);
});
