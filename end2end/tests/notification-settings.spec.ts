import { expect, test } from '@playwright/test';
import { afterTest, hydrated, loginAs, newPage, shot } from './helpers';

test.afterEach(afterTest);

test('a member turns announcements off in the inbox: the next one is not in her inbox but still under the committee announcements', async ({ browser }) => {
  const member = await newPage(browser);
  await loginAs(member, 'member');
  await member.goto('/thong-bao-cua-toi');
  await member.getByRole('link', { name: /Cài đặt thông báo/ }).click();
  const kinds = member.getByTestId('notification-kinds');
  await expect(kinds.getByRole('row')).toHaveCount(6);
  await hydrated(member);
  const inApp = kinds.getByLabel('Thông báo của cấp ủy: trong Sổ tay');
  await expect(inApp).toBeChecked();
  await inApp.uncheck();
  await kinds.getByLabel('Xin ý kiến dự thảo: thông báo đẩy').uncheck();
  await kinds.getByRole('button', { name: 'Lưu lựa chọn' }).click();
  await expect(kinds.getByRole('status')).toHaveText('Đã lưu lựa chọn.');
  await member.reload();
  await expect(member.getByTestId('notification-kinds').getByLabel('Thông báo của cấp ủy: trong Sổ tay')).not.toBeChecked();
  await expect(member.getByTestId('notification-kinds').getByLabel('Xin ý kiến dự thảo: thông báo đẩy')).not.toBeChecked();
  await expect(member.getByTestId('notification-kinds').getByLabel('Lịch sinh hoạt chi bộ: trong Sổ tay')).toBeChecked();
  await shot(member, 'notification-settings');

  const committee = await newPage(browser);
  await loginAs(committee, 'committee');
  await committee.goto('/thong-bao/moi');
  const compose = committee.getByTestId('compose');
  await hydrated(committee);
  await compose.getByLabel('Tiêu đề').fill('Lịch tiếp dân của Bí thư Huyện ủy tháng 12');
  await compose.getByLabel('Nội dung').fill('Bí thư Huyện ủy tiếp dân ngày 15 tháng 12 tại Trụ sở tiếp công dân huyện Phụng Hiệp.');
  await compose.getByRole('button', { name: 'Gửi thông báo' }).click();
  await expect(committee.getByTestId('receipt-counts')).toHaveText(/người nhận/);

  await member.goto('/thong-bao-cua-toi');
  await expect(member.getByTestId('notifications')).not.toContainText('Lịch tiếp dân của Bí thư Huyện ủy tháng 12');
  await member.goto('/thong-bao');
  await expect(member.getByTestId('announcements')).toContainText('Lịch tiếp dân của Bí thư Huyện ủy tháng 12');

  // Back as it was, for the tests that follow.
  await member.goto('/thong-bao-cua-toi/cai-dat');
  await hydrated(member);
  const again = member.getByTestId('notification-kinds');
  await again.getByLabel('Thông báo của cấp ủy: trong Sổ tay').check();
  await again.getByLabel('Xin ý kiến dự thảo: thông báo đẩy').check();
  await again.getByRole('button', { name: 'Lưu lựa chọn' }).click();
  await expect(again.getByRole('status')).toHaveText('Đã lưu lựa chọn.');
});

test('turning on push registers the service worker and says plainly when the browser cannot subscribe', async ({ browser }) => {
  const member = await newPage(browser);
  await member.context().grantPermissions(['notifications']);
  await loginAs(member, 'member');
  await member.goto('/thong-bao-cua-toi/cai-dat');
  await hydrated(member);
  const device = member.getByTestId('push-device');
  await expect(device.getByTestId('push-status')).toHaveText('Thiết bị này chưa nhận thông báo đẩy.');
  await expect(device.getByTestId('push-devices')).toHaveText('Đồng chí đang nhận thông báo đẩy trên 0 thiết bị.');
  await device.getByRole('button', { name: 'Bật thông báo đẩy' }).click();
  // Headless Chromium here has no push service to reach: the member is told, nothing is stored.
  await expect(device.getByTestId('push-message')).toHaveText(/Không đăng ký được với dịch vụ thông báo đẩy|Đã bật thông báo đẩy/);
  const scope = await member.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.scope ?? '');
  expect(scope).toMatch(/\/$/);
  const sw = await member.request.get('/sw.js');
  expect(sw.status()).toBe(200);
  expect(await sw.text()).toContain("addEventListener('push'");
  await shot(member, 'push-device');
});
