// Cost of the rate limiter on a call's path, in µs (p50/p90/p99): admitRequest and admitTokens awaited,
// settleTokens started and not awaited, as the request path calls them. Local (memory) for keys with
// limits, keys without any (the fast path), and the shared PostgreSQL counters when TERMSGATE_BENCH_PG
// (a connection string) is set, with the store's own round trip per count beside it.
// Run: npx tsx bench/limits/rate-limits.bench.ts
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Principal } from '../../gateway/core/contracts.js';
import { RateLimits } from '../../gateway/limits/rate-limits.js';

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (label: string, s: Float64Array) =>
  `${label.padEnd(44)} n=${s.length}  p50=${pct(s, 0.5).toFixed(1)} µs  p90=${pct(s, 0.9).toFixed(1)} µs  p99=${pct(s, 0.99).toFixed(1)} µs`;

// Limits high enough never to refuse: the cost measured is counting, not refusing.
const keys: Principal[] = Array.from({ length: 500 }, (_, i) => ({
  keyId: `vk_${i}`,
  team: `team_${i % 20}`,
  project: 'p',
  defaultPurpose: 'general',
  allowedPurposes: ['general'],
  limits: { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000 },
}));
const unlimited: Principal[] = keys.map(({ limits: _limits, ...k }) => ({ ...k, team: 'free' }));
const teams = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`team_${i}`, { requestsPerMinute: 10_000_000, tokensPerMinute: 1_000_000_000 }]));

async function measure(limits: RateLimits, who: Principal[], n: number): Promise<Float64Array> {
  const s = new Float64Array(n);
  const settling: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const p = who[i % who.length];
    const t0 = process.hrtime.bigint();
    await limits.admitRequest(p);
    await limits.admitTokens(p, 250);
    settling.push(limits.settleTokens(p, 250, 400));
    s[i] = Number(process.hrtime.bigint() - t0) / 1000;
    // Lets the shared store keep up, as calls that take milliseconds each would.
    if (settling.length >= 64) await Promise.all(settling.splice(0));
  }
  await Promise.all(settling);
  return s.sort();
}

const local = await RateLimits.open({ teams });
await measure(local, keys, 20_000);
console.log(fmt('local: key + team limits (rpm, tpm, correct)', await measure(local, keys, 100_000)));
await measure(local, unlimited, 20_000);
console.log(fmt('local: key and team without limits', await measure(local, unlimited, 100_000)));

const url = process.env.TERMSGATE_BENCH_PG;
if (url) {
  const schema = 'tg_rl_bench_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  try {
    const shared = await RateLimits.open({ teams, pool });
    await measure(shared, keys, 500);
    console.log(fmt('PostgreSQL: key + team limits (rpm, tpm, correct)', await measure(shared, keys, 3_000)));
    const rtt = new Float64Array(300);
    for (let i = 0; i < rtt.length; i++) {
      const t0 = process.hrtime.bigint();
      await shared.settleTokens(keys[i % keys.length], 250, 400);
      rtt[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    console.log(fmt('PostgreSQL: one shared count, awaited (2 upserts)', rtt.sort()));
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
