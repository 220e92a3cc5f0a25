import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

test('a member asks the district committee without giving it her name; the committee answers; the bell tells the member without a reload', async ({ browser }) => {
  const member = await newPage(browser);
  await loginAs(member, 'member');
  // Start from an empty inbox (the demo has a draft waiting for the member's comments).
  await member.goto('/thong-bao-cua-toi');
  await hydrated(member);
  await member.getByRole('button', { name: 'Đánh dấu đã đọc tất cả' }).click();
  await expect(member.getByTestId('unread')).toHaveCount(0);
  await member.getByRole('button', { name: /Danh mục/ }).click();
  await member.getByTestId('menu').getByRole('link', { name: 'Hỏi đáp, kiến nghị' }).click();
  const ask = member.getByTestId('ask');
  await expect(ask).toBeVisible();
  await hydrated(member);

  // Nothing filled in: errors on the fields, nothing sent.
  await ask.getByRole('button', { name: 'Gửi' }).click();
  await expect(ask.locator('[data-field="title"]')).toHaveText('Vui lòng nhập tiêu đề.');
  await expect(ask.locator('[data-field="topic"]')).toHaveText('Vui lòng chọn lĩnh vực.');

  await ask.getByLabel('Gửi đến').selectOption({ label: 'Đảng bộ huyện Phụng Hiệp' });
  await ask.getByLabel('Loại').selectOption({ label: 'Kiến nghị, đề xuất' });
  await ask.getByLabel('Lĩnh vực').selectOption({ label: 'Kinh tế, đời sống ở địa phương' });
  await ask.getByLabel('Tiêu đề').fill('Đề nghị nâng cấp đường đal ấp 3 xã Hòa An');
  await ask.getByLabel('Nội dung').fill('Đoạn đường đal từ nhà văn hóa ấp 3 ra chợ xuống cấp, mùa mưa học sinh đi lại khó khăn. Đề nghị Huyện ủy quan tâm chỉ đạo.');
  await ask.getByLabel('Chỉ bí thư chi bộ của tôi biết tên').check();
  await expect(ask.getByTestId('who-sees-name')).toHaveText(/cấp ủy cấp trên không thấy tên/);
  await ask.getByRole('button', { name: 'Gửi' }).click();
  const question = member.getByTestId('question');
  await expect(question.getByTestId('question-status')).toHaveText('Đã tiếp nhận');
  await expect(question.getByTestId('holder')).toHaveText('Đảng bộ huyện Phụng Hiệp');
  await hydrated(member);
  await expect(member.getByTestId('unread')).toHaveCount(0);

  // The district committee member: the bell shows it, the inbox lists it without the name.
  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await expect(committee.getByTestId('unread')).toHaveText(/^[1-9]\d*$/);
  await committee.goto('/hoi-dap/tiep-nhan');
  const inbox = committee.getByTestId('question-inbox');
  const item = inbox.getByRole('listitem').filter({ hasText: 'đường đal ấp 3' });
  await expect(item).toContainText('Người hỏi ẩn danh');
  await expect(inbox).not.toContainText('Phạm Văn Hậu');
  await item.getByRole('link').click();
  await expect(committee.getByTestId('asker')).toHaveText('Người hỏi ẩn danh');
  await hydrated(committee);
  await committee.getByRole('button', { name: 'Nhận xử lý' }).click();
  await expect(committee.getByTestId('question-status')).toHaveText('Đang xử lý');
  await committee.getByLabel('Nội dung trả lời').fill('Huyện ủy đã giao UBND huyện đưa tuyến đường đal ấp 3 vào kế hoạch duy tu quý I năm sau; Đảng ủy xã Hòa An theo dõi, báo cáo tiến độ.');
  await committee.getByRole('button', { name: 'Gửi trả lời' }).click();
  await expect(committee.getByTestId('question-status')).toHaveText('Đã trả lời');
  await expect(committee.locator('body')).not.toContainText('Phạm Văn Hậu');
  // Published to the district's FAQ, reworded so it points at nobody.
  const publish = committee.getByTestId('publish-faq');
  await publish.getByLabel('Câu hỏi (đăng công khai)').fill('Đường giao thông nông thôn xuống cấp thì kiến nghị ở đâu, ai xử lý?');
  await publish.getByRole('button', { name: 'Đăng lên hỏi đáp chung' }).click();
  await expect(committee.getByTestId('publish-faq').getByRole('status')).toHaveText('Đã đăng lên hỏi đáp chung.');
  await shot(committee, 'question-answered-by-committee');

  // The member's page, never reloaded, gets the badge; the notification leads to the answer.
  await expect(member.getByTestId('unread')).toHaveText('1', { timeout: 25_000 });
  await shot(member, 'question-badge', false);
  await member.getByTestId('bell').click();
  await member.getByTestId('notifications').getByRole('link', { name: /Đã có trả lời: Đề nghị nâng cấp đường đal/ }).click();
  await expect(member.getByTestId('answer')).toContainText('kế hoạch duy tu quý I');
  await expect(member.getByTestId('unread')).toHaveCount(0);
  await hydrated(member);
  await member.getByTestId('rate').getByRole('button', { name: '5 ★' }).click();
  await member.getByTestId('rate').getByLabel('Nhận xét').fill('Cảm ơn Huyện ủy đã trả lời nhanh');
  await member.getByTestId('rate').getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(member.getByTestId('rating')).toHaveText('Người hỏi đánh giá: 5/5 ★');
  await expect(member.getByTestId('history')).toContainText('Trả lời');
  await shot(member, 'question-rated');

  // Any member of the district finds it in the FAQ, typed without diacritics.
  await member.goto('/hoi-dap/chung?q=duong+giao+thong+xuong+cap');
  const faq = member.getByTestId('faq');
  await expect(faq.getByRole('listitem').first()).toContainText('Đường giao thông nông thôn xuống cấp');
  await expect(faq.getByRole('listitem').first()).toContainText('kế hoạch duy tu quý I');
  await expect(faq).not.toContainText('Phạm Văn Hậu');

  // The district's report counts it: answered, rated 5.
  await committee.goto('/hoi-dap/bao-cao');
  const report = committee.getByTestId('question-report');
  await expect(report.getByTestId('qr-scope')).toContainText('Đảng bộ huyện Phụng Hiệp');
  await expect(report.getByTestId('qr-answered')).toHaveText('1');
  await expect(report.getByTestId('qr-satisfaction')).toHaveText('5 ★ (1 lượt)');
  await expect(report.getByTestId('qr-topics').locator('svg')).toBeVisible();
  const csv = await committee.request.get(await report.getByRole('link', { name: 'CSV' }).getAttribute('href') as string);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain('Tổng cộng,1,1,0,0,');
  await shot(committee, 'question-report');
});

test('a committee sends a meeting notice to the district’s cell secretaries; a secretary confirms; the receipts count her once', async ({ browser }) => {
  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto('/thong-bao/moi');
  const compose = committee.getByTestId('compose');
  await hydrated(committee);
  await compose.getByLabel('Người nhận', { exact: true }).selectOption({ label: 'Bí thư, phó bí thư các chi bộ' });
  await compose.getByLabel('Tiêu đề').fill('Giấy mời dự hội nghị sơ kết công tác xây dựng Đảng năm 2026');
  await compose.getByLabel('Nội dung').fill('Kính mời đồng chí bí thư chi bộ dự hội nghị lúc 7 giờ 30, thứ Sáu tuần sau, tại Hội trường Huyện ủy Phụng Hiệp.');
  await compose.getByLabel(/Yêu cầu người nhận bấm/).check();
  await compose.getByRole('button', { name: 'Gửi thông báo' }).click();
  const counts = committee.getByTestId('receipt-counts');
  await expect(counts).toHaveText(/^\d+ người nhận · 0 đã đọc · 0 đã xác nhận$/);
  const recipients = Number((await counts.textContent())!.split(' ')[0]);
  expect(recipients).toBeGreaterThan(10);
  const url = committee.url();

  const secretary = await newPage(browser);
  await loginAs(secretary, 'secretary');
  await expect(secretary.getByTestId('unread')).toBeVisible();
  await secretary.goto('/thong-bao');
  const item = secretary.getByTestId('announcements').getByRole('listitem').filter({ hasText: 'Giấy mời dự hội nghị sơ kết' });
  await expect(item).toContainText('Cần xác nhận');
  await item.getByRole('link').click();
  await hydrated(secretary);
  await secretary.getByRole('button', { name: 'Xác nhận đã nhận thông báo' }).click();
  await expect(secretary.getByTestId('announcement').getByRole('status')).toHaveText('Đồng chí đã xác nhận.');
  await secretary.reload();
  await expect(secretary.getByTestId('announcement').getByRole('status')).toHaveText('Đồng chí đã xác nhận.');

  // A plain member of the same cell was not addressed.
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto(url);
  await expect(member.getByRole('alert')).toContainText('Không tìm thấy');

  await committee.reload();
  await expect(counts).toHaveText(`${recipients} người nhận · 1 đã đọc · 1 đã xác nhận`);
  await shot(committee, 'announcement-receipts');
});

test('a committee merges a duplicate question; its asker gets the shared answer without seeing the other asker', async ({ browser }) => {
  async function ask(role: 'member' | 'secretary', title: string) {
    const page = await newPage(browser);
    await loginAs(page, role);
    await page.goto('/hoi-dap');
    await hydrated(page);
    const form = page.getByTestId('ask');
    await form.getByLabel('Gửi đến').selectOption({ label: 'Đảng bộ huyện Phụng Hiệp' });
    await form.getByLabel('Loại').selectOption({ label: 'Câu hỏi' });
    await form.getByLabel('Lĩnh vực').selectOption({ label: 'Đảng phí' });
    await form.getByLabel('Tiêu đề').fill(title);
    await form.getByLabel('Nội dung').fill('Đảng viên nghỉ hưu hưởng lương hưu thì đóng đảng phí theo tỷ lệ bao nhiêu phần trăm?');
    await form.getByRole('button', { name: 'Gửi' }).click();
    await expect(page.getByTestId('question-status')).toHaveText('Đã tiếp nhận');
    return { page, id: page.url().split('/').pop()! };
  }
  const first = await ask('member', 'Mức đóng đảng phí của đảng viên hưu trí');
  const second = await ask('secretary', 'Đảng viên hưu trí đóng đảng phí bao nhiêu?');

  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto(`/hoi-dap/${second.id}`);
  await hydrated(committee);
  const handle = committee.getByTestId('handle');
  await handle.getByLabel('Trùng nội dung với câu hỏi số').fill(first.id);
  await handle.getByRole('button', { name: 'Gộp' }).click();
  await expect(committee.getByTestId('question-status')).toHaveText('Đã đóng');
  await expect(committee.getByTestId('merged')).toContainText(`câu hỏi số ${first.id}`);

  await committee.goto(`/hoi-dap/${first.id}`);
  await hydrated(committee);
  await committee.getByRole('button', { name: 'Nhận xử lý' }).click();
  await expect(committee.getByTestId('question-status')).toHaveText('Đang xử lý');
  await committee.getByLabel('Nội dung trả lời').fill('Theo Quy định 01-QĐ/TW, đảng viên hưởng lương hưu đóng đảng phí bằng 0,5% lương hưu hằng tháng.');
  await committee.getByRole('button', { name: 'Gửi trả lời' }).click();
  await expect(committee.getByTestId('question-status')).toHaveText('Đã trả lời');

  // The duplicate's asker reads the shared answer in her own question, with no other name on it.
  await second.page.goto(`/hoi-dap/${second.id}`);
  const merged = second.page.getByTestId('merged');
  await expect(merged).toContainText('0,5% lương hưu');
  await expect(second.page.locator('main')).not.toContainText('Phạm Văn Hậu');
  await shot(second.page, 'question-merged');
});
