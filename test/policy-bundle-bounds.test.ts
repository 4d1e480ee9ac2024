// A fleet bundle server that never stops sending, stalls mid-answer or never answers (a broken CDN, a hostile
// mirror, an attacker on the path before the signature is checked): the fetch is refused at
// policy.bundleMaxBytes or policy.bundleFetchMs with the serving revision kept, memory stays bounded, a
// rollback never waits for the fetch, and polls that come while one is fetching join it.
import t from 'tap';
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { bundleKeyFromPem } from '../gateway/policy/bundle-signature.js';
import { createPolicyStore } from '../gateway/policy/store.js';
import type { PolicyLogger } from '../gateway/policy/store-types.js';
import { validateDir } from '../gateway/policy/toolchain/steps.js';
import { publicPem, signedBundle } from './support/signed-bundle.js';
import { openAnswers, pour, type Poured } from './support/endless-answer.js';

const policies = join(import.meta.dirname, '..', 'policies');
const quiet: PolicyLogger = { info() {}, warn() {}, error() {} };
const noRecords = async function* (): AsyncGenerator<never> {};

const built = await mkdtemp(join(tmpdir(), 'tg-bundle-bounds-'));
const okA = await validateDir(policies, { out: join(built, 'a.tar.gz') });
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const sign = { key: privateKey, alg: 'EdDSA' };
const bundleA = await signedBundle(await readFile(join(built, 'a.tar.gz')), sign);
// The same policy under another revision, so that there is one to roll back from.
const bundleB = await signedBundle(
  await readFile(join(built, 'a.tar.gz')),
  sign,
  async (d) => {
    const manifest = JSON.parse(await readFile(join(d, '.manifest'), 'utf8').catch(() => '{}')) as Record<string, unknown>;
    await writeFile(join(d, '.manifest'), JSON.stringify({ ...manifest, revision: 'bundle-b' }));
  },
  true,
);

type Mode = 'a' | 'b' | 'endless' | 'stall' | 'silent';
let mode: Mode = 'a';
let requests = 0;
const poured: Poured = { sent: 0 };
const { open, track } = openAnswers();
const MiB = 1024 * 1024;

const server = createServer((_req, res) => {
  requests++;
  track(res);
  if (mode === 'a' || mode === 'b') return void res.writeHead(200, { 'content-type': 'application/gzip' }).end(mode === 'a' ? bundleA : bundleB);
  if (mode === 'silent') return; // never a status line
  res.writeHead(200, { 'content-type': 'application/gzip' });
  if (mode === 'endless') return pour(res, Buffer.alloc(64 * 1024, 0x41), poured);
  // stall: a byte every 100 ms, never the end (each byte resets an idle timer, not a total one)
  const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(Buffer.from([0x1f]))), 100);
  res.on('close', () => clearInterval(drip));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
t.teardown(() => {
  for (const res of open) res.destroy();
  server.close();
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.tar.gz`;

/** A store in bundle mode on the test's bundle server, its own data directory, a 2 MiB bound; `opts` overrides. */
async function bundleStore(opts: Partial<Parameters<typeof createPolicyStore>[0]> = {}) {
  return createPolicyStore({
    dir: policies,
    dataDir: await mkdtemp(join(tmpdir(), 'tg-bundle-bounds-d-')),
    bundleUrl: url,
    pollIntervalMs: 600_000,
    bundleFetchMs: 1_500,
    bundleMaxBytes: 2 * MiB,
    logger: quiet,
    records: noRecords,
    bundleKey: bundleKeyFromPem(publicPem(publicKey)),
    ...opts,
  });
}

const store = await bundleStore();
t.teardown(() => store.close());

t.test('bundle A, then bundle B serve', async (t) => {
  t.equal(store.status().active.revision, okA.revision);
  mode = 'b';
  t.match(await store.pollBundle(), { ok: true, revision: 'bundle-b' });
});

t.test('an answer that never ends is refused at policy.bundleMaxBytes, and the connection is closed', async (t) => {
  mode = 'endless';
  poured.sent = 0;
  const rss = process.memoryUsage().rss;
  const started = Date.now();
  const r = await store.pollBundle();
  t.notOk(r.ok);
  t.match(r.error, /larger than policy\.bundleMaxBytes \(2097152 bytes\)/);
  t.ok(Date.now() - started < 1_500, `refused as it was read, not at the deadline (${Date.now() - started} ms)`);
  t.equal(store.status().active.revision, 'bundle-b', 'the serving revision keeps serving');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(open.size, 0, 'the bundle server saw the connection closed');
  t.ok(poured.sent < 64 * MiB, `the gateway stopped reading: ${(poured.sent / MiB).toFixed(1)} MiB sent, not 512`);
  t.ok(process.memoryUsage().rss - rss < 64 * MiB, `RSS grew ${((process.memoryUsage().rss - rss) / MiB).toFixed(1)} MiB`);
  t.match(store.status().last_error, { source: 'bundle', step: 'fetch' }, 'status says the fetch was refused');
});

t.test('an answer that stalls is refused at policy.bundleFetchMs; a rollback meanwhile does not wait for it; polls meanwhile join it', async (t) => {
  for (const m of ['stall', 'silent'] as const) {
    mode = m;
    const before = requests;
    const started = Date.now();
    const poll = store.pollBundle();
    t.equal(store.pollBundle(), poll, `${m}: a second poll joins the one fetching`);
    await new Promise((r) => setTimeout(r, 200));
    const target = store.status().active.revision === 'bundle-b' ? okA.revision : 'bundle-b';
    const rb = await store.rollback(target);
    const rolledIn = Date.now() - started;
    t.match(rb, { ok: true, revision: target }, `${m}: the rollback is done`);
    t.ok(rolledIn < 1_200, `${m}: the rollback was done in ${rolledIn} ms, before the fetch's deadline of 1,500 ms`);
    const r = await poll;
    const took = Date.now() - started;
    t.notOk(r.ok, `${m}: the poll is refused`);
    t.match(r.error, /did not complete within policy\.bundleFetchMs \(1500 ms\)/);
    t.ok(took >= 1_400 && took < 4_000, `${m}: refused at the deadline (${took} ms)`);
    t.equal(requests - before, 1, `${m}: one request for the two polls`);
    t.equal(store.status().active.revision, target, `${m}: the revision rolled back to keeps serving`);
    await new Promise((r) => setTimeout(r, 100));
    t.equal(open.size, 0, `${m}: the connection is closed`);
  }
});

t.test('after a refused fetch the next good bundle is taken', async (t) => {
  mode = 'a';
  t.match(await store.pollBundle(), { ok: true, revision: okA.revision });
  t.equal(store.status().active.revision, okA.revision);
});

t.test('a presigned bundle URL: its signature is in no error, status, log line or change record', async (t) => {
  const canary = 'canary-signature-7f3a9c1e';
  const logged: string[] = [];
  const logger: PolicyLogger = { info: (o, m) => void logged.push(JSON.stringify(o) + m), warn: (o, m) => void logged.push(JSON.stringify(o) + m), error: (o, m) => void logged.push(JSON.stringify(o) + m) };
  const changes: string[] = [];
  mode = 'a';
  const signedUrl = `${url}?X-Amz-Signature=${canary}&X-Amz-Expires=300`;
  const presigned = await bundleStore({
    bundleUrl: signedUrl,
    bundleFetchMs: 1_000,
    logger,
    changes: { recordSystem: async (_actor, input) => void changes.push(JSON.stringify(input)) } as never,
  });
  t.teardown(() => presigned.close());
  const results: unknown[] = [];
  for (const m of ['endless', 'silent', 'b'] as const) {
    mode = m;
    results.push(await presigned.pollBundle());
  }
  t.match(results, [{ ok: false }, { ok: false }, { ok: true }], 'refused twice, then a bundle served');
  t.ok(changes.length >= 2, 'the activations were recorded');
  const seen = JSON.stringify({ results, status: presigned.status(), logged, changes });
  t.notOk(seen.includes(canary), 'the signature appears nowhere');
  t.ok(seen.includes('/bundle.tar.gz'), 'the bundle is still named by its origin and path');
});

t.test('closing during a stalled fetch ends it at once: nothing applied, nothing logged as refused', async (t) => {
  const errors: string[] = [];
  mode = 'a';
  const closing = await bundleStore({ bundleFetchMs: 20_000, logger: { ...quiet, error: (_o, m) => void errors.push(m) } });
  mode = 'stall';
  const poll = closing.pollBundle();
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  await closing.close();
  t.ok(Date.now() - started < 2_000, `closed in ${Date.now() - started} ms, not after the 20 s fetch deadline`);
  t.match(await poll, { ok: false, error: /closed during the fetch/ });
  t.same(errors, [], 'no refusal logged');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(open.size, 0, 'the connection is closed');
});
