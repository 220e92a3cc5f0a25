// Sổ tay đảng viên — what the device keeps for offline use, in IndexedDB "sotay-offline":
//   outbox  writes made without a connection, in the order made, sent later to /api/v1/sync;
//   failed  writes the server refused, with its reason, until the member has read it;
//   pages   the index of pages kept for offline reading (url, size, last use, why kept);
//   meta    which session the kept pages belong to.
// The same code runs in the page (an ES module imported by the app) and in the service worker
// (the server inlines it into /sw.js), so both send the queue the same way; the server applies
// each write once by its id, so both sending at once is harmless.

const DB_NAME = 'sotay-offline';
const BATCH = 50;
const CHANNEL = 'sotay-offline';

export function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const outbox = db.createObjectStore('outbox', { autoIncrement: true });
      outbox.createIndex('client_id', 'client_id', { unique: true });
      db.createObjectStore('failed', { keyPath: 'client_id' });
      db.createObjectStore('pages', { keyPath: 'url' });
      db.createObjectStore('meta');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Runs `body(stores)` in one transaction and resolves with its result once committed. */
export async function inStores(names, mode, body) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      let result;
      Promise.resolve(body(stores, tx)).then((r) => (result = r), reject);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Tells every open page (and the worker) that the queue or the kept pages changed. */
export function announce() {
  try {
    const bc = new BroadcastChannel(CHANNEL);
    bc.postMessage('changed');
    bc.close();
  } catch (_) {}
}

export function onChange(callback) {
  try {
    new BroadcastChannel(CHANNEL).onmessage = () => callback();
  } catch (_) {}
}

/** Queues one write (JSON text of a QueuedWrite); a write already queued is not queued again. */
export async function outboxAdd(json) {
  const write = JSON.parse(json);
  write.queued_at = Date.now();
  await inStores(['outbox'], 'readwrite', async ({ outbox }) => {
    const existing = await request(outbox.index('client_id').getKey(write.client_id));
    if (existing === undefined) outbox.add(write);
  });
  announce();
}

/** Pending writes (oldest first) and refused ones. */
export async function outboxState() {
  return inStores(['outbox', 'failed'], 'readonly', async ({ outbox, failed }) => ({
    pending: await request(outbox.getAll()),
    failed: await request(failed.getAll()),
  }));
}

export async function outboxDismiss(clientId) {
  await inStores(['failed'], 'readwrite', ({ failed }) => failed.delete(clientId));
  announce();
}

let flushing = null;

/**
 * Sends the queue, oldest first, in batches. Applied and already-applied writes leave the
 * queue; refused ones move to `failed` with the server's reason; the rest (another account's,
 * or the server busy) stay. Stops quietly without a connection or a session.
 */
export function outboxFlush() {
  if (!flushing) flushing = flushOnce().finally(() => (flushing = null));
  return flushing;
}

async function flushOnce() {
  const summary = { sent: 0, refused: 0, left: 0 };
  const skipped = new Set(); // another account's writes: theirs to send
  for (;;) {
    const { pending } = await outboxState();
    const batch = pending.filter((w) => !skipped.has(w.client_id)).slice(0, BATCH);
    if (batch.length === 0) break;
    let response;
    try {
      response = await fetch('/api/v1/sync', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ writes: batch.map(({ queued_at, ...w }) => w) }),
      });
    } catch (_) {
      break; // no connection: try again later
    }
    if (!response.ok) break; // signed out or the server unwell: keep everything
    const { results } = await response.json();
    const byId = new Map(results.map((r) => [r.client_id, r]));
    const before = summary.sent + summary.refused + skipped.size;
    await inStores(['outbox', 'failed'], 'readwrite', async ({ outbox, failed }) => {
      for (const w of batch) {
        const r = byId.get(w.client_id);
        if (!r) continue;
        const key = await request(outbox.index('client_id').getKey(w.client_id));
        if (key === undefined) continue;
        if (r.status === 'applied' || r.status === 'duplicate') {
          outbox.delete(key);
          summary.sent += 1;
        } else if (r.status === 'rejected') {
          outbox.delete(key);
          failed.put({ client_id: w.client_id, label: w.label, message: r.message, at: Date.now() });
          summary.refused += 1;
        } else if (r.status === 'other-account') {
          skipped.add(w.client_id);
        }
      }
    });
    announce();
    if (results.some((r) => r.status === 'retry')) break; // the server is busy: later
    if (summary.sent + summary.refused + skipped.size === before) break; // nothing moved: never spin
  }
  summary.left = (await outboxState()).pending.length;
  return summary;
}

/** For the app (WebAssembly): the queue as JSON text. */
export async function outboxStateJson() {
  return JSON.stringify(await outboxState());
}

/** For the app: the kept pages and the room the server allows, as JSON text. */
export async function keptPagesJson() {
  const kept = await inStores(['pages', 'meta'], 'readonly', async ({ pages, meta }) => ({
    pages: await request(pages.getAll()),
    budget: (await request(meta.get('budget'))) || 0,
  }));
  return JSON.stringify(kept);
}

export async function outboxFlushJson() {
  return JSON.stringify(await outboxFlush());
}
