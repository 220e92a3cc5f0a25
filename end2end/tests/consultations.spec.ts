import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

test('a member comments on the district draft article by article; the committee reads the comments grouped and exports them', async ({ browser }) => {
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.getByRole('button', { name: /Danh mục/ }).click();
  await member.getByTestId('menu').getByRole('link', { name: 'Góp ý dự thảo' }).click();
  const list = member.getByTestId('consultations');
  await list.getByRole('link', { name: /Quy chế làm việc của Ban Chấp hành Đảng bộ huyện Phụng Hiệp/ }).click();
  const page = member.getByTestId('consultation');
  await expect(page.getByTestId('consultation-status')).toContainText('Còn 14 ngày');
  await expect(page.getByTestId('my-count')).toHaveText('Đồng chí đã góp 0 ý kiến.');
  await hydrated(member);

  // Điều 6, with its clauses, and a comment on it.
  const article = member.getByTestId('article-dieu-6');
  await expect(article.getByRole('heading', { level: 3 })).toHaveText('Điều 6. Chế độ họp');
  await expect(article).toContainText('3. Tài liệu họp được gửi đến các thành viên chậm nhất 05 ngày làm việc');
  await article.getByRole('button', { name: 'Góp ý điều này' }).click();
  // An amendment with no text is refused on its field.
  await article.getByRole('button', { name: 'Gửi góp ý' }).click();
  await expect(article.locator('[data-field="body"]')).toHaveText('Vui lòng ghi nội dung góp ý (ít nhất 5 ký tự).');
  await article.getByLabel('Nội dung góp ý').fill('Khoản 3: đề nghị gửi tài liệu họp qua Sổ tay đảng viên điện tử, chậm nhất 07 ngày.');
  await article.getByRole('button', { name: 'Gửi góp ý' }).click();
  await expect(article.getByTestId('my-comment')).toContainText('Đề nghị sửa đổi, bổ sung');
  await expect(page.getByTestId('my-count')).toHaveText('Đồng chí đã góp 1 ý kiến.');

  // Edited: still one comment, with the new text.
  await article.getByRole('button', { name: 'Sửa' }).click();
  await article.getByLabel('Nội dung góp ý').fill('Khoản 3: đề nghị gửi tài liệu họp qua Sổ tay đảng viên điện tử, chậm nhất 07 ngày làm việc.');
  await article.getByRole('button', { name: 'Gửi góp ý' }).click();
  await expect(article.getByTestId('my-comment')).toHaveCount(1);
  await expect(article.getByTestId('my-comment')).toContainText('chậm nhất 07 ngày làm việc.');
  // "Nhất trí" on Điều 1 needs no text.
  const first = member.getByTestId('article-dieu-1');
  await first.getByRole('button', { name: 'Góp ý điều này' }).click();
  await first.getByLabel('Nhất trí').check();
  await first.getByRole('button', { name: 'Gửi góp ý' }).click();
  await expect(first.getByTestId('my-comment')).toContainText('Nhất trí');
  await expect(page.getByTestId('my-count')).toHaveText('Đồng chí đã góp 2 ý kiến.');
  await shot(member, 'consultation-member-comments');

  // After a reload the comments are still there, once each.
  await member.reload();
  await expect(member.getByTestId('article-dieu-6').getByTestId('my-comment')).toHaveCount(1);
  await expect(member.getByTestId('my-count')).toHaveText('Đồng chí đã góp 2 ý kiến.');

  // The committee: the digest, grouped by article, with the member's name and cell.
  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto('/xin-y-kien');
  await committee.getByTestId('consultations-managed').getByRole('link', { name: /Quy chế làm việc/ }).click();
  const digest = committee.getByTestId('digest');
  await expect(digest.getByTestId('digest-totals')).toContainText('đảng viên được hỏi');
  await expect(digest.getByTestId('digest-table').getByRole('row')).toHaveCount(11);
  const group = committee.getByTestId('digest-group').filter({ has: committee.getByRole('heading', { name: 'Điều 6. Chế độ họp' }) });
  await group.getByText(/^Xem \d+ ý kiến$/).click();
  const mine = group.getByRole('listitem').filter({ hasText: 'chậm nhất 07 ngày làm việc.' });
  await expect(mine).toContainText('Phạm Văn Hậu');
  await expect(mine).toContainText('Chi bộ ấp 3');
  await expect(committee.getByTestId('digest-units')).toContainText('Đảng bộ xã Hòa An');
  await shot(committee, 'consultation-digest');

  const href = await digest.getByRole('link', { name: 'Tải về CSV' }).getAttribute('href');
  const csv = await committee.request.get(href!);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain('chậm nhất 07 ngày làm việc.",Phạm Văn Hậu,Chi bộ ấp 3');
  const xlsx = await committee.request.get(href!.replace('.csv', '.xlsx'));
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
  expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
  // A member cannot read the digest or download it.
  const refused = await member.request.get(href!);
  expect(refused.status()).toBe(403);
});

test('a committee puts its own draft to the cell secretaries; the draft cannot be issued while they comment', async ({ browser }) => {
  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto('/tai-lieu/moi');
  await hydrated(committee);
  await committee.getByLabel('Tên tài liệu').fill('Kế hoạch tổ chức hội nghị sơ kết sinh hoạt chi bộ ấp năm 2026');
  await committee.getByLabel(/Số, ký hiệu/).fill('Dự thảo KH/HU');
  await committee.locator('#ed-text').fill([
    'Điều 1. Mục đích',
    'Đánh giá kết quả nâng cao chất lượng sinh hoạt chi bộ ấp trong năm 2026.',
    'Điều 2. Thời gian, địa điểm',
    'Hội nghị tổ chức tại hội trường Huyện ủy trong tháng 12 năm 2026.',
  ].join('\n'));
  await committee.getByRole('button', { name: 'Lưu bản nháp' }).click();
  await expect(committee.getByTestId('reader')).toBeVisible();
  await hydrated(committee);
  await committee.getByRole('link', { name: 'Lấy ý kiến dự thảo' }).click();
  const form = committee.getByTestId('open-consultation');
  await expect(form.getByLabel('Dự thảo')).toHaveValue(/\d+/);
  await expect(form.getByLabel('Dự thảo').locator('option:checked')).toContainText('Kế hoạch tổ chức hội nghị sơ kết');
  await hydrated(committee);
  // A deadline in the past is refused.
  await form.getByLabel('Hạn góp ý (hết ngày)').fill('2020-01-01');
  await form.getByRole('button', { name: 'Mở lấy ý kiến' }).click();
  await expect(form.locator('[data-field="closes_on"]')).toHaveText('Hạn góp ý phải từ hôm nay đến trong vòng 180 ngày.');
  const soon = new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10);
  await form.getByLabel('Hạn góp ý (hết ngày)').fill(soon);
  await form.getByLabel('Đối tượng lấy ý kiến').selectOption({ label: 'Bí thư, phó bí thư các chi bộ' });
  await form.getByLabel(/Lời đề nghị/).fill('Đề nghị các đồng chí bí thư chi bộ góp ý thời gian tổ chức hội nghị.');
  await form.getByRole('button', { name: 'Mở lấy ý kiến' }).click();
  const opened = committee.getByTestId('consultation');
  await expect(opened.getByTestId('consultation-status')).toContainText(/Còn \d+ ngày/);
  await expect(opened).toContainText('Đề nghị các đồng chí bí thư chi bộ góp ý thời gian tổ chức hội nghị.');
  await expect(committee.getByTestId('article-dieu-2')).toContainText('hội trường Huyện ủy');

  // Issuing the draft now is refused with the reason.
  await committee.goBack();
  await committee.goBack();
  await expect(committee.getByTestId('reader')).toBeVisible();
  await hydrated(committee);
  await committee.getByRole('button', { name: 'Ban hành' }).click();
  await expect(committee.getByTestId('reader').getByRole('alert')).toContainText('Dự thảo đang được lấy ý kiến đến hết ngày');

  // The secretary is asked; the member of the same cell is not.
  const secretary = await newPage(browser);
  await loginAs(secretary, 'secretary');
  await secretary.goto('/xin-y-kien');
  await expect(secretary.getByTestId('consultations')).toContainText('Kế hoạch tổ chức hội nghị sơ kết sinh hoạt chi bộ ấp năm 2026');
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto('/xin-y-kien');
  await expect(member.getByTestId('consultations')).toContainText('Quy chế làm việc');
  await expect(member.getByTestId('consultations')).not.toContainText('Kế hoạch tổ chức hội nghị sơ kết');
});
