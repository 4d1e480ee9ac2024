import t from 'tap';
import pg from 'pg';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signingKeysFrom } from '../signing/keys.js';
import type { TrainingExample } from '../core/contracts.js';
import { createTrainingFeed } from './feed.js';
import { openPgFeedStore } from './pg-store.js';
import { verifyRecord } from './permit.js';

const url = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));

function example(replica: string, i: number): TrainingExample {
  return {
    decision_id: `dec_${replica}_${i}`, model: 'deepseek-r1', licence: 'deepseek-r1', licence_class: 'free', attribution: [], naming: [], duties: [], inherited_restrictions: { forbidden_deployment_purposes: [], use_restrictions: [] },
    policy_revision: 'rev-pg', messages: [{ role: 'user', content: `q${i}` }], completion: `a${i} ${replica}`, top_logprobs: null,
    time: '2026-11-28T17:00:00.000Z',
  };
}

t.test('two replicas append to one PostgreSQL feed: contiguous seqs, every record verifies', async (t) => {
  const schema = 'tg_feed_test_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 6, options: `-c search_path=${schema}` });
  t.teardown(async () => {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  const [a, b] = await Promise.all([
    createTrainingFeed({ dataDir: '', keys, store: await openPgFeedStore({ pool }), batchSize: 7 }),
    createTrainingFeed({ dataDir: '', keys, store: await openPgFeedStore({ pool }), batchSize: 5 }),
  ]);
  for (let i = 0; i < 40; i++) {
    a.offer(example('a', i));
    b.offer(example('b', i));
  }
  await Promise.all([a.flush(), b.flush()]);
  const page = await a.read(0, 1000);
  t.same(page.records.map((r) => r.seq), Array.from({ length: 80 }, (_, i) => i + 1), 'seqs are contiguous across replicas');
  t.equal(page.next_cursor, '80');
  t.ok(page.records.every((r) => verifyRecord(r, keys.keyId, keys.verify) === null), 'examples keep their signed bytes');
  t.same((await b.read(75, 10)).records.map((r) => r.seq), [76, 77, 78, 79, 80], 'either replica serves the feed');
  await a.close();
  await b.close();
});
