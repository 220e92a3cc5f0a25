import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, readThrough, shot } from './helpers';

test.afterEach(afterTest);

test('a member reads an assigned document through, confirms, and the secretary sees it read', async ({ browser }) => {
  const memberPage = await newPage(browser);
  await loginAs(memberPage, 'member');
  await memberPage.getByRole('button', { name: /Danh mục/ }).click();
  await memberPage.getByTestId('menu').getByRole('link', { name: 'Tài liệu cần đọc' }).click();
  const item = memberPage.getByTestId('required-list').locator('li').first();
  await expect(item).toContainText('Bản tin sinh hoạt chi bộ');
  await expect(item).toContainText('Chưa đọc');
  await item.getByRole('link').first().click();
  await hydrated(memberPage);
  const panel = memberPage.getByTestId('reading-panel');
  await expect(panel).toContainText('Đã xem 0/');
  const confirm = panel.getByRole('button', { name: 'Đã đọc và nắm nội dung' });
  await expect(confirm).toBeDisabled();

  // Jumping straight to the end is not reading: the button stays disabled.
  await memberPage.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await memberPage.waitForTimeout(6500);
  await memberPage.evaluate(() => window.scrollTo(0, 0));
  await expect(confirm).toBeDisabled();

  // Read through: scroll a screen at a time, pausing on each.
  await readThrough(memberPage);
  await expect(confirm).toBeEnabled({ timeout: 20_000 });
  await confirm.click();
  await expect(panel.getByRole('status')).toHaveText('Đồng chí đã xác nhận: Đã đọc và nắm nội dung.');
  await shot(memberPage, 'reading-confirmed', false);

  const secretaryPage = await newPage(browser);
  await loginAs(secretaryPage, 'secretary');
  await secretaryPage.goto('/can-doc');
  await secretaryPage.getByRole('link', { name: 'Báo cáo tình hình đọc' }).first().click();
  await expect(secretaryPage.getByTestId('report')).toContainText('Chi bộ ấp 3');
  const row = secretaryPage.getByTestId('report-members').locator('li', { hasText: 'Phạm Văn Hậu' });
  await expect(row).toContainText('Đã đọc');
  await expect(secretaryPage.getByTestId('report-totals')).toContainText('1 đã đọc');
  await shot(secretaryPage, 'reading-report');
});

test('the committee report drills down from the district to communes', async ({ page }) => {
  await loginAs(page, 'committee');
  await page.goto('/can-doc');
  await page.getByRole('link', { name: 'Báo cáo tình hình đọc' }).first().click();
  const report = page.getByTestId('report');
  await expect(report).toContainText('Đảng bộ huyện Phụng Hiệp');
  await expect(report.locator('table')).toContainText('Đảng bộ xã Hòa An');
  await report.getByRole('link', { name: 'Đảng bộ xã Hòa An' }).click();
  await expect(page.getByTestId('report')).toContainText('Chi bộ ấp 3');
  await hydrated(page);
  await shot(page, 'reading-report-commune');
});

test('the report downloads as CSV for the committee and is refused to a plain member', async ({ request }) => {
  const tokenFor = async (phone: string) => {
    const login = await request.post('/api/login', {
      form: { identifier: phone, password: 'sotay2024' },
      headers: { Accept: 'application/json' },
    });
    return /sotay_session=([0-9a-f]{64})/.exec(login.headers()['set-cookie'])![1];
  };
  const committee = await tokenFor('0900000002');
  const list = await request.post('/api/reading-required', {
    headers: { Accept: 'application/json', Authorization: `Bearer ${committee}` },
  });
  const [first] = await list.json();
  const csv = await request.get(`/api/v1/reading-report.csv?assignment=${first.assignment_id}&unit=${first.report_unit}`, {
    headers: { Authorization: `Bearer ${committee}` },
  });
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain('Đơn vị,Số đảng viên,Đã đọc,Đang đọc,Chưa đọc');
  expect(text).toContain('Đảng bộ xã Hòa An,');

  const member = await tokenFor('0900000004');
  const refused = await request.get(`/api/v1/reading-report.csv?assignment=${first.assignment_id}&unit=${first.report_unit}`, {
    headers: { Authorization: `Bearer ${member}` },
  });
  expect(refused.status()).toBe(403);
});
