// Prices, budgets and the spend they count: in memory and shared through PostgreSQL.
import t from 'tap';
import pg from 'pg';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { Budgets } from './budgets.js';
import { priceProblems, Prices } from './prices.js';
import { MemorySpend, PgSpend } from './spend.js';
import { openLimits } from './open-limits.js';
import type { CallRecord } from '../core/contracts.js';
import { until } from '../../test/support/until.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const key = { keyId: 'k1', team: 'search', project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'] };

t.test('the catalogue beside the licences is valid and prices a call', async (t) => {
  const prices = Prices.load(join(packageRoot, 'policies'));
  const mini = prices.catalogue.prices.models['gpt-4o-mini'];
  t.match(mini, { source: /^https:\/\//, as_of: /^\d{4}-\d{2}-\d{2}$/ });
  t.equal(prices.cost('gpt-4o-mini', { input_tokens: 1_000_000, output_tokens: 0 }), mini.input);
  t.equal(prices.cost('gpt-4o-mini', { input_tokens: 1000, output_tokens: 500, cached_input_tokens: 400 }), Math.round((600 * mini.input + 400 * mini.cached_input + 500 * mini.output) * 100) / 1e8);
  t.equal(prices.cost('qwen2.5-7b-instruct', { input_tokens: 10, output_tokens: 10 }), null, 'a self-hosted model has no price');
  t.same(priceProblems({ prices: { currency: 'EUR', unit: 'per million tokens', owner: 'x', models: {} } }), ['/prices/currency: must be equal to constant']);
  t.ok(priceProblems({ prices: { currency: 'USD', unit: 'per million tokens', owner: 'x', models: { m: { input: -1, cached_input: 0, output: 0, source: 'http://x', as_of: '2025' } } } }).length >= 3);
  fc.assert(
    fc.property(fc.nat(10_000_000), fc.nat(10_000_000), fc.nat(10_000_000), (input, output, cached) => {
      const c = prices.cost('gpt-4o-mini', { input_tokens: input, output_tokens: output, cached_input_tokens: cached })!;
      const most = prices.cost('gpt-4o-mini', { input_tokens: input, output_tokens: output })!;
      return c >= 0 && c <= most + 1e-8;
    }),
    { numRuns: 300 },
  );
});

t.test('budgets: soft threshold, hard stop, key and team, day and month', async (t) => {
  const store = new MemorySpend();
  let now = new Date('2026-12-04T23:59:00Z');
  const budgets = new Budgets({ teams: { search: { monthlyUsd: 10 } }, store, softPercent: 80, hardStopStatus: 402, now: () => now });
  const k = { ...key, budget: { dailyUsd: 1 } };
  t.same(budgets.check({ ...key, team: 'other' }), { refusal: null, warning: null }, 'no budget: nothing to check');
  await budgets.record(k, 0.5);
  t.same(budgets.check(k), { refusal: null, warning: null });
  await budgets.record(k, 0.3);
  t.equal(budgets.check(k).warning, 'virtual key k1 daily 80%');
  await budgets.record(k, 0.2);
  t.same(budgets.check(k).refusal, { status: 402, message: 'the daily budget of virtual key k1 is spent: $1.00 of $1.00', retryAfterS: 60 });
  now = new Date('2026-12-05T00:00:01Z');
  t.equal(budgets.check(k).refusal, null, 'a new day, a new daily budget');
  await budgets.record({ keyId: 'k2', team: 'search' }, 8);
  t.match(budgets.check(k), { refusal: null, warning: 'team search monthly 90%' }, "the team's month counts every key");
  await budgets.record({ keyId: 'k2', team: 'search' }, 1);
  t.match(budgets.check(k).refusal, { message: 'the monthly budget of team search is spent: $10.00 of $10.00' });
  t.same(budgets.spent('key:k1'), { day_usd: 0, month_usd: 1 });
});

t.test('PostgreSQL: replicas share the spend', async (t) => {
  const schema = 'tg_spend_test_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  // Six replicas starting together on a fresh schema: each opens (the table is made once, under a lock).
  const pools = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` }));
  const stores = await Promise.all(pools.map((pool) => PgSpend.open(pool, { pollMs: 100, onError: () => {} })));
  const [a, b] = stores;
  t.teardown(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(pools.map((p) => p.end()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  const ba = new Budgets({ teams: {}, store: a, softPercent: 80, hardStopStatus: 429 });
  const bb = new Budgets({ teams: {}, store: b, softPercent: 80, hardStopStatus: 429 });
  const k = { ...key, budget: { dailyUsd: 0.3 } };
  await ba.record(k, 0.1);
  await bb.record(k, 0.2);
  t.equal(bb.spent('key:k1').day_usd, 0.3, 'the sum is kept exactly (numeric)');
  const seen = await until(async () => ba.check(k), (c) => c.refusal !== null, 5_000);
  t.match(seen.refusal, { status: 429, message: 'the daily budget of virtual key k1 is spent: $0.30 of $0.30' }, 'the other replica stops the key within a poll');
});

t.test('one node: this month\'s spend is rebuilt from the recorded costs at start', async (t) => {
  const now = new Date();
  const record = (key_id: string, cost: number | undefined, time: string) => ({ principal: { key_id, team: 'search', project: 'p' }, time, ...(cost === undefined ? {} : { cost_usd: cost }) }) as CallRecord;
  const asked: string[] = [];
  const limits = await openLimits(
    { dataDir: '/nonexistent', teams: {}, keyStore: { schema: 'public', pollMs: 1000 }, audit: { backend: 'file' } as never, spend: { softPercent: 80, hardStopStatus: 402 }, policy: { dir: join(packageRoot, 'policies') } as never },
    {
      async *recordsSince(from) {
        asked.push(from);
        yield record('k1', 0.25, now.toISOString());
        yield record('k1', undefined, now.toISOString());
        yield record('k2', 0.5, now.toISOString());
        yield record('k1', 0.125, now.toISOString());
      },
      onError: () => {},
    },
  );
  t.teardown(() => limits.close());
  t.same(asked, [`${now.toISOString().slice(0, 7)}-01T00:00:00.000Z`], 'from the start of the month');
  t.same(limits.budgets.spent('key:k1'), { day_usd: 0.375, month_usd: 0.375 });
  t.same(limits.budgets.spent('team:search'), { day_usd: 0.875, month_usd: 0.875 });
});
