// Rate limits per key and team, in memory and shared through PostgreSQL.
import t from 'tap';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../core/contracts.js';
import { RateLimits } from './rate-limits.js';
import { until } from '../../test/support/until.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const key = (keyId: string, team: string, limits?: Principal['limits']): Principal => ({ keyId, team, project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'], ...(limits ? { limits } : {}) });

t.test('requests per minute per key, recovering after the window', async (t) => {
  const limits = await RateLimits.open({ teams: {}, windowS: 1 });
  const k = key('k1', 'search', { requestsPerMinute: 2 });
  t.equal(limits.admitRequest(key('free', 'search')), null, 'nothing limited: no work at all');
  t.equal(await limits.admitRequest(k), null);
  t.equal(await limits.admitRequest(k), null);
  const refused = await limits.admitRequest(k);
  t.match(refused, { message: 'rate limit of virtual key k1 reached: 2 requests per minute' });
  t.ok(refused!.retryAfterS >= 1 && refused!.retryAfterS <= 1, 'retry after the rest of the window, in whole seconds');
  const later = await until(async () => limits.admitRequest(k), (r) => r === null, 5_000);
  t.equal(later, null, 'the key recovers');
});

t.test('a team limit counts every key of the team', async (t) => {
  const limits = await RateLimits.open({ teams: { search: { requestsPerMinute: 3 } } });
  const a = key('a', 'search');
  const b = key('b', 'search');
  t.equal(await limits.admitRequest(a), null);
  t.equal(await limits.admitRequest(b), null);
  t.equal(await limits.admitRequest(a), null);
  t.match(await limits.admitRequest(b), { message: 'rate limit of team search reached: 3 requests per minute' });
  t.equal(await limits.admitRequest(key('c', 'ads')), null, 'other teams are not counted');
});

t.test('tokens per minute: estimated before, corrected after', async (t) => {
  const limits = await RateLimits.open({ teams: {} });
  const k = key('k', 'search', { tokensPerMinute: 1000 });
  t.equal(await limits.admitTokens(k, 300), null);
  await limits.settleTokens(k, 300, 900);
  t.match(await limits.admitTokens(k, 200), { message: 'rate limit of virtual key k reached: 1000 tokens per minute' }, 'the usage, not the estimate, counts');
  const other = key('k2', 'search', { tokensPerMinute: 1000 });
  t.equal(await limits.admitTokens(other, 800), null);
  await limits.settleTokens(other, 800, 100);
  t.equal(await limits.admitTokens(other, 800), null, 'an overestimate is given back');
  t.match(await limits.admitTokens(other, 5000), { message: "this call's estimated 5000 input tokens exceed the 1000 tokens per minute of virtual key k2" });
});

t.test('PostgreSQL: two replicas share the counters', async (t) => {
  const schema = 'tg_rl_test_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  // Six replicas starting together on a fresh schema: each opens (the table is made once, under a lock).
  const pools = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` }));
  t.teardown(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  const [a, b] = await Promise.all(pools.map((pool) => RateLimits.open({ teams: {}, pool })));
  const k = key('shared', 'search', { requestsPerMinute: 3 });
  t.equal(await a.admitRequest(k), null);
  t.equal(await b.admitRequest(k), null);
  t.equal(await a.admitRequest(k), null);
  // The count is not awaited on the call's path: a replica refuses once the store has answered that the limit is reached.
  const refusedB = await until(async () => b.admitRequest(k), (r) => r !== null, 5_000);
  t.match(refusedB, { message: 'rate limit of virtual key shared reached: 3 requests per minute' }, 'the other replica refuses');
  const refusedA = await until(async () => a.admitRequest(k), (r) => r !== null, 5_000);
  t.ok(refusedA && refusedA.retryAfterS >= 1 && refusedA.retryAfterS <= 60, 'and so does the first, with retry-after');
  const { rows } = await admin.query<{ points: number }>(`SELECT points FROM ${schema}.rate_limits WHERE key = 'rpm3:key:shared'`);
  t.ok(rows[0].points >= 4, 'the count is in PostgreSQL, shared');
});
