// Cost of the other checks issue 25 added to a call's admission, in µs (p50/p90/p99): authenticating a
// key of the key store (hash and lookup; expiry and revocation), and the budget check of a key and its
// team (day and month). Run: npx tsx bench/limits/admission.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../gateway/auth/file-key-store.js';
import { KeyDirectory } from '../../gateway/auth/key-directory.js';
import { VirtualKeys } from '../../gateway/auth/virtual-keys.js';
import type { Principal } from '../../gateway/core/contracts.js';
import { hashSecret } from '../../gateway/core/secret-hash.js';
import { Budgets } from '../../gateway/limits/budgets.js';
import { MemorySpend } from '../../gateway/limits/spend.js';

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (label: string, s: Float64Array) => `${label.padEnd(44)} n=${s.length}  p50=${pct(s, 0.5).toFixed(1)} µs  p90=${pct(s, 0.9).toFixed(1)} µs  p99=${pct(s, 0.99).toFixed(1)} µs`;

async function time(n: number, fn: (i: number) => unknown): Promise<Float64Array> {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    s[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return s.sort();
}

const dir = mkdtempSync(join(tmpdir(), 'tg-bench-keys-'));
try {
  const store = new FileKeyStore(dir);
  const secrets = Array.from({ length: 1000 }, (_, i) => `tg-bench-${i}-${'x'.repeat(24)}`);
  for (const [i, secret] of secrets.entries()) {
    await store.create({
      id: `k${i}`, hash: hashSecret(secret), team: `team${i % 20}`, project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'], models: null,
      expiresAt: '2999-01-01T00:00:00.000Z', limits: {}, budget: { dailyUsd: 100 }, createdAt: new Date().toISOString(), createdBy: 'bench', rotatedAt: null, revokedAt: null,
    });
  }
  const keys = new KeyDirectory(new VirtualKeys([]), store);
  const headers = secrets.map((s) => ({ authorization: `Bearer ${s}` }));
  await time(20_000, (i) => keys.authenticate(headers[i % headers.length]));
  console.log(fmt('authenticate a stored key (1,000 keys)', await time(100_000, (i) => keys.authenticate(headers[i % headers.length]))));

  const budgets = new Budgets({ teams: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`team${i}`, { dailyUsd: 1000, monthlyUsd: 10000 }])), store: new MemorySpend(), softPercent: 80, hardStopStatus: 402 });
  const principals: Principal[] = secrets.map((_, i) => ({ keyId: `k${i}`, team: `team${i % 20}`, project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'], budget: { dailyUsd: 100, monthlyUsd: 1000 } }));
  for (const p of principals) await budgets.record(p, 0.01);
  await time(20_000, (i) => budgets.check(principals[i % principals.length]));
  console.log(fmt('budget check: key and team, day and month', await time(100_000, (i) => budgets.check(principals[i % principals.length]))));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
