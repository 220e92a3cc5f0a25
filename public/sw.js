// Sổ tay đảng viên — service worker.
// - Keeps the app shell on the device: the bundle (JS, WebAssembly, CSS), offline page, icons.
// - Keeps pages for offline reading: every page the member opens, plus the documents assigned
//   to them or bookmarked and their cell's meetings around today (the plan the server gives),
//   within a storage budget — the least recently used go first, pages merely visited before the
//   ones kept on purpose. Kept pages belong to one session: another sign-in or a sign-out
//   deletes them, so the next person on this phone never sees them.
// - Page loads go to the network first; without a connection (or after a few seconds of a weak
//   one) a kept copy answers, marked as such; otherwise the offline page.
// - Sends writes queued offline when the connection returns (Background Sync where the browser
//   has it; the pages also send on their next open).
// - Shows Web Push notifications and opens the page they point to.
// Server functions (POST) are never cached.
// The server stamps this build's fingerprint and file list here, so a new build is a new worker.
const VERSION = 'sotay-shell-dev';
const ASSETS = [] /*__ASSETS__*/;
const SHELL = ['/offline.html', '/manifest.webmanifest', '/favicon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-192.png', '/icons/apple-touch-icon.png'];
const PAGES = 'sotay-pages';
const SESSION_HEADER = 'x-sotay-session';
/** How long a page load waits for a weak network before the kept copy answers. */
const NETWORK_PATIENCE_MS = 4000;

/*__OUTBOX__*/

self.addEventListener('install', (event) => {
  // A new version waits until the member chooses to reload (an open form is never cut off).
  event.waitUntil(keepShell(CORE, true));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('sotay-shell-') && k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      .then(() => { warmPages(); }),
  );
});

/** A bundle file named by its content (`sotay.<22-character fingerprint>.wasm`). */
const FINGERPRINTED = /\.[A-Za-z0-9_-]{22}\.[a-z]+$/;
/** The pages' own code chunks (one or more per page, `cargo leptos build --split`). */
const PAGE_CHUNK = /\/(chunk_|split_)[^/]*\.wasm$/;
/** What every page needs to start: kept before this version takes over. */
const CORE = SHELL.concat(ASSETS.filter((url) => !PAGE_CHUNK.test(url)));
/** The pages' chunks: fetched when a page first needs them, and all kept in the background. */
const CHUNKS = ASSETS.filter((url) => PAGE_CHUNK.test(url));

/**
 * Keeps files of this version's shell. A file named by its content that an earlier version
 * already kept is the same file: it is copied over, not downloaded again, so a release that
 * changed one page costs a phone only what changed. `all` fetches the rest at once (the core
 * the pages cannot start without); otherwise one at a time, behind whatever the member does.
 */
async function keepShell(urls, all) {
  const cache = await caches.open(VERSION);
  const older = (await caches.keys()).filter((k) => k.startsWith('sotay-shell-') && k !== VERSION);
  const missing = [];
  for (const url of urls) {
    if (await cache.match(url)) continue;
    let kept = null;
    if (FINGERPRINTED.test(url) && !/_{22}/.test(url)) {
      for (const name of older) {
        kept = await (await caches.open(name)).match(url);
        if (kept) break;
      }
    }
    if (kept) await cache.put(url, kept);
    else missing.push(url);
  }
  if (all) return cache.addAll(missing);
  for (const url of missing) {
    try {
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    } catch (_) {
      return; // no network now: the next keeping tries again
    }
  }
}

/** Every page's chunk on the device (a page kept offline must become interactive offline). */
function warmPages() {
  keeping = keeping.then(() => keepShell(CHUNKS, false)).catch(() => {});
  return keeping;
}

self.addEventListener('message', (event) => {
  const data = event.data;
  const reply = (value) => event.ports && event.ports[0] && event.ports[0].postMessage(value);
  if (data === 'skip-waiting') self.skipWaiting();
  else if (data && data.type === 'keep-offline') event.waitUntil(keepOfflineOnce(!!data.force).then(reply, (e) => reply({ error: String(e) })));
  else if (data && data.type === 'settled') event.waitUntil(keeping.then(() => reply({ settled: true })));
  else if (data && data.type === 'forget-private') event.waitUntil(forgetPrivate().then(() => reply({ ok: true })));
  else if (data && data.type === 'flush') event.waitUntil(outboxFlush().then(reply, () => reply({ error: true })));
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'sotay-outbox') event.waitUntil(outboxFlush());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
    return;
  }
  if (SHELL.includes(url.pathname) || url.pathname.startsWith('/pkg/')) {
    event.respondWith(shellFile(request));
  }
});

async function shellFile(request) {
  const cache = await caches.open(VERSION);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith('/pkg/')) cache.put(request, response.clone());
  return response;
}

/** Network first; a kept copy when there is no network or it is too slow; else the offline page. */
async function navigate(event) {
  const request = event.request;
  const key = pageKey(request.url);
  const kept = await keptPage(key);
  // The page streams to the screen while a copy is kept alongside.
  const network = fetch(request).then((response) => {
    event.waitUntil(
      remember(key, response.clone(), null)
        .then((keptNow) => keptNow && storedBudget().then((budget) => budget && trim(budget)))
        .catch(() => {}),
    );
    return response;
  });
  event.waitUntil(network.catch(() => {}));
  if (!kept) return network.catch(() => caches.match('/offline.html'));
  const patience = new Promise((resolve) => setTimeout(resolve, NETWORK_PATIENCE_MS));
  try {
    const first = await Promise.race([network, patience.then(() => null)]);
    if (first) return first;
  } catch (_) {}
  await touch(key);
  return markedCopy(kept.response, kept.entry);
}

/** Pages are kept by path and query, without the fragment. */
function pageKey(href) {
  const url = new URL(href);
  return url.pathname + url.search;
}

async function keptPage(key) {
  const response = await (await caches.open(PAGES)).match(key);
  if (!response) return null;
  // The index is written just after the page itself: a copy without its entry yet still counts.
  const entry = await inStores(['pages'], 'readonly', ({ pages }) => request(pages.get(key)));
  return { entry: entry || { saved: Date.now() }, response };
}

/** The kept copy, telling the page (on <html>) when it was saved, for the offline notice. */
async function markedCopy(response, entry) {
  const html = await response.text();
  const saved = new Date(entry.saved).toISOString();
  const body = html.replace('<html lang="vi"', `<html lang="vi" data-sotay-saved="${saved}"`);
  return new Response(body, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

async function sessionOf() {
  return inStores(['meta'], 'readonly', ({ meta }) => request(meta.get('session')));
}

// Changes to the kept pages happen one at a time: a page arriving while the member signs out
// must not be written after the deletion (nor into the cache being deleted).
let lock = Promise.resolve();
function exclusive(body) {
  const run = lock.then(body, body);
  lock = run.catch(() => {});
  return run;
}

/** Deletes every kept page and retires their session, so a late answer for it is not kept. */
function forgetPrivate() {
  return exclusive(async () => {
    // The index first, then the cache: nobody sees an empty cache beside a stale index.
    await inStores(['pages', 'meta'], 'readwrite', async ({ pages, meta }) => {
      const session = await request(meta.get('session'));
      const retired = (await request(meta.get('retired'))) || [];
      if (session) meta.put(retired.concat([session]).slice(-20), 'retired');
      pages.clear();
      meta.delete('session');
      meta.delete('planned');
    });
    await caches.delete(PAGES);
    announce();
  });
}

/**
 * Keeps a page the server sent. Only whole, direct HTML answers of a signed-in session are
 * kept; an answer without a session (signed out) or of another session first deletes whatever
 * the previous one kept.
 */
async function remember(key, response, pinned) {
  if (!response.ok || response.redirected || response.type !== 'basic') return false;
  if (!(response.headers.get('content-type') || '').startsWith('text/html')) return false;
  const session = response.headers.get(SESSION_HEADER);
  const blob = session ? await response.blob() : null;
  const current = await sessionOf();
  if (current && current !== session) await forgetPrivate();
  if (!session) return false;
  return exclusive(async () => {
    const meta = await inStores(['meta'], 'readonly', async ({ meta }) => ({
      session: await request(meta.get('session')),
      retired: (await request(meta.get('retired'))) || [],
    }));
    if (meta.retired.includes(session) || (meta.session && meta.session !== session)) return false;
    const cache = await caches.open(PAGES);
    await cache.put(key, new Response(blob, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const now = Date.now();
    const head = await blob.slice(0, 4096).text();
    await inStores(['pages', 'meta'], 'readwrite', async ({ pages, meta }) => {
      meta.put(session, 'session');
      const old = await request(pages.get(key));
      pages.put({
        url: key,
        bytes: blob.size,
        saved: now,
        used: now,
        build: VERSION,
        reason: (pinned && pinned.reason) || (old && old.reason) || 'visited',
        title: (pinned && pinned.title) || (old && old.title) || titleOf(head),
        version: (pinned && pinned.version) || (old && old.version) || '',
        // Place in the server's plan (most important first); visited pages have none.
        rank: pinned ? pinned.rank : old && old.reason !== 'visited' ? old.rank : undefined,
      });
    });
    announce();
    return true;
  });
}

function titleOf(html) {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
  return m ? m[1].replace(' · Sổ tay đảng viên', '') : '';
}

async function touch(key) {
  await inStores(['pages'], 'readwrite', async ({ pages }) => {
    const entry = await request(pages.get(key));
    if (entry) pages.put({ ...entry, used: Date.now() });
  });
}

// One plan at a time: pages opened in quick succession (or a page and a test) share the run in
// progress instead of fetching the same pages side by side; 'settled' waits for it.
let keeping = Promise.resolve();
let keepingNow = null;
function keepOfflineOnce(force) {
  if (keepingNow) return keepingNow.then(() => (force ? keepOfflineOnce(true) : { shared: true }));
  keepingNow = keepOffline(force).finally(() => { keepingNow = null; });
  // 'settled' waits for the plan and for the pages' chunks still being kept.
  const plan = keepingNow;
  keeping = keeping.then(() => plan).catch(() => {});
  warmPages();
  return keepingNow;
}

/** Pages ask after every load; the plan is fetched at most this often unless asked to. */
const PLAN_EVERY_MS = 5 * 60 * 1000;

/**
 * Fetches the server's plan for this member and keeps what it lists (pages already kept at the
 * same version and build are left alone), then trims to the budget.
 */
async function keepOffline(force) {
  const last = await inStores(['meta'], 'readonly', ({ meta }) => request(meta.get('planned')));
  if (!force && last && Date.now() - last < PLAN_EVERY_MS) return { skipped: true };
  await inStores(['meta'], 'readwrite', ({ meta }) => meta.put(Date.now(), 'planned'));
  const response = await fetch('/api/v1/offline-pages', { credentials: 'same-origin' });
  if (!response.ok) return { kept: 0, error: response.status };
  const plan = await response.json();
  const session = response.headers.get(SESSION_HEADER);
  const current = await sessionOf();
  if (current && current !== session) await forgetPrivate();
  const listed = new Set(plan.pages.map((p) => p.url));
  const entries = await exclusive(() =>
    inStores(['pages'], 'readwrite', async ({ pages }) => {
      const all = await request(pages.getAll());
      // Pages no longer in the plan (read and confirmed long ago, unbookmarked) become ordinary.
      for (const e of all) if (e.reason !== 'visited' && !listed.has(e.url)) pages.put({ ...e, reason: 'visited' });
      return new Map(all.map((e) => [e.url, e]));
    }),
  );
  let fetched = 0;
  for (const [rank, listed] of plan.pages.entries()) {
    const page = { ...listed, rank };
    const old = entries.get(page.url);
    if (old && old.version === page.version && old.build === VERSION) {
      if (old.reason !== page.reason || old.rank !== rank) {
        await exclusive(() =>
          inStores(['pages'], 'readwrite', async ({ pages }) => {
            const current = await request(pages.get(page.url));
            if (current) pages.put({ ...current, reason: page.reason, rank });
          }),
        );
      }
      continue;
    }
    try {
      const r = await fetch(page.url, { credentials: 'same-origin' });
      if (await remember(page.url, r, page)) fetched += 1;
    } catch (_) {
      break; // the connection went: the rest next time
    }
  }
  await inStores(['meta'], 'readwrite', ({ meta }) => meta.put(plan.budget_bytes, 'budget'));
  const trimmed = await trim(plan.budget_bytes);
  const kept = await inStores(['pages'], 'readonly', ({ pages }) => request(pages.getAll()));
  return { fetched, trimmed, kept: kept.length, bytes: kept.reduce((n, e) => n + e.bytes, 0), budget: plan.budget_bytes };
}

/** The budget the server gave with the last plan (none before the first). */
function storedBudget() {
  return inStores(['meta'], 'readonly', ({ meta }) => request(meta.get('budget')));
}

/**
 * Evicts pages until the kept ones fit the budget: pages merely visited first, the least
 * recently used first; then the planned ones, the least important first.
 */
async function trim(budget) {
  const all = await inStores(['pages'], 'readonly', ({ pages }) => request(pages.getAll()));
  let total = all.reduce((n, e) => n + e.bytes, 0);
  const visited = all.filter((e) => e.reason === 'visited').sort((a, b) => a.used - b.used);
  const planned = all.filter((e) => e.reason !== 'visited').sort((a, b) => (b.rank ?? 0) - (a.rank ?? 0));
  const order = visited.concat(planned);
  const evict = [];
  for (const e of order) {
    if (total <= budget) break;
    evict.push(e.url);
    total -= e.bytes;
  }
  if (evict.length === 0) return 0;
  await exclusive(async () => {
    const cache = await caches.open(PAGES);
    for (const url of evict) await cache.delete(url);
    await inStores(['pages'], 'readwrite', ({ pages }) => evict.forEach((url) => pages.delete(url)));
  });
  announce();
  return evict.length;
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (_) {
    message = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || 'Sổ tay đảng viên', {
      body: message.body || '',
      tag: message.tag,
      lang: 'vi',
      icon: '/icons/icon-192.png',
      badge: '/icons/maskable-192.png',
      data: { url: message.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (new URL(w.url).origin === self.location.origin && 'focus' in w) {
          return w.navigate(url).then((c) => (c || w).focus());
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
