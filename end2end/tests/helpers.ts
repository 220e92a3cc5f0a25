import { Browser, BrowserContext, expect, Page, TestInfo } from '@playwright/test';

export const DEMO_PASSWORD = 'sotay2024';
export const ACCOUNTS = {
  admin: '0900000001',
  committee: '0900000002',
  secretary: '0900000003',
  member: '0900000004',
} as const;

/** What each page said in its console, kept to explain a failure. */
const said = new Map<Page, string[]>();

/** Starts keeping the page's console errors and warnings and its uncaught errors. */
export function watch(page: Page) {
  if (said.has(page)) return;
  const lines: string[] = [];
  said.set(page, lines);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') lines.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
}

/** Waits until the page is interactive, and fails at once (with the page's messages) when its
 * WebAssembly panicked on the way: the islands after the panic would never answer. */
export async function hydrated(page: Page) {
  watch(page);
  await page.waitForSelector('body[data-hydrated="true"], body[data-panicked]', { timeout: 30_000 });
  const panicked = await page.evaluate(() => document.body.getAttribute('data-panicked'));
  if (panicked !== null) {
    throw new Error(`the page panicked while hydrating (${page.url()}): ${panicked}\n${(said.get(page) ?? []).join('\n')}`);
  }
}

export async function login(page: Page, identifier: string, password = DEMO_PASSWORD) {
  await page.goto('/dang-nhap');
  await hydrated(page);
  await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên').fill(identifier);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

export async function loginAs(page: Page, role: keyof typeof ACCOUNTS) {
  await login(page, ACCOUNTS[role]);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Xin chào đồng chí');
  await hydrated(page);
}

export async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage });
}

/** Sets a value on window that a full page load would wipe out. */
export async function markPage(page: Page) {
  await page.evaluate(() => ((window as any).__noReload = 'still-here'));
}

export async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as any).__noReload)).toBe('still-here');
}

const opened: BrowserContext[] = [];

/** A page in a fresh browser context (its own cookies), closed by `closePages` after the test. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  opened.push(context);
  const page = await context.newPage();
  watch(page);
  return page;
}

/** Closes every context `newPage` opened, so no page keeps polling the server into the next test. */
export async function closePages() {
  said.clear();
  while (opened.length) await opened.pop()!.close();
}

/** After each test (`test.afterEach(afterTest)`): when it failed, prints what its pages said in
 * their consoles; then closes them. */
// eslint-disable-next-line no-empty-pattern
export async function afterTest({}, testInfo: TestInfo) {
  if (testInfo.status !== testInfo.expectedStatus) {
    for (const [page, lines] of said) {
      if (lines.length) console.log(`--- console of ${page.url()}:\n${lines.join('\n')}`);
    }
  }
  await closePages();
}

/** Scrolls through the whole page a screen at a time, pausing on each long enough to count. */
export async function readThrough(page: Page) {
  for (let i = 0; i < 80; i++) {
    const atEnd = await page.evaluate(() => {
      window.scrollBy(0, Math.round(window.innerHeight * 0.8));
      return window.scrollY + window.innerHeight >= document.body.scrollHeight - 4;
    });
    await page.waitForTimeout(1300);
    if (atEnd) break;
  }
  await page.waitForTimeout(6000);
  await page.evaluate(() => window.scrollTo(0, 0));
}
