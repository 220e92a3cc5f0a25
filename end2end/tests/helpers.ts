import { Browser, BrowserContext, expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'sotay2024';
export const ACCOUNTS = {
  admin: '0900000001',
  committee: '0900000002',
  secretary: '0900000003',
  member: '0900000004',
} as const;

export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
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
  return context.newPage();
}

/** Closes every context `newPage` opened, so no page keeps polling the server into the next test. */
export async function closePages() {
  while (opened.length) await opened.pop()!.close();
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
