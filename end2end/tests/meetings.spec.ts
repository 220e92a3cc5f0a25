import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

/** Vietnam local time `hours` from now, as a datetime-local input takes it. */
function local(hours: number): string {
  return new Date(Date.now() + (7 + hours) * 3600_000).toISOString().slice(0, 16);
}

test('a secretary plans a meeting, takes attendance and scores it; the committee approves; a member rates it', async ({ browser }) => {
  const secretary = await newPage(browser);
  await loginAs(secretary, 'secretary');
  await secretary.getByRole('button', { name: /Danh mục/ }).click();
  await secretary.getByTestId('menu').getByRole('link', { name: 'Sinh hoạt chi bộ' }).click();
  await secretary.getByRole('link', { name: 'Lên kế hoạch' }).click();
  await hydrated(secretary);

  // Too short and no topic: field errors, nothing saved.
  await secretary.getByLabel('Thời lượng dự kiến (phút)').fill('60');
  await secretary.getByRole('button', { name: 'Lưu kế hoạch và mời đảng viên' }).click();
  await expect(secretary.locator('[data-field="planned_minutes"]')).toHaveText('Thời gian sinh hoạt từ 90 đến 480 phút.');
  await expect(secretary.locator('[data-field="topic"]')).toBeVisible();

  await secretary.getByLabel('Chủ đề').fill('Sinh hoạt thường kỳ tháng 11: sơ kết công tác thu hoạch lúa');
  await secretary.getByLabel('Chương trình').fill('1. Đánh giá tình hình tháng 10\n2. Phương hướng tháng 11');
  await secretary.getByLabel('Địa điểm').fill('Nhà văn hóa ấp 3');
  await secretary.getByLabel('Thời gian bắt đầu').fill(local(-2));
  await secretary.getByLabel('Thời lượng dự kiến (phút)').fill('100');
  await secretary.getByRole('button', { name: 'Lưu kế hoạch và mời đảng viên' }).click();
  const meeting = secretary.getByTestId('meeting');
  await expect(meeting).toContainText('Sinh hoạt thường kỳ tháng 11');
  await expect(secretary.getByTestId('meeting-status')).toHaveText('Đã lên kế hoạch');
  await hydrated(secretary);
  const url = secretary.url();

  // Post a library document; posted on the day, it is flagged as late for preparation.
  await secretary.locator('#mt-doc').selectOption({ label: 'Hướng dẫn về việc đổi mới, nâng cao chất lượng, hiệu quả Bản tin sinh hoạt chi bộ trong giai đoạn mới' });
  await secretary.getByRole('button', { name: 'Đăng tài liệu' }).click();
  await expect(secretary.getByTestId('meeting-documents')).toContainText('Bản tin sinh hoạt chi bộ');
  await expect(secretary.getByTestId('meeting-documents')).toContainText('chưa đủ 1 ngày trước buổi sinh hoạt');

  // Attendance: everyone present except the last, excused.
  const selects = secretary.getByTestId('attendance').locator('select');
  const count = await selects.count();
  expect(count).toBeGreaterThan(5);
  for (let i = 0; i < count; i++) {
    await selects.nth(i).selectOption(i === count - 1 ? 'excused' : 'present');
  }
  await secretary.getByRole('button', { name: 'Lưu điểm danh' }).click();
  await expect(secretary.getByTestId('meeting-attendance')).toContainText(`${count - 1}/${count} đảng viên`);
  await secretary.getByLabel('Thời gian sinh hoạt thực tế (phút)').fill('95');
  await secretary.getByRole('button', { name: 'Ghi nhận đã sinh hoạt' }).click();
  await expect(secretary.getByTestId('meeting-status')).toHaveText('Đã sinh hoạt');

  // Minutes: facts pre-filled; written, read back and approved; printable.
  await secretary.getByRole('link', { name: 'Biên bản' }).click();
  await hydrated(secretary);
  const minutes = secretary.getByTestId('minutes');
  await expect(minutes.getByTestId('minutes-counts')).toContainText(`Có mặt: ${count - 1}. Vắng: 1 (có lý do 1, không lý do 0)`);
  await secretary.getByLabel('Chủ trì', { exact: true }).fill('Trần Thị Bích Ngọc');
  await secretary.getByLabel('Thư ký', { exact: true }).fill('Phạm Văn Hậu');
  await secretary.getByLabel(/Ý kiến phát biểu/).fill('Phạm Văn Hậu: Đề nghị vận động bà con thu hoạch lúa đúng lịch thời vụ\nTrần Thị Bích Ngọc: Giao tổ chức đoàn thể hỗ trợ hộ neo đơn');
  await secretary.getByLabel('Kết luận của chủ trì').fill('Chi bộ thống nhất nghị quyết tháng 11 với hai nhiệm vụ trọng tâm.');
  await secretary.getByLabel(/^Biểu quyết/).fill(`Thông qua nghị quyết tháng 11: ${count - 1}/0/0`);
  await secretary.getByLabel(/đã được đọc lại và thông qua/).check();
  await secretary.getByRole('button', { name: 'Lưu biên bản' }).click();
  await expect(minutes.getByTestId('minutes-approved')).toContainText('Biên bản đã được đọc lại và thông qua');
  await expect(minutes.getByTestId('minutes-votes')).toContainText('Thông qua nghị quyết tháng 11');
  await secretary.emulateMedia({ media: 'print' });
  await shot(secretary, 'meeting-minutes-print');
  await secretary.emulateMedia({ media: 'screen' });
  await secretary.goto(url);
  await hydrated(secretary);

  // Scoring: automatic criteria are pre-filled; a score over the maximum is refused.
  const scoring = secretary.getByTestId('scoring');
  await expect(scoring).toContainText('Gợi ý theo dữ liệu: 20');
  const inputs = scoring.locator('input');
  await inputs.nth(0).fill('16');
  await scoring.getByRole('button', { name: 'Lưu điểm' }).click();
  await expect(scoring.getByRole('alert').first()).toHaveText('Điểm phải từ 0 đến 15.');
  await inputs.nth(0).fill('14');
  await inputs.nth(1).fill('20');
  await inputs.nth(2).fill('40');
  await inputs.nth(3).fill('15,9');
  await expect(scoring.getByTestId('score-total')).toHaveText('Tổng: 89,9 điểm');
  await scoring.getByRole('button', { name: 'Lưu điểm' }).click();
  await expect(secretary.getByTestId('meeting-status')).toHaveText('89,9 điểm · Khá');
  await shot(secretary, 'meeting-scored');

  // The cell's report lists it as scored, waiting for the committee.
  await secretary.goto('/sinh-hoat');
  await secretary.getByRole('link', { name: 'Báo cáo', exact: true }).click();
  const report = secretary.getByTestId('meeting-report');
  await expect(report.getByTestId('report-scope')).toContainText('Chi bộ ấp 3');
  const listed = secretary.getByTestId('report-meetings').getByRole('listitem').filter({ hasText: 'thu hoạch lúa' });
  await expect(listed).toContainText('89,9 điểm · Khá');
  const pendingBefore = await report.getByTestId('figure-average').locator('xpath=following-sibling::dd').textContent();
  expect(pendingBefore).toContain('1 chờ duyệt');

  // The district committee finds it waiting, raises closing to 16 with a reason, approves.
  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto('/sinh-hoat');
  await committee.getByTestId('awaiting-review').getByRole('link', { name: /thu hoạch lúa/ }).click();
  await hydrated(committee);
  const review = committee.getByTestId('review');
  await review.locator('input[inputmode="decimal"]').nth(3).fill('16');
  await review.getByLabel('Lý do điều chỉnh').nth(3).fill('Biên bản ghi đầy đủ ý kiến phát biểu');
  await review.getByRole('button', { name: 'Duyệt kết quả' }).click();
  await expect(committee.getByTestId('meeting-status')).toHaveText('90 điểm · Tốt');
  await shot(committee, 'meeting-approved');

  // The report follows: the meeting is Tốt and nothing waits for review any more.
  await secretary.reload();
  await expect(listed).toContainText('90 điểm · Tốt');
  await expect(report.getByTestId('figure-average').locator('xpath=following-sibling::dd')).toContainText('0 chờ duyệt');

  // A member of the cell rates it anonymously; with fewer than three ratings the secretary sees
  // only that ratings exist (the server's tests show the figures from three on).
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto(url);
  await hydrated(member);
  const rating = member.getByTestId('rating');
  await rating.getByRole('button', { name: '4 ★' }).click();
  await rating.getByLabel('Nhận xét').fill('Buổi sinh hoạt thiết thực, nên mời thêm cán bộ khuyến nông');
  await rating.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(rating.getByRole('status')).toHaveText('Cảm ơn đồng chí đã đánh giá.');
  await secretary.goto(url);
  const ratings = secretary.getByTestId('ratings');
  await expect(ratings).toContainText('Đã có đánh giá, nhưng kết quả chỉ hiện khi có từ 3 lượt trở lên');
  await expect(ratings).not.toContainText('nên mời thêm cán bộ khuyến nông');
  await expect(ratings).not.toContainText('Phạm Văn Hậu');
  await expect(ratings).not.toContainText('1 lượt');
});

test('members check in by scanning the rotating QR code; a reopened page still says they are in', async ({ browser }) => {
  const secretary = await newPage(browser);
  await loginAs(secretary, 'secretary');
  await secretary.goto('/sinh-hoat/moi');
  await hydrated(secretary);
  await secretary.getByLabel('Chủ đề').fill('Sinh hoạt chuyên đề quý IV: học tập và làm theo tư tưởng Hồ Chí Minh');
  await secretary.getByLabel('Loại buổi sinh hoạt').selectOption('thematic');
  await secretary.getByLabel('Địa điểm').fill('Hội trường Đảng ủy xã Hòa An');
  await secretary.getByLabel('Thời gian bắt đầu').fill(local(0));
  await secretary.getByRole('button', { name: 'Lưu kế hoạch và mời đảng viên' }).click();
  await expect(secretary.getByTestId('meeting')).toContainText('Sinh hoạt chuyên đề quý IV');
  await secretary.getByRole('link', { name: 'Mã QR điểm danh' }).click();
  const qr = secretary.getByTestId('qr');
  await expect(qr.locator('svg')).toBeVisible();
  const url = await qr.getAttribute('data-url');
  expect(url).toMatch(/\/sinh-hoat\/\d+\/co-mat\?ma=[0-9a-f]{32}$/);
  await shot(secretary, 'meeting-qr', false);

  // The member's home page carries the invitation.
  const member = await newPage(browser);
  await loginAs(member, 'member');
  const invitation = member.getByTestId('upcoming-meetings').getByRole('listitem').filter({ hasText: 'Sinh hoạt chuyên đề quý IV' });
  await expect(invitation).toContainText('Chưa trả lời');
  await member.goto(url!);
  await hydrated(member);
  // Opening the link changes nothing: the member confirms with a tap (a POST).
  await expect(member.getByTestId('check-in').getByRole('status')).toHaveCount(0);
  await member.getByRole('button', { name: 'Xác nhận có mặt' }).click();
  await expect(member.getByTestId('check-in').getByRole('status')).toContainText('Đồng chí đã điểm danh lúc');
  await expect(secretary.getByTestId('qr-present')).toHaveText('Đã có mặt: 1 đồng chí', { timeout: 10_000 });
  // The code on screen has changed; the member's old page, reopened, still says they are in.
  await expect(qr).not.toHaveAttribute('data-url', url!);
  await member.reload();
  await expect(member.getByTestId('check-in').getByRole('status')).toContainText('Đồng chí đã điểm danh lúc');
});

test('a committee reads the meetings report: figures, charts, drill-down to a cell, periods and spreadsheets', async ({ browser }) => {
  const admin = await newPage(browser);
  await loginAs(admin, 'admin');
  await admin.getByRole('button', { name: /Danh mục/ }).click();
  await admin.getByTestId('menu').getByRole('link', { name: 'Báo cáo sinh hoạt' }).click();
  const report = admin.getByTestId('meeting-report');
  await expect(report.getByTestId('report-scope')).toHaveText(/^Đảng bộ tỉnh Hậu Giang · Năm \d{4}$/);
  // A year of demo meetings: most months held, attendance around 90 %, a score average.
  await expect(report.getByTestId('figure-regular')).toHaveText(/^[\d.]+\/[\d.]+ tháng$/);
  await expect(report.getByTestId('figure-attendance')).toHaveText(/^\d{2},\d %$/);
  await expect(report.getByTestId('figure-average')).toHaveText(/^\d{2}(,\d)?$/);
  for (const chart of ['chart-classes', 'chart-histogram', 'chart-trend']) {
    await expect(admin.getByTestId(chart).locator('svg')).toBeVisible();
  }
  await expect(admin.getByTestId('chart-classes').locator('svg')).toHaveAttribute('aria-label', /Tốt \d+, Khá \d+, Trung bình \d+, Kém \d+/);
  await expect(admin.getByTestId('chart-trend').locator('polyline')).toHaveCount(3);
  await expect(admin.getByTestId('lagging')).toContainText('Chi bộ chưa đạt yêu cầu');
  await expect(admin.getByTestId('yearly-summary')).toHaveText(/chi bộ đạt Tốt/);
  await shot(admin, 'meetings-report-province');

  // The spreadsheets carry the same totals.
  const csv = await admin.request.get(await admin.getByRole('link', { name: 'CSV' }).getAttribute('href') as string);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text).toContain('Tổng cộng');
  expect(text).toContain('Xếp loại năm');
  const xlsx = await admin.request.get(await admin.getByRole('link', { name: 'Excel (XLSX)' }).getAttribute('href') as string);
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
  expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');

  // Drill down: district → commune → the demo cell, keeping the period.
  await admin.getByTestId('report-rows').getByRole('link', { name: 'Đảng bộ huyện Phụng Hiệp', exact: true }).click();
  await expect(report.getByTestId('report-scope')).toContainText('Đảng bộ huyện Phụng Hiệp');
  await admin.getByTestId('report-rows').getByRole('link', { name: 'Đảng bộ xã Hòa An', exact: true }).click();
  await admin.getByTestId('report-rows').getByRole('link', { name: 'Chi bộ ấp 3', exact: true }).click();
  await expect(report.getByTestId('report-scope')).toContainText('Chi bộ ấp 3');
  await expect(admin.getByTestId('report-meetings').getByRole('listitem').first()).toContainText(/điểm · (Tốt|Khá)/);

  // One quarter of the previous year.
  await hydrated(admin);
  const year = new Date().getFullYear() - 1;
  await admin.getByLabel('Kỳ báo cáo').selectOption(`${year}-Q4`);
  await admin.getByRole('button', { name: 'Xem' }).click();
  await expect(report.getByTestId('report-scope')).toHaveText(`Chi bộ ấp 3 · Quý IV/${year}`);
  await shot(admin, 'meetings-report-cell');

  // A member has no report; a secretary sees only their own cell.
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto('/bao-cao-sinh-hoat');
  await expect(member.getByRole('alert')).toContainText('Bạn chỉ được xem báo cáo sinh hoạt trong phạm vi mình phụ trách.');
});

test('an administrator sets a district scoring rubric: checked field by field, saved as a new version', async ({ browser }) => {
  const admin = await newPage(browser);
  await loginAs(admin, 'admin');
  await admin.goto('/bao-cao-sinh-hoat');
  await admin.getByTestId('report-rows').getByRole('link', { name: 'Đảng bộ huyện Long Mỹ', exact: true }).click();
  await expect(admin.getByTestId('report-scope')).toContainText('Đảng bộ huyện Long Mỹ');
  await admin.getByRole('link', { name: 'Thang điểm chấm chất lượng sinh hoạt của đơn vị' }).click();
  const editor = admin.getByTestId('rubric-editor');
  await expect(editor.getByTestId('rubric-source')).toHaveText('Thang điểm mặc định · phiên bản 1');
  await hydrated(admin);
  const criteria = editor.getByTestId('rubric-criteria').getByRole('listitem');
  await expect(criteria).toHaveCount(4);

  // Conduct down to 40; a fifth criterion scored by hand; the total follows as it is typed.
  await criteria.nth(2).getByLabel('Điểm tối đa').fill('40');
  await editor.getByRole('button', { name: 'Thêm tiêu chí' }).click();
  await expect(criteria).toHaveCount(5);
  await criteria.nth(4).getByLabel('Nội dung tiêu chí').fill('Thực hiện nghị quyết kỳ trước');
  await criteria.nth(4).getByLabel('Điểm tối đa').fill('5');
  await expect(editor.getByTestId('rubric-total')).toHaveText('Tổng điểm tối đa: 100');
  await editor.getByLabel('Tên thang điểm').fill('Thang điểm chất lượng sinh hoạt chi bộ — Huyện ủy Long Mỹ');

  // A Tốt threshold above the total is refused on its field; nothing saved.
  await editor.getByLabel('Tốt từ').fill('120');
  await editor.getByRole('button', { name: 'Lưu thang điểm (phiên bản mới)' }).click();
  await expect(editor.locator('[data-field="tot"]')).toHaveText('Mức Tốt không được vượt tổng điểm tối đa (100).');
  await expect(editor.getByTestId('rubric-source')).toHaveText('Thang điểm mặc định · phiên bản 1');

  await editor.getByLabel('Tốt từ').fill('90');
  await editor.getByRole('button', { name: 'Lưu thang điểm (phiên bản mới)' }).click();
  await expect(editor.getByTestId('rubric-source')).toHaveText('Thang điểm riêng của đơn vị · phiên bản 1');
  await expect(editor.getByRole('status')).toHaveText('Đã lưu thang điểm, phiên bản 1.');
  await expect(editor.getByTestId('rubric-criteria').getByRole('listitem')).toHaveCount(5);
  await expect(admin.getByTestId('rubric-versions')).toContainText('Phiên bản 1 · Thang điểm chất lượng sinh hoạt chi bộ — Huyện ủy Long Mỹ');
  await shot(admin, 'meetings-rubric-editor');
});
