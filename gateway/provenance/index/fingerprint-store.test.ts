import t from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_LISTED } from '../fingerprint-index.js';
import { recordRef } from '../../watermark/payload.js';
import { FingerprintStore } from './fingerprint-store.js';
import type { BackendOutput } from './index-backend.js';
import { LmdbBackend } from './lmdb/lmdb-backend.js';
import type { StoredOutput } from './stored-output.js';
import { until } from '../../../test/support/until.js';

function output(words: number[], id = randomUUID()): () => StoredOutput {
  const ref = recordRef(id);
  return () => ({
    record: { ref: ref.bytes, hashedRef: ref.hashed, licence: 'openai-terms', licenceClass: null, trainable: false },
    originalId: ref.hashed ? id : null,
    time: Date.now(),
    fingerprint: { words: { level: 0, hashes: Uint32Array.from(words) }, loose: { level: 0, hashes: Uint32Array.from(words.map((w) => w + 1)) } },
  });
}

/** LMDB whose commits wait until released: what a slow disk does to the store's batches. */
class HeldLmdb extends LmdbBackend {
  held: (() => void)[] = [];
  writing = 0;
  override async write(batch: BackendOutput[]): Promise<void> {
    this.writing++;
    await new Promise<void>((resolve) => this.held.push(resolve));
    return super.write(batch);
  }
}

t.test('an output is listed from the moment its batch starts, before the backend commits it, and after', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const backend = new HeldLmdb({ path: dir });
  const store = new FingerprintStore(backend);
  const id = randomUUID();
  const added = store.add(output([7, 8, 9], id));
  await until(async () => backend.writing, (n) => n === 1);
  const out: number[] = [];
  t.same(store.index.words.docsWith(8, out), [0], 'pending: listed');
  t.same(store.index.loose.docsWith(9, out), [0]);
  t.equal(store.index.words.findRef(recordRef(id).bytes), 0);
  t.ok(store.index.words.holds(9, 0));
  t.equal(store.index.words.record(0).decisionRef, id);
  t.equal(store.size, 1);
  backend.held.shift()!();
  await added;
  t.same(store.index.words.docsWith(8, out), [0], 'committed: listed from the backend');
  t.equal(store.index.words.findRef(recordRef(id).bytes), 0);
  t.equal(store.resolve('ref:00'), 'ref:00');
  await store.close();
});

t.test('lookups list the most recent outputs first, at most MAX_LISTED, across committed and pending batches', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const backend = new HeldLmdb({ path: dir });
  const store = new FingerprintStore(backend);
  const first = Array.from({ length: MAX_LISTED }, () => store.add(output([42])));
  await until(async () => backend.writing, (n) => n === 1);
  backend.held.shift()!();
  await Promise.all(first);
  const more = [store.add(output([42])), store.add(output([42, 43]))];
  await until(async () => backend.writing, (n) => n === 2);
  const out: number[] = [];
  const listed = store.index.words.docsWith(42, out);
  t.equal(listed.length, MAX_LISTED);
  t.same(listed.slice(0, 4), [MAX_LISTED + 1, MAX_LISTED, MAX_LISTED - 1, MAX_LISTED - 2], 'pending first, then committed, newest first');
  t.ok(store.index.words.holds(42, 0), 'the oldest still holds its hash, listed or not');
  backend.held.shift()!();
  await Promise.all(more);
  t.same(store.index.words.docsWith(42, out).slice(0, 3), [MAX_LISTED + 1, MAX_LISTED, MAX_LISTED - 1]);
  await store.close();
  const reopened = new FingerprintStore(new LmdbBackend({ path: dir }));
  t.equal(reopened.size, MAX_LISTED + 2);
  reopened.add(output([5]));
  await reopened.flush();
  t.same(reopened.index.words.docsWith(5, out), [MAX_LISTED + 2], 'doc numbers continue after a restart');
  await reopened.close();
});

t.test('an output is listed the moment it is added, before its batch is taken (the commit window), and in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const backend = new HeldLmdb({ path: dir });
  const store = new FingerprintStore(backend);
  const first = store.add(output([1, 2, 3]));
  await until(async () => backend.writing, (n) => n === 1);
  // The first batch is held at the backend: these two wait in the queue, not yet taken.
  const id = randomUUID();
  const second = store.add(output([4, 5, 6], id));
  const third = store.add(output([5, 6, 7]));
  const out: number[] = [];
  t.same(store.index.words.docsWith(5, out), [2, 1], 'queued outputs listed at once, newest first');
  t.equal(store.index.words.findRef(recordRef(id).bytes), 1);
  t.equal(store.size, 3);
  backend.held.shift()!();
  await first;
  await until(async () => backend.writing, (n) => n === 2);
  backend.held.shift()!();
  await Promise.all([second, third]);
  t.same(store.index.words.docsWith(5, out), [2, 1], 'committed: the same docs');
  await store.close();
});

t.test('an output that cannot be made fails its batch; the others of the batch are still written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = new FingerprintStore(new LmdbBackend({ path: dir }));
  const good = store.add(output([11, 12]));
  const bad = store.add(() => {
    throw new Error('no fingerprint');
  });
  const out: number[] = [];
  t.same(store.index.words.docsWith(11, out), [0], 'the good one is listed; the bad one does not break the lookup');
  await t.rejects(Promise.all([good, bad]), /no fingerprint/);
  await store.flush();
  t.same(store.index.words.docsWith(11, out), [0], 'and it was written');
  await store.close();
});

/** LMDB that has lost one output's bytes but still lists it: a backend out of step. */
class ForgetfulLmdb extends LmdbBackend {
  forgotten = -1;
  override output(doc: number): Uint8Array | undefined {
    return doc === this.forgotten ? undefined : super.output(doc);
  }
}

t.test('a listed output whose bytes are gone is listed but holds nothing, so it is never claimed, and lookups go on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const backend = new ForgetfulLmdb({ path: dir });
  const store = new FingerprintStore(backend);
  await store.add(output([7, 8, 9]));
  await store.add(output([8, 10]));
  backend.forgotten = 0;
  const out: number[] = [];
  t.same(store.index.words.docsWith(8, out), [1, 0], 'listing reads postings only');
  t.notOk(store.index.words.holds(8, 0), 'the lost output holds no hash');
  t.equal(store.index.words.samplesOf(0), 0);
  t.equal(store.index.loose.samplesOf(0), 0);
  t.ok(store.index.words.holds(8, 1), 'the stored one still does');
  t.equal(store.index.words.samplesOf(1), 2);
  await store.close();
});
