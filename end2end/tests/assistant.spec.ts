import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

test('a member asks the assistant, reads the quoted answer, follows its citation and hears it', async ({ browser }) => {
  const page = await newPage(browser);
  await loginAs(page, 'member');
  // The round button on every page leads to the assistant.
  await page.getByTestId('assistant-fab').click();
  await expect(page).toHaveURL(/\/tro-ly$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Trợ lý ảo');
  await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible();
  await expect(page.getByTestId('assistant-fab')).toHaveCount(0);

  await page.getByLabel('Câu hỏi của đồng chí').fill('Thời kỳ dự bị của đảng viên là bao lâu?');
  await page.getByRole('button', { name: 'Gửi câu hỏi', exact: true }).click();
  const answer = page.getByTestId('answer').last();
  await expect(answer).toHaveAttribute('data-found', 'true');
  await expect(answer.getByTestId('answer-quote')).toContainText('thời kỳ dự bị mười hai tháng');
  await expect(answer).toContainText('Theo Điều 5, Điều lệ Đảng Cộng sản Việt Nam:');
  await expect(answer.getByTestId('citations')).toContainText('[1] Điều 5 — Điều lệ Đảng Cộng sản Việt Nam');
  await expect(page.getByLabel('Câu hỏi của đồng chí')).toHaveValue('');
  await shot(page, 'assistant-answer', false);

  // Headless Chromium has no Vietnamese voice: the server's voice plays.
  const speech = page.waitForResponse((r) => r.url().endsWith('/api/v1/tts'));
  await answer.getByTestId('speak').click();
  const audio = await speech;
  expect(audio.status()).toBe(200);
  expect(audio.headers()['content-type']).toBe('audio/wav');
  const spoken = JSON.parse(audio.request().postData()!).text;
  expect(spoken).toContain('thời kỳ dự bị mười hai tháng');
  await expect(page.locator('body')).toHaveAttribute('data-speaking', 'server');
  await expect(answer.getByTestId('speak')).toHaveText('■ Dừng đọc');
  await answer.getByTestId('speak').click();
  await expect(page.locator('body')).not.toHaveAttribute('data-speaking', /.+/);
  // The same text again comes from the server's cache, as a real WAV file.
  const again = await page.request.post('/api/v1/tts', { data: { text: spoken } });
  expect(again.headers()['x-sotay-speech']).toBe('cached');
  expect((await again.body()).subarray(0, 4).toString()).toBe('RIFF');
  const empty = await page.request.post('/api/v1/tts', { data: { text: '  ' } });
  expect(empty.status()).toBe(422);

  // Rating with a comment.
  await answer.getByRole('button', { name: 'Chưa hữu ích' }).click();
  await answer.getByLabel('Góp ý thêm (không bắt buộc)').fill('Muốn biết thêm về việc công nhận đảng viên chính thức');
  await answer.getByRole('button', { name: 'Gửi góp ý' }).click();
  await expect(answer.getByRole('status')).toHaveText('Cảm ơn đồng chí đã đánh giá.');

  // The citation opens the article in the document.
  const cite = answer.locator('a.cite').first();
  const href = await cite.getAttribute('href');
  expect(href).toMatch(/^\/tai-lieu\/\d+#dieu-5/);
  await cite.click();
  await expect(page).toHaveURL(new RegExp(`${href!.replace(/[#/]/g, (c) => '\\' + c)}$`));
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Điều lệ Đảng Cộng sản Việt Nam');
  await expect(page.locator(`[id="${href!.split('#')[1]}"]`)).toBeInViewport();

  // History stays: the page opened again shows the question and its rating.
  await page.goto('/tro-ly');
  await hydrated(page);
  const kept = page.getByTestId('exchange').filter({ hasText: 'Thời kỳ dự bị của đảng viên là bao lâu?' });
  await expect(kept).toHaveCount(1);
  await expect(kept.getByRole('button', { name: 'Chưa hữu ích' })).toHaveAttribute('aria-pressed', 'true');
});

test('a question the documents do not answer says so and goes to the cell with one tap; the administrator sees it', async ({ browser }) => {
  // The administrator asks, from the provincial office's cell: the demo member's cell and
  // district keep their question counts for the other tests.
  const page = await newPage(browser);
  await loginAs(page, 'admin');
  await page.goto('/tro-ly');
  await hydrated(page);
  await page.getByLabel('Câu hỏi của đồng chí').fill('Giá lúa hôm nay ở Vị Thanh bao nhiêu?');
  await page.getByRole('button', { name: 'Gửi câu hỏi', exact: true }).click();
  const answer = page.getByTestId('answer').last();
  await expect(answer).toHaveAttribute('data-found', 'false');
  await expect(answer.getByTestId('not-found')).toContainText('chưa tìm thấy nội dung trả lời');
  await answer.getByRole('button', { name: 'Gửi câu hỏi lên chi bộ' }).click();
  await expect(answer.getByTestId('forwarded')).toContainText('Đã gửi lên chi bộ.');
  await answer.getByRole('link', { name: 'Xem câu hỏi' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Giá lúa hôm nay ở Vị Thanh bao nhiêu?');

  // Voice in: where the browser has speech recognition the microphone is offered. Chromium has
  // the API (headless too), so the button must be there; headless Chromium cannot reach a
  // recogniser, and says to type instead.
  await page.goto('/tro-ly');
  await hydrated(page);
  const mic = page.getByTestId('mic');
  await expect(mic).toBeVisible();
  await mic.click();
  await expect(page.getByTestId('mic-problem')).toContainText('đồng chí vui lòng gõ câu hỏi', { timeout: 20_000 });
  // Bad input gets a Vietnamese message on the field.
  await page.getByLabel('Câu hỏi của đồng chí').fill('?');
  await page.getByRole('button', { name: 'Gửi câu hỏi', exact: true }).click();
  await expect(page.getByText('Vui lòng nhập câu hỏi.')).toBeVisible();

  const admin = page;
  await admin.goto('/tro-ly/bao-cao');
  await expect(admin.getByTestId('assistant-unanswered')).toContainText('Giá lúa hôm nay ở Vị Thanh bao nhiêu?');
  await expect(admin.getByTestId('assistant-totals')).toContainText('câu hỏi');
  await shot(admin, 'assistant-report');
});

test('POST /api/v1/ask answers with citations and candidates, like the page', async ({ browser }) => {
  const page = await newPage(browser);
  const anonymous = await page.request.post('/api/v1/ask', { data: { question: 'Đảng viên có những quyền gì?' } });
  expect(anonymous.status()).toBe(401);
  await loginAs(page, 'member');
  const r = await page.request.post('/api/v1/ask', { data: { question: 'dang vien co nhung quyen gi' } });
  expect(r.status()).toBe(200);
  const body = await r.json();
  expect(body.found).toBe(true);
  expect(body.citations[0].anchor).toBe('dieu-3');
  expect(body.candidates.length).toBeGreaterThan(1);
  expect(body.text).toContain('[1]');
  const bad = await page.request.post('/api/v1/ask', { data: { question: '' } });
  expect(bad.status()).toBe(422);
  expect((await bad.json()).error.message).toContain('Thông tin chưa hợp lệ');
});

test('a document is read aloud article by article, the article marked, and continues where the listener stopped', async ({ browser }) => {
  const page = await newPage(browser);
  await loginAs(page, 'member');
  await page.goto('/tai-lieu');
  await page.getByRole('link', { name: 'Điều lệ Đảng Cộng sản Việt Nam' }).first().click();
  await hydrated(page);
  const listener = page.getByTestId('listener');
  await expect(listener.getByTestId('listen-play')).toHaveText('Nghe đọc tài liệu');

  let spoken = page.waitForRequest((r) => r.url().endsWith('/api/v1/tts'));
  await listener.getByTestId('listen-play').click();
  expect(JSON.parse((await spoken).postData()!).text).toContain('Đảng Cộng sản Việt Nam là đội tiên phong');
  await expect(listener.getByTestId('listen-now')).toHaveText('Đang đọc: Phần mở đầu');
  await expect(page.locator('#mo-dau')).toHaveClass(/listening/);
  await expect(listener.getByTestId('listen-pause')).toBeVisible();

  // "Đoạn sau" moves on: the next part is marked and read (chapter I's title, then Article 1).
  spoken = page.waitForRequest((r) => r.url().endsWith('/api/v1/tts'));
  await listener.getByTestId('listen-next').click();
  expect(JSON.parse((await spoken).postData()!).text).toContain('Chương I');
  spoken = page.waitForRequest((r) => r.url().endsWith('/api/v1/tts'));
  await listener.getByTestId('listen-next').click();
  const article = JSON.parse((await spoken).postData()!).text;
  expect(article).toContain('Điều 1.');
  expect(article).toContain('Công dân Việt Nam từ mười tám tuổi trở lên');
  await expect(listener.getByTestId('listen-now')).toHaveText('Đang đọc: Điều 1');
  await expect(page.locator('#dieu-1')).toHaveClass(/listening/);
  await expect(page.locator('#dieu-1-khoan-2')).toHaveClass(/listening/);
  await expect(page.locator('#mo-dau')).not.toHaveClass(/listening/);
  await listener.getByTestId('listen-pause').click();
  await expect(page.locator('body')).not.toHaveAttribute('data-speaking', /.+/);
  await expect(listener.getByTestId('listen-play')).toHaveText('Nghe tiếp Điều 1');

  // Opened again on this phone: it offers to continue from Article 1.
  await page.reload();
  await hydrated(page);
  await expect(listener.getByTestId('listen-play')).toHaveText('Nghe tiếp từ Điều 1');
  spoken = page.waitForRequest((r) => r.url().endsWith('/api/v1/tts'));
  await listener.getByTestId('listen-play').click();
  expect(JSON.parse((await spoken).postData()!).text).toContain('Điều 1.');
  await expect(page.locator('#dieu-1')).toHaveClass(/listening/);
  await shot(page, 'document-listening', false);
});
