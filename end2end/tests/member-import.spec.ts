import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, shot } from './helpers';

test.afterEach(afterTest);

const HEADER = 'Họ và tên,Số thẻ đảng viên,Ngày sinh,Giới tính,Số điện thoại,Ngày vào Đảng,Đảng bộ cấp trên cơ sở,Đảng bộ cơ sở,Chi bộ';
const PATH = 'Đảng bộ thành phố Vị Thanh,Đảng bộ xã Vị Tân';

function sheet(lines: string[]) {
  return { name: 'danh-sach-vi-tan.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + [HEADER, ...lines].join('\r\n') + '\r\n') };
}

test('an administrator checks a member list, sees a bad row refused, then imports it and finds the members', async ({ page }) => {
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
