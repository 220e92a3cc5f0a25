import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { afterTest, hydrated, login, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

const HEADER = 'Họ và tên,Số thẻ đảng viên,Ngày sinh,Giới tính,Số điện thoại,Ngày vào Đảng,Đảng bộ cấp trên cơ sở,Đảng bộ cơ sở,Chi bộ';
const PATH = 'Đảng bộ thành phố Vị Thanh,Đảng bộ xã Vị Tân';

function sheet(lines: string[]) {
  return { name: 'danh-sach-vi-tan.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + [HEADER, ...lines].join('\r\n') + '\r\n') };
}

test('an administrator checks a member list, sees a bad row refused, imports it, hands out codes, and a member activates', async ({ page, browser }) => {
  await loginAs(page, 'admin');
  await page.goto('/dang-vien/nhap');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nhập danh sách đảng viên từ tệp');

  // The template is a real workbook.
  const template = await page.request.get('/api/v1/members/import/mau.xlsx');
  expect(template.status()).toBe(200);
  expect(template.headers()['content-type']).toContain('spreadsheetml');
  expect((await template.body()).subarray(0, 2).toString()).toBe('PK');

  const file = page.getByLabel('Tệp danh sách');
  const report = page.getByTestId('import-report');
  // A row with an impossible date: refused by row and column, nothing written.
  await file.setInputFiles(sheet([
    `Lâm Thị Diễm Kiều,64990001,12/08/1986,Nữ,0968000001,03/02/2010,${PATH},Chi bộ ấp 1`,
    `Tô Văn Khải,64990002,31/02/1979,Nam,0968000002,19/05/2004,${PATH},Chi bộ ấp Kênh Mới`,
  ]));
  await page.getByRole('button', { name: 'Kiểm tra trước' }).click();
  await expect(report.getByRole('heading', { level: 2 })).toHaveText('Có dòng bị từ chối — chưa ghi gì');
  const refused = report.getByTestId('import-refused').locator('tbody tr');
  await expect(refused).toHaveCount(1);
  await expect(refused.first()).toContainText('3');
  await expect(refused.first()).toContainText('Ngày sinh');
  await shot(page, 'member-import-refused');

  // Corrected: the dry run says what would happen, then the import writes it.
  await file.setInputFiles(sheet([
    `Lâm Thị Diễm Kiều,64990001,12/08/1986,Nữ,0968000001,03/02/2010,${PATH},Chi bộ ấp 1`,
    `Tô Văn Khải,64990002,28/02/1979,Nam,0968000002,19/05/2004,${PATH},Chi bộ ấp Kênh Mới`,
  ]));
  await page.getByRole('button', { name: 'Kiểm tra trước' }).click();
  await expect(report.getByRole('heading', { level: 2 })).toHaveText('Kết quả kiểm tra — chưa ghi gì');
  await expect(report.getByTestId('import-created')).toHaveText('Đảng viên mới: 2');
  await expect(report.getByTestId('import-new-units')).toHaveText('Đơn vị mới: 1');
  await report.getByText('Đơn vị mới (1)').click();
  await expect(report).toContainText('Đảng bộ thành phố Vị Thanh › Đảng bộ xã Vị Tân › Chi bộ ấp Kênh Mới');
  await page.getByRole('button', { name: 'Nhập vào hệ thống' }).click();
  await expect(report.getByRole('heading', { level: 2 })).toHaveText('Đã nhập vào hệ thống');
  await expect(report.getByTestId('import-created')).toHaveText('Đảng viên mới: 2');
  await shot(page, 'member-import-done');

  // The same list again changes nothing and duplicates nobody.
  await page.getByRole('button', { name: 'Nhập vào hệ thống' }).click();
  await expect(report.getByTestId('import-created')).toHaveText('Đảng viên mới: 0');
  await expect(report).toContainText('Không thay đổi: 2');

  await page.goto('/dang-vien?q=Tô Văn Khải');
  await hydrated(page);
  await expect(page.getByTestId('member-list')).toContainText('Tô Văn Khải');

  // The list downloads as a workbook in the same columns (the browser's own download).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-link').click()]);
  expect(download.suggestedFilename()).toMatch(/^danh-sach-dang-vien-\d+\.xlsx$/);
  const workbook = await page.request.get((await page.getByTestId('export-link').getAttribute('href'))!);
  expect(workbook.headers()['content-type']).toContain('spreadsheetml');
  expect((await workbook.body()).subarray(0, 2).toString()).toBe('PK');

  // Nobody imported can sign in yet: the new cell's members get activation codes.
  await page.getByTestId('member-list').getByRole('link', { name: 'Tô Văn Khải' }).click();
  await page.getByRole('link', { name: /Chi bộ ấp Kênh Mới/ }).first().click();
  await page.getByRole('link', { name: 'Danh sách đảng viên' }).click();
  await page.getByTestId('activation-link').click();
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mã kích hoạt tài khoản');
  const accounts = page.getByTestId('accounts').locator('tbody tr');
  await expect(accounts).toHaveCount(1);
  await expect(accounts.first()).toContainText('Tô Văn Khải');
  await expect(accounts.first()).toContainText('Chưa kích hoạt, chưa có mã');
  await expect(accounts.first().getByRole('checkbox')).toBeChecked();
  await page.getByTestId('issue-codes').click();
  await expect(page.getByTestId('codes-issued')).toContainText('Đã cấp 1 mã kích hoạt');
  await expect(accounts.first()).toContainText('Đã cấp mã, dùng được đến');
  const slip = page.getByTestId('code-slip');
  await expect(slip).toHaveCount(1);
  await expect(slip.getByTestId('slip-name')).toHaveText('Tô Văn Khải');
  await expect(slip.getByTestId('slip-card')).toHaveText('64990002');
  const code = (await slip.getByTestId('slip-code').textContent())!.trim();
  expect(code).toMatch(/^\d{4} \d{4} \d{4}$/);
  await expect(slip.getByTestId('slip-address')).toHaveText(new URL('/kich-hoat', page.url()).href);
  await shot(page, 'activation-codes-issued');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('accounts')).toBeHidden();
  await shot(page, 'activation-codes-printed');
  await page.emulateMedia({ media: 'screen' });
  // The same codes as a workbook (the browser's own download of the page's form).
  const [codes] = await Promise.all([page.waitForEvent('download'), page.getByTestId('codes-xlsx').click()]);
  expect(codes.suggestedFilename()).toMatch(/^ma-kich-hoat-\d+\.xlsx$/);
  const saved = readFileSync(await codes.path());
  expect(saved.subarray(0, 2).toString()).toBe('PK');

  // The member, on their own phone: card number, code, a password of their own.
  const member = await newPage(browser);
  await login(member, '64990002', 'khai2025');
  await expect(member.getByRole('alert').first()).toContainText('mật khẩu không đúng');
  await member.getByRole('link', { name: 'kích hoạt tài khoản' }).click();
  await hydrated(member);
  await member.getByLabel('Số thẻ đảng viên').fill('64990002');
  await member.getByLabel(/^Mã kích hoạt/).fill(code);
  await member.getByLabel(/^Mật khẩu mới/).fill('khaito2025');
  await member.getByLabel('Nhập lại mật khẩu mới').fill('khaito2025');
  await shot(member, 'activation-form');
  await member.getByRole('button', { name: 'Kích hoạt và đăng nhập' }).click();
  await expect(member.getByRole('heading', { level: 1 })).toContainText('Xin chào đồng chí Tô Văn Khải');
  await shot(member, 'activated-home');
  // From then on the phone number and that password sign in.
  await member.context().clearCookies();
  await login(member, '0968000002', 'khaito2025');
  await expect(member.getByRole('heading', { level: 1 })).toContainText('Xin chào đồng chí Tô Văn Khải');

  // The administrator's table now shows the account active.
  await page.reload();
  await hydrated(page);
  await expect(accounts.first()).toContainText('Đã kích hoạt');
  await expect(accounts.first().getByRole('checkbox')).not.toBeChecked();
});

test('a plain member cannot import a list', async ({ page }) => {
  await loginAs(page, 'member');
  const answer = await page.request.post('/api/v1/members/import', {
    headers: { Accept: 'application/json' },
    multipart: { unit_id: '1', mode: 'nhap', file: sheet([`Tô Văn Khải,64990009,28/02/1979,Nam,0968000009,19/05/2004,${PATH},Chi bộ ấp 1`]) },
  });
  expect(answer.status()).toBe(403);
  expect((await answer.json()).error.message).toContain('quản trị viên');
});
