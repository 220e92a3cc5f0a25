// What the figures scripts share: the headless Chromium they start, the phone's network, and
// the demo member's session.
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Lighthouse's "slow 4G" (its mobile default): 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
export const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

/** The demo member's session token on the server at `base`. */
export async function sessionCookie(base) {
  const r = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'identifier=0900000004&password=sotay2024',
  });
  const m = /sotay_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '');
  if (!m) throw new Error('đăng nhập thất bại');
  return m[1];
}
