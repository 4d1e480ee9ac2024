// The file backend's content store: what retention and a hand's deletion meet.
import t from 'tap';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from './content-store.js';

t.test('content said again by a new call lives as long as the new call, not the first one that said it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-content-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = new ContentStore(dir);
  const value = { messages: [{ role: 'user', content: 'the same question' }] };
  const digest = await store.put(value);
  await store.sync();
  // The first call's copy is two days old.
  const path = join(dir, digest.slice(7, 9), `${digest.slice(7)}.json`);
  const old = new Date(Date.now() - 2 * 86_400_000);
  utimesSync(path, old, old);
  t.same((await store.olderThan(new Date(Date.now() - 86_400_000))).digests, [digest], 'alone, it is older than a day');
  t.equal(await store.put(value), digest);
  await store.sync();
  t.same((await store.olderThan(new Date(Date.now() - 86_400_000))).digests, [], 'stored again today, its time is brought forward: it is not');
  t.same(await store.get(digest), value);
});

t.test('a folder removed by hand is made again, and no temporary file is left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-content-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = new ContentStore(dir);
  const digest = await store.put({ a: 1 });
  await store.sync();
  rmSync(join(dir, digest.slice(7, 9)), { recursive: true });
  t.equal(await store.put({ a: 1 }), digest);
  await store.sync();
  t.same(await store.get(digest), { a: 1 });
  t.same((await store.olderThan(new Date(Date.now() + 1000))).leftovers, []);
});
