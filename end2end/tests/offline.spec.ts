import { BrowserContext, expect, Page, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, readThrough, shot } from './helpers';

test.afterEach(afterTest);

/** Waits until the service worker controls the page and has kept `path` (and indexed it). */
async function kept(page: Page, path: string) {
  await page.waitForFunction(
    async (p) => {
      if (!navigator.serviceWorker.controller) return false;
      if (!(await (await caches.open('sotay-pages')).match(p))) return false;
      return new Promise<boolean>((resolve) => {
        const open = indexedDB.open('sotay-offline');
        open.onsuccess = () => {
          const get = open.result.transaction('pages').objectStore('pages').get(p);
          get.onsuccess = () => resolve(!!get.result);
          get.onerror = () => resolve(false);
        };
        open.onerror = () => resolve(false);
      });
    },
    path,
    { timeout: 60_000, polling: 500 },
  );
}

/** Every record of one store of the device's IndexedDB ("outbox": the writes waiting). */
function stored(page: Page, store: 'outbox' | 'pages'): Promise<any[]> {
  return page.evaluate(
    (store) =>
      new Promise<any[]>((resolve, reject) => {
        const open = indexedDB.open('sotay-offline');
        open.onsuccess = () => {
          const all = open.result.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        };
        open.onerror = () => reject(open.error);
      }),
    store,
  );
}

test('offline: a member reads an assigned document and confirms; online again it counts as read exactly once, however often the queue is replayed', async ({ browser }) => {
  const page = await newPage(browser);
  const context: BrowserContext = page.context();
  await loginAs(page, 'member');
  await page.goto('/can-doc');
  await hydrated(page);
  // The second assigned document (the reading test confirms the first one online).
  const item = page.getByTestId('required-list').locator('li').nth(1);
  await expect(item).toContainText('Chưa đọc');
  const title = (await item.getByRole('link').first().textContent())!.trim();
  const href = (await item.getByRole('link').first().getAttribute('href'))!;
  // Assigned documents are kept on the device without being opened.
  await kept(page, href);
  // Nothing of the worker's is still on the way when the connection goes.
  await settled(page);

  await context.setOffline(true);
  // A tall window reads many articles per screen, so the long Charter takes seconds, not minutes.
  await page.setViewportSize({ width: 412, height: 6000 });
  const before = await dumpState(page);
  const seen = watchPage(page);
  await page.goto(href);
  // A 22 MB debug bundle compiled from the device's copy, on a busy 2-core machine: allow time.
  const ok = await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 60_000 }).then(() => true, () => false);
  if (!ok) console.log('kept-page state before/after, and the page\'s messages:', JSON.stringify(before), JSON.stringify(await dumpState(page)), seen.join('\n'));
  expect(ok).toBe(true);
  await expect(page.locator('html')).toHaveAttribute('data-sotay-saved', /\d{4}-\d\d-\d\dT/);
  const bar = page.getByTestId('offline-bar');
  await expect(bar).toContainText('Đang ngoại tuyến · bản lưu trên máy lúc');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const panel = page.getByTestId('reading-panel');
  const confirm = panel.getByRole('button', { name: 'Đã đọc và nắm nội dung' });
  await expect(confirm).toBeDisabled();
  await readThrough(page);
  await expect(confirm).toBeEnabled({ timeout: 20_000 });
  await confirm.click();
  await expect(panel.getByTestId('confirm-queued')).toContainText('Đã ghi nhận trên máy: Đã đọc và nắm nội dung.');
  await expect(bar.getByTestId('pending-writes')).toContainText('thao tác chờ gửi');
  await page.setViewportSize({ width: 412, height: 915 });
  await shot(page, 'offline-reading-queued', false);
  const writes = await stored(page, 'outbox');
  expect(writes.map((w) => w.kind)).toContain('reading-progress');
  expect(writes[writes.length - 1].kind).toBe('reading-confirm');
  expect(writes.every((w) => /^[0-9a-f-]{8,64}$/.test(w.client_id))).toBe(true);

  // Back online: the queue goes by itself and the server has the document read.
  await context.setOffline(false);
  await expect(bar.getByTestId('pending-writes')).toHaveCount(0, { timeout: 30_000 });
  await expect(bar).toContainText('Đã có mạng trở lại; trang này là bản lưu lúc');
  expect(await stored(page, 'outbox')).toEqual([]);
  await page.goto(href);
  await hydrated(page);
  await expect(panel.getByRole('status')).toHaveText('Đồng chí đã xác nhận: Đã đọc và nắm nội dung.');
  const progress = await panel.getByTestId('reading-progress').textContent();

  // Replaying the same queue twice changes nothing: every write is already known.
  const body = { writes: writes.map(({ queued_at, ...w }) => w) };
  for (let i = 0; i < 2; i++) {
    const replay = await page.request.post('/api/v1/sync', { data: body });
    expect(replay.status()).toBe(200);
    const { results } = await replay.json();
    expect(results.map((r: any) => r.status)).toEqual(writes.map(() => 'duplicate'));
  }
  await page.reload();
  await hydrated(page);
  await expect(panel.getByTestId('reading-progress')).toHaveText(progress!);

  // The secretary's report counts the member once.
  const secretary = await newPage(browser);
  await loginAs(secretary, 'secretary');
  await secretary.goto('/can-doc');
  await secretary.getByTestId('required-list').locator('li', { hasText: title }).getByRole('link', { name: 'Báo cáo tình hình đọc' }).click();
  const row = secretary.getByTestId('report-members').locator('li', { hasText: 'Phạm Văn Hậu' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Đã đọc');
  await expect(secretary.getByTestId('report-totals')).toContainText('1 đã đọc');
});

/** Asks the service worker to bring the kept pages up to date; resolves with its summary. */
function keepOffline(page: Page): Promise<any> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data);
      reg.active!.postMessage({ type: 'keep-offline', force: true }, [channel.port2]);
    });
  });
}

async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (await caches.open('sotay-pages')).keys()).map((r) => new URL(r.url).pathname));
}

test('signing out deletes every kept page; another sign-in on the same phone never sees the previous member’s', async ({ browser }) => {
  const page = await newPage(browser);
  const context = page.context();
  await loginAs(page, 'member');
  await page.getByRole('button', { name: /Danh mục/ }).click();
  await page.getByTestId('menu').getByRole('link', { name: 'Hồ sơ của tôi' }).click();
  // The page's code chunk arrives before the address changes.
  await expect(page).toHaveURL(/\/dang-vien\/\d+$/);
  await hydrated(page);
  const profile = new URL(page.url()).pathname;
  await page.reload(); // a full page load, which the worker keeps
  await kept(page, profile);
  await kept(page, '/can-doc');
  // A page already visited opens offline, marked as the kept copy.
  await context.setOffline(true);
  await page.goto(profile);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Phạm Văn Hậu');
  await expect(page.getByTestId('offline-bar')).toContainText('Đang ngoại tuyến · bản lưu trên máy lúc');
  await context.setOffline(false);

  // Someone else signs in on this phone (the member's session lapsed without signing out).
  await context.clearCookies();
  await loginAs(page, 'secretary');
  await page.reload();
  await hydrated(page);
  await page.waitForFunction(async (p) => !(await (await caches.open('sotay-pages')).match(p)), profile, { timeout: 30_000 });
  await expect.poll(async () => (await stored(page, 'pages')).map((e: any) => e.url), { timeout: 30_000 }).not.toContain(profile);

  // Signing out: nothing private stays on the device.
  await page.getByRole('button', { name: /Danh mục/ }).click();
  await page.getByTestId('menu').getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/dang-nhap$/);
  await hydrated(page);
  await page.waitForFunction(async () => (await (await caches.open('sotay-pages')).keys()).length === 0, null, { timeout: 30_000 });
  // The worker empties the index before the cache; poll anyway so the check waits for both.
  await expect.poll(() => stored(page, 'pages'), { timeout: 30_000 }).toEqual([]);
  await context.setOffline(true);
  await page.goto('/can-doc');
  await expect(page.getByTestId('offline-page')).toContainText('Đang không có kết nối mạng');
  await expect(page.locator('body')).not.toContainText('Trần');
  await expect(page.locator('body')).not.toContainText('Phạm Văn Hậu');
  await context.setOffline(false);
});

test('kept pages stay within the storage budget: visited pages go first, then the least important planned ones', async ({ browser }) => {
  const page = await newPage(browser);
  const context = page.context();
  await loginAs(page, 'member');
  // Visit two pages the plan does not list.
  for (const path of ['/tai-lieu', '/thong-bao-cua-toi']) {
    await page.goto(path);
    await hydrated(page);
    await kept(page, path);
  }
  const full = await keepOffline(page);
  expect(full.kept).toBeGreaterThan(5);
  const index = await stored(page, 'pages');
  const planned = index.filter((e) => e.reason !== 'visited').sort((a, b) => a.rank - b.rank);
  const visited = index.filter((e) => e.reason === 'visited');
  expect(visited.map((e) => e.url)).toEqual(expect.arrayContaining(['/tai-lieu', '/thong-bao-cua-toi']));
  // Room for the four most important planned pages only.
  const top = planned.slice(0, 4);
  const budget = top.reduce((n, e) => n + e.bytes, 0) + 1;
  await context.route('**/api/v1/offline-pages', async (route) => {
    const response = await route.fetch();
    const plan = await response.json();
    await route.fulfill({ response, json: { ...plan, budget_bytes: budget } });
  });
  const trimmed = await keepOffline(page);
  expect(trimmed.budget).toBe(budget);
  expect(trimmed.bytes).toBeLessThanOrEqual(budget);
  const left = (await stored(page, 'pages')).map((e) => e.url).sort();
  expect(left).toEqual(top.map((e) => e.url).sort());
  expect((await cachedUrls(page)).sort()).toEqual(left);

  // The page listing what is kept says so in Vietnamese.
  await page.goto('/ngoai-tuyen');
  await hydrated(page);
  await expect(page.getByTestId('kept-total')).toContainText('4 trang');
  await expect(page.getByTestId('kept-list')).toContainText('Tài liệu cần đọc');
  await shot(page, 'offline-kept-pages');
  await context.unroute('**/api/v1/offline-pages');
});

test('a write the server refuses comes back with its reason and stays listed until read', async ({ browser }) => {
  const page = await newPage(browser);
  await loginAs(page, 'member');
  await page.goto('/can-doc');
  await hydrated(page);
  const item = page.getByTestId('required-list').locator('li').first();
  await expect(item).toContainText('Chưa đọc');
  const title = (await item.getByRole('link').first().textContent())!.trim();
  const documentId = Number((await item.getByRole('link').first().getAttribute('href'))!.split('/').pop());
  const memberId = await page.evaluate(async () => (await (await fetch('/api/v1/offline-pages')).json()).member_id);
  // A confirmation queued on the phone for a document not read yet (as a phone whose clock of
  // reading was lost would send it), through the app's own queue.
  await page.evaluate(
    async ([documentId, memberId, title]) => {
      const outbox: any = await import(
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => e.name).find((n) => n.endsWith('/offline/outbox.js'))!
      );
      await outbox.outboxAdd(JSON.stringify({ client_id: 'ab12cd34-0001', member_id: memberId, label: `Xác nhận đã đọc: ${title}`, kind: 'reading-confirm', data: { document_id: documentId } }));
      await outbox.outboxFlush();
    },
    [documentId, memberId, title] as const,
  );
  const refused = page.getByTestId('refused-writes');
  await expect(refused).toHaveText('1 thao tác không gửi được');
  await refused.click();
  await hydrated(page);
  const list = page.getByTestId('refused-list');
  await expect(list).toContainText(`Xác nhận đã đọc: ${title}`);
  await expect(list).toContainText('Đồng chí chưa đọc hết tài liệu: đã xem 0/');
  await shot(page, 'offline-refused');
  await list.getByRole('button', { name: 'Đã hiểu' }).click();
  await expect(list).toHaveCount(0);
  await expect(page.getByTestId('offline-bar')).toHaveCount(0);
});

/** Resolves when the worker has finished bringing the kept pages up to date. */
function settled(page: Page): Promise<any> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data);
      reg.active!.postMessage({ type: 'settled' }, [channel.port2]);
    });
  });
}

/** What a page says in its console and which of its requests fail, for a failure's report. */
function watchPage(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => seen.push(`${m.type()}: ${m.text()}`.slice(0, 400)));
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`.slice(0, 600)));
  page.on('requestfailed', (r) => seen.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  return seen;
}

/** The device's kept pages (cache and index) and what the page shows. */
async function dumpState(page: Page) {
  return page.evaluate(async () => {
    const keys = (await (await caches.open('sotay-pages')).keys()).map((r) => new URL(r.url).pathname);
    const shell = await Promise.all((await caches.keys()).map(async (k) => [k, (await (await caches.open(k)).keys()).length]));
    const idb = await new Promise<any>((resolve) => {
      const open = indexedDB.open('sotay-offline');
      open.onsuccess = () => {
        const t = open.result.transaction(['pages', 'meta']);
        const pages = t.objectStore('pages').getAllKeys();
        const meta = t.objectStore('meta').getAllKeys();
        t.oncomplete = () => resolve({ pages: pages.result, meta: meta.result });
      };
      open.onerror = () => resolve('unreadable');
    });
    return { keys, shell, idb, url: location.href, saved: document.documentElement.dataset.sotaySaved, body: document.body.innerText.slice(0, 300) };
  });
}
