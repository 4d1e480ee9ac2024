// Cost of budgets on a call's path, in µs (p50/p90/p99): the check at admission alone (as before holds),
// and the check with the hold and its release (a call in flight holds its estimated cost), for keys whose
// key and team have daily and monthly budgets large enough never to refuse, 50 calls in flight at a time.
// Run: npx tsx bench/limits/budget-holds.bench.ts
import type { Principal } from '../../gateway/core/contracts.js';
import { Budgets } from '../../gateway/limits/budgets.js';
import { MemorySpend } from '../../gateway/limits/spend.js';

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (label: string, s: Float64Array) => `${label.padEnd(36)} n=${s.length}  p50=${pct(s, 0.5).toFixed(2)} µs  p90=${pct(s, 0.9).toFixed(2)} µs  p99=${pct(s, 0.99).toFixed(2)} µs`;

const keys: Principal[] = Array.from({ length: 500 }, (_, i) => ({ keyId: `vk_${i}`, team: `team_${i % 20}`, project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'], budget: { dailyUsd: 1e6, monthlyUsd: 1e7 } }));
const teams = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`team_${i}`, { dailyUsd: 1e7, monthlyUsd: 1e8 }]));

function measure(withHold: boolean, n: number): Float64Array {
  const budgets = new Budgets({ teams, store: new MemorySpend(), softPercent: 80, hardStopStatus: 402 });
  const inFlight: Array<() => void> = [];
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i % keys.length];
    const t0 = performance.now();
    budgets.check(key);
    if (withHold) {
      const held = budgets.hold(key, 0.0004);
      if (held && 'release' in held) inFlight.push(held.release);
      if (inFlight.length > 50) inFlight.shift()!();
    }
    s[i] = (performance.now() - t0) * 1000;
  }
  return s.sort();
}

for (const round of [0, 1]) {
  const check = measure(false, 200_000);
  const hold = measure(true, 200_000);
  if (round === 1) {
    console.log(fmt('check alone', check));
    console.log(fmt('check, hold and release', hold));
  }
}
