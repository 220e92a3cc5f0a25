import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { afterTest, hydrated, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

const BODY = [
  'Chương I',
  'QUY ĐỊNH CHUNG',
  'Điều 1. Sinh hoạt thường kỳ',
  'Chi bộ ấp sinh hoạt thường kỳ mỗi tháng một lần vào ngày mùng năm, thời gian không dưới chín mươi phút.',
  'Điều 2. Sinh hoạt chuyên đề',
  'Mỗi quý chi bộ sinh hoạt chuyên đề ít nhất một lần về chuyển đổi số trong nông nghiệp của ấp.',
  'Chương II',
  'TỔ CHỨC THỰC HIỆN',
  'Điều 3. Trách nhiệm',
  'Bí thư chi bộ báo cáo kết quả về Đảng ủy xã trước ngày hai mươi hằng tháng.',
].join('\n');

const QUIZ = [
  'Chi bộ ấp sinh hoạt thường kỳ bao lâu một lần?',
  '- Mỗi quý một lần',
  '* Mỗi tháng một lần',
  '',
  'Sinh hoạt chuyên đề ít nhất bao lâu một lần?',
  '* Mỗi quý một lần',
  '- Mỗi năm một lần',
].join('\n');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

test('a committee writes, attaches, publishes and revises a document; a member reads it, passes the check and confirms', async ({ browser }) => {
  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto('/tai-lieu');
  await committee.getByRole('link', { name: 'Soạn tài liệu mới' }).click();
  await hydrated(committee);
  await expect(committee.getByRole('heading', { level: 1 })).toHaveText('Soạn tài liệu mới');

  // Bad input: every problem is named on its field, nothing is saved.
  await committee.getByRole('button', { name: 'Lưu bản nháp' }).click();
  await expect(committee.locator('[data-field="title"]')).toHaveText('Vui lòng nhập tên tài liệu.');
  await expect(committee.locator('[data-field="text"]')).toHaveText('Vui lòng nhập nội dung tài liệu.');

  await committee.getByLabel('Tên tài liệu').fill('Hướng dẫn sinh hoạt chi bộ ấp về chuyển đổi số');
  await committee.getByLabel(/Số, ký hiệu/).fill('15-HD/HU');
  await committee.getByLabel(/Ngày ban hành/).fill('02/04/2025');
  await committee.getByLabel(/Chủ đề/).fill('sinh hoạt chi bộ, chuyển đổi số');
  await committee.locator('#ed-text').fill(BODY);
  await committee.getByText('Câu hỏi kiểm tra sau khi đọc').click();
  await committee.locator('#ed-quiz').fill(QUIZ);
  await committee.getByLabel(/Điểm đạt/).fill('100');
  await shot(committee, 'editor-new');
  await committee.getByRole('button', { name: 'Lưu bản nháp' }).click();
  const reader = committee.getByTestId('reader');
  await expect(reader).toContainText('Bản nháp: đảng viên chưa nhìn thấy tài liệu này.');
  await expect(reader.locator('#dieu-2')).toContainText('chuyển đổi số trong nông nghiệp');
  const docUrl = committee.url();
  const docId = /\/tai-lieu\/(\d+)/.exec(docUrl)![1];

  // Attach a PDF through the plain upload form.
  await committee.goto(`/tai-lieu/${docId}/sua`);
  await hydrated(committee);
  await committee.getByLabel(/Thêm tệp PDF/).setInputFiles({ name: 'Kế hoạch sinh hoạt quý II.pdf', mimeType: 'application/pdf', buffer: PDF });
  await committee.getByRole('button', { name: 'Tải lên' }).click();
  await expect(committee.getByRole('status')).toHaveText('Đã lưu tệp đính kèm.');
  await expect(committee.getByTestId('attachments')).toContainText('Kế hoạch sinh hoạt quý II.pdf');
  // Something that is not a PDF or an image is refused with a clear message.
  await committee.getByLabel(/Thêm tệp PDF/).setInputFiles({ name: 'mau.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf') });
  await committee.getByRole('button', { name: 'Tải lên' }).click();
  await expect(committee.getByRole('alert').first()).toContainText('Chỉ đính kèm được tệp PDF hoặc ảnh');

  await committee.goto(docUrl);
  await hydrated(committee);
  await committee.getByRole('button', { name: 'Ban hành' }).click();
  await expect(committee.getByRole('button', { name: /Thu hồi/ })).toBeVisible();

  // A plain member of the district finds it without diacritics and opens the passage.
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto('/tai-lieu?q=chuyen+doi+so+trong+nong+nghiep');
  const hit = member.getByTestId('hits').locator('li').first();
  await expect(hit).toContainText('Hướng dẫn sinh hoạt chi bộ ấp về chuyển đổi số');
  await hit.getByRole('link').first().click();
  await hydrated(member);
  await expect(member).toHaveURL(/#dieu-2$/);
  const attachment = member.getByTestId('reader-attachments').getByRole('link', { name: 'Kế hoạch sinh hoạt quý II.pdf' });
  const href = await attachment.getAttribute('href');
  const file = await member.request.get(href!);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toBe('application/pdf');
  expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);

  // Read through; the check appears; a wrong answer does not pass, the right ones do.
  const panel = member.getByTestId('reading-panel');
  await member.evaluate(() => window.scrollTo(0, 0));
  for (let i = 0; i < 12; i++) {
    await member.evaluate(() => window.scrollBy(0, Math.round(window.innerHeight * 0.6)));
    await member.waitForTimeout(800);
  }
  await member.waitForTimeout(5500);
  await member.evaluate(() => window.scrollTo(0, 0));
  const quiz = member.getByTestId('quiz');
  await expect(quiz).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByRole('button', { name: 'Đã đọc và nắm nội dung' })).toHaveCount(0);
  await quiz.getByLabel('Mỗi quý một lần').first().check();
  await quiz.getByLabel('Mỗi quý một lần').nth(1).check();
  await quiz.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(quiz.getByRole('alert')).toContainText('Đúng 1/2 câu — chưa đạt');
  // Each attempt gets a new sheet (questions and choices in a new order, nothing chosen): the
  // score shows, not which answer was wrong. Answer each question by its own text.
  await expect(quiz.getByTestId('quiz-attempts')).toHaveText('Còn 2 lần trả lời trong hôm nay.');
  await expect(quiz.getByRole('alert')).toContainText('Đúng 1/2 câu — chưa đạt');
  await quiz.locator('fieldset', { hasText: 'Chi bộ ấp sinh hoạt thường kỳ' }).getByLabel('Mỗi tháng một lần').check();
  await quiz.locator('fieldset', { hasText: 'Sinh hoạt chuyên đề' }).getByLabel('Mỗi quý một lần').check();
  await quiz.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(quiz.getByRole('status')).toHaveText('Đúng 2/2 câu — đạt.');
  await shot(member, 'reader-quiz-passed', false);
  await panel.getByRole('button', { name: 'Đã đọc và nắm nội dung' }).click();
  await expect(panel.getByRole('status')).toHaveText('Đồng chí đã xác nhận: Đã đọc và nắm nội dung.');

  // The committee revises Article 3: version 2 in the history, the member sees the new text.
  await committee.goto(`/tai-lieu/${docId}/sua`);
  await hydrated(committee);
  await committee.locator('#ed-text').fill(BODY.replace('trước ngày hai mươi', 'trước ngày hai mươi lăm'));
  await committee.getByLabel(/Ghi chú thay đổi/).fill('Lùi hạn báo cáo');
  await committee.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(committee.getByTestId('reader')).toContainText('trước ngày hai mươi lăm');
  await committee.goto(`/tai-lieu/${docId}/sua`);
  await expect(committee.getByTestId('versions')).toContainText('Phiên bản 2');
  await expect(committee.getByTestId('versions')).toContainText('Lùi hạn báo cáo');
  await shot(committee, 'editor-versions');
  await member.reload();
  await expect(member.locator('#dieu-3')).toContainText('trước ngày hai mươi lăm');
});

test('a reader bookmarks an article, keeps a private note on a passage, and the font size follows them', async ({ browser }) => {
  const page = await newPage(browser);
  await loginAs(page, 'secretary');
  await page.goto('/tai-lieu?q=dieu+le+dang');
  await page.getByTestId('hits').getByRole('link').first().click();
  await hydrated(page);
  const article = page.locator('#dieu-2');
  await article.scrollIntoViewIfNeeded();
  await article.getByRole('button', { name: '☆ Đánh dấu' }).click();
  await expect(article.getByRole('button', { name: '★ Đã đánh dấu' })).toBeVisible();

  // Select a passage inside Article 2, then write a note on it.
  await article.locator('p').first().evaluate((p) => {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let text = walker.nextNode();
    while (text && !(text.textContent ?? '').trim()) text = walker.nextNode();
    if (!text) throw new Error('no text in the paragraph');
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(text, Math.min(40, (text.textContent ?? '').length));
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
  });
  await article.getByRole('button', { name: '✎ Ghi chú' }).click();
  const form = article.getByTestId('note-form');
  await expect(form).toContainText('Đoạn đánh dấu');
  await form.getByLabel(/Ghi chú riêng/).fill('Trao đổi điều này ở buổi sinh hoạt tháng tới');
  await form.getByRole('button', { name: 'Lưu ghi chú' }).click();
  await expect(article.getByTestId('section-notes')).toContainText('Trao đổi điều này ở buổi sinh hoạt tháng tới');
  await expect(article.locator('mark.my-highlight')).toHaveCount(1);
  await page.getByRole('button', { name: 'Tăng cỡ chữ' }).click();
  await expect(page.getByTestId('font-size')).toHaveText('110%');
  await page.waitForTimeout(500);
  await article.scrollIntoViewIfNeeded();
  await shot(page, 'reader-bookmark-note', false);

  // Another device: the bookmark, the note and the font size come from the server.
  const other = await newPage(browser);
  await loginAs(other, 'secretary');
  await other.goto('/tai-lieu');
  const bookmarks = other.getByTestId('bookmarks');
  await bookmarks.getByText(/Đã đánh dấu/).click();
  await bookmarks.getByRole('link', { name: /Điều 2/ }).click();
  await hydrated(other);
  await expect(other.locator('#dieu-2').getByRole('button', { name: '★ Đã đánh dấu' })).toBeVisible();
  await expect(other.locator('#dieu-2').getByTestId('section-notes')).toContainText('Trao đổi điều này');
  await expect(other.getByTestId('font-size')).toHaveText('110%');

  // The note is private: the cell's member does not see it.
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto(other.url());
  await hydrated(member);
  await expect(member.locator('#dieu-2')).toBeVisible();
  await expect(member.getByTestId('section-notes')).toHaveCount(0);
});

test('a Word file becomes a structured draft, and the report downloads as XLSX', async ({ page }) => {
  await loginAs(page, 'committee');
  await page.goto('/tai-lieu/moi');
  await hydrated(page);
  await page.getByText('Nhập từ tệp (.docx, .html, .txt, .md)').click();
  await page.getByLabel('Tệp văn bản').setInputFiles('fixtures/huong-dan-12-HD-HU.docx');
  await page.getByRole('button', { name: 'Nhập thành bản nháp' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sửa tài liệu');
  await expect(page.getByLabel('Tên tài liệu')).toHaveValue('Hướng dẫn về việc tổ chức sinh hoạt chuyên đề quý II năm 2025 ở các chi bộ ấp, khu vực');
  await expect(page.getByLabel(/Số, ký hiệu/)).toHaveValue('12-HD/HU');
  await expect(page.getByLabel(/Ngày ban hành/)).toHaveValue('10/03/2025');
  await page.goto(page.url().replace(/\/sua$/, ''));
  const toc = page.locator('.toc');
  await expect(toc).toContainText('Chương I. MỤC ĐÍCH, YÊU CẦU');
  await expect(toc).toContainText('Điều 3. Trách nhiệm của đảng ủy xã');

  const list = await page.request.post('/api/reading-required', { headers: { Accept: 'application/json' } });
  const [first] = await list.json();
  const xlsx = await page.request.get(`/api/v1/reading-report.xlsx?assignment=${first.assignment_id}&unit=${first.report_unit}`);
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const bytes = Buffer.from(await xlsx.body());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
});

/** A .docx whose text part unpacks to 60 MB of zeros: about 60 KB on the wire. */
function docxBomb(): Buffer {
  const script = [
    'import io, sys, zipfile',
    'buf = io.BytesIO()',
    'with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:',
    '    with z.open("word/document.xml", "w") as f:',
    '        block = b"0" * (1 << 20)',
    '        for _ in range(60): f.write(block)',
    'sys.stdout.buffer.write(buf.getvalue())',
  ].join('\n');
  return execFileSync('python3', ['-c', script], { maxBuffer: 1 << 24 });
}

test('document import: the role is checked before the upload is read, and a .docx bomb is refused', async ({ page, browser }) => {
  const bomb = docxBomb();
  expect(bomb.length).toBeLessThan(1 << 20);
  await loginAs(page, 'member');
  const asMember = await page.request.post('/api/v1/documents/import', {
    multipart: { file: { name: 'bom.docx', mimeType: 'application/octet-stream', buffer: bomb } },
  });
  expect(asMember.status()).toBe(403);
  expect((await asMember.json()).error.message).toContain('Chỉ cấp ủy và quản trị viên');
  // A body that is not even a form is refused for the role first, not parsed.
  const garbage = await page.request.post('/api/v1/documents/import', {
    headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    data: Buffer.from('this is not a multipart body'),
  });
  expect(garbage.status()).toBe(403);

  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  const asCommittee = await committee.request.post('/api/v1/documents/import', {
    multipart: { file: { name: 'bom.docx', mimeType: 'application/octet-stream', buffer: bomb } },
  });
  expect(asCommittee.status()).toBe(422);
  expect(JSON.stringify(await asCommittee.json())).toContain('vượt quá 50 MB');
});
