import t from 'tap';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signingKeysFrom } from '../signing/keys.js';
import { createTrainingFeed } from './feed.js';
import { verifyRecord } from './permit.js';
import Fastify from 'fastify';
import type { TrainingExample } from '../core/contracts.js';
import { ControlPlaneAuth } from '../auth/control-plane-auth.js';
import { ControlTokens } from '../auth/control-tokens.js';
import { hashSecret } from '../core/secret-hash.js';
import { trainingFeedRoutes } from './feed-routes.js';

function exampleFor(i: number, licence = 'apache-2.0'): TrainingExample {
  return {
    decision_id: `dec_${i}`,
    model: 'qwen2.5-7b-instruct',
    licence,
    licence_class: 'yes',
    attribution: [],
    naming: [],
    policy_revision: 'rev-1',
    messages: [{ role: 'user', content: `question ${i}: ünïcode and "quotes"` }],
    completion: `answer ${i}`,
    top_logprobs: [{ token: 'answer', logprob: -0.25, top_logprobs: [{ token: 'answer', logprob: -0.25 }, { token: 'reply', logprob: -1.5e-7 }] }],
    time: '2026-11-28T17:00:00.000Z',
  };
}

const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));

async function tempDir(t: Tap.Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-feed-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('offered examples become signed, ordered, durable records', async (t) => {
  const dataDir = await tempDir(t);
  const feed = await createTrainingFeed({ dataDir, keys });
  const ids = [0, 1, 2, 3, 4].map((i) => feed.offer(exampleFor(i)));
  t.equal(new Set(ids).size, 5, 'distinct examples get distinct ids');
  t.equal(feed.offer(exampleFor(0)), ids[0], 'the id is stable for the same example');
  await feed.flush();
  const page = await feed.read(0, 3);
  t.same(page.records.map((r) => r.seq), [1, 2, 3]);
  t.equal(page.next_cursor, '3');
  t.same(page.records.map((r) => r.id), ids.slice(0, 3));
  for (const r of page.records) t.equal(verifyRecord(r, keys.keyId, keys.verify), null, `record ${r.seq} verifies`);
  const rest = await feed.read(3, 100);
  t.same(rest.records.map((r) => r.seq), [4, 5, 6]);
  t.same(await feed.read(6, 100), { records: [], next_cursor: '6' }, 'an exhausted cursor stays put');
  await feed.close();

  const reopened = await createTrainingFeed({ dataDir, keys });
  t.equal(reopened.stats().lastSeq, 6, 'records survive a restart');
  reopened.offer(exampleFor(9));
  await reopened.flush();
  t.same((await reopened.read(6, 10)).records.map((r) => r.seq), [7], 'sequence continues after a restart');
  await reopened.close();
});

t.test('tampering breaks verification', async (t) => {
  const feed = await createTrainingFeed({ dataDir: await tempDir(t), keys });
  feed.offer(exampleFor(1, 'mit'));
  await feed.flush();
  const [r] = (await feed.read(0, 1)).records;
  t.equal(verifyRecord({ ...r, example: { ...r.example, completion: 'edited' } }, keys.keyId, keys.verify), 'digest mismatch');
  t.equal(verifyRecord({ ...r, permit: { ...r.permit, licence: 'apache-2.0' } }, keys.keyId, keys.verify), 'licence mismatch');
  const sig = Buffer.from(r.permit.batch.signature, 'base64url');
  sig[0] ^= 1;
  t.equal(verifyRecord({ ...r, permit: { ...r.permit, batch: { ...r.permit.batch, signature: sig.toString('base64url') } } }, keys.keyId, keys.verify), 'bad signature');
  await feed.close();
});

t.test('a torn tail from a crash is cut off at open', async (t) => {
  const dataDir = await tempDir(t);
  const feed = await createTrainingFeed({ dataDir, keys });
  feed.offer(exampleFor(1));
  feed.offer(exampleFor(2));
  await feed.close();
  const file = join(dataDir, 'feed', 'feed.jsonl');
  await appendFile(file, '{"id":"tr_x","seq":3,"permit":{"id"');
  const reopened = await createTrainingFeed({ dataDir, keys });
  t.equal(reopened.stats().lastSeq, 2);
  reopened.offer(exampleFor(3));
  await reopened.flush();
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
  t.same(lines.map((l) => l.seq), [1, 2, 3]);
  await reopened.close();
});

t.test('offer() costs microseconds and does not wait for the disk', async (t) => {
  const feed = await createTrainingFeed({ dataDir: await tempDir(t), keys });
  const n = 2000;
  const examples = Array.from({ length: n }, (_, i) => exampleFor(i));
  for (let i = 0; i < 200; i++) feed.offer(exampleFor(-i));
  const start = process.hrtime.bigint();
  for (const e of examples) feed.offer(e);
  const perOfferUs = Number(process.hrtime.bigint() - start) / 1000 / n;
  t.equal(feed.stats().written, 0, 'nothing was written synchronously during offer()');
  t.comment(`offer(): ${perOfferUs.toFixed(1)} µs per call (mean of ${n})`);
  t.ok(perOfferUs < 500, `offer() is cheap (${perOfferUs.toFixed(1)} µs)`);
  await feed.flush();
  t.equal(feed.stats().written, n + 200);
  t.equal(feed.stats().lastSeq, n + 200);
  await feed.close();
});

t.test('feed routes: runner token, cursor paging, public key', async (t) => {
  const feed = await createTrainingFeed({ dataDir: await tempDir(t), keys });
  for (let i = 0; i < 5; i++) feed.offer(exampleFor(i));
  await feed.flush();
  const tokens = new ControlTokens([
    { id: 'r', hash: hashSecret('runner-secret'), role: 'runner' },
    { id: 'a', hash: hashSecret('admin-secret'), role: 'admin' },
  ]);
  const app = Fastify();
  trainingFeedRoutes(app, { feed, auth: new ControlPlaneAuth(tokens), keys });
  t.teardown(() => app.close());
  const get = (url: string, token?: string) =>
    app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  t.equal((await get('/training/v1/feed')).statusCode, 401);
  t.equal((await get('/training/v1/feed', 'admin-secret')).statusCode, 403, 'the feed is for runner tokens only');
  t.equal((await get('/training/v1/feed?cursor=-1', 'runner-secret')).statusCode, 400);
  const first = (await get('/training/v1/feed?limit=2', 'runner-secret')).json();
  t.same(first.records.map((r: { seq: number }) => r.seq), [1, 2]);
  t.equal(first.next_cursor, '2');
  const next = (await get(`/training/v1/feed?cursor=${first.next_cursor}&limit=10`, 'runner-secret')).json();
  t.same(next.records.map((r: { seq: number }) => r.seq), [3, 4, 5]);

  const key = (await get('/training/v1/public-key')).json();
  t.equal(key.key_id, keys.keyId);
  t.equal(Buffer.from(key.public_key, 'base64url').toString('hex'), keys.publicKeyRaw.toString('hex'));
  t.match(key.pem, /BEGIN PUBLIC KEY/);
  await feed.close();
});
