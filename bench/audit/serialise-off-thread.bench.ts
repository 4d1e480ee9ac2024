// What a large request costs the event loop when serialised on the thread (canonical-thread.ts) against on
// the loop: event-loop time (the longest stretch the loop was held, from a 1 ms interval's lateness) and
// wall time per call, for 256 KB, 1 MB and 4 MB of prose. Run: npx tsx bench/audit/serialise-off-thread.bench.ts
import { CanonicalValue, canonicalDigest } from '../../gateway/core/canonical-json.js';
import { serialiseOffThread } from '../../gateway/core/canonical-thread.js';

const sentence = 'The committee will "meet" again on Thursday to review the figures — Grüße.\n';
const body = (bytes: number) => ({ model: 'm', messages: [{ role: 'user', content: sentence.repeat(Math.ceil(bytes / sentence.length)) }] });

async function longestStall(fn: () => Promise<unknown> | unknown): Promise<{ wallMs: number; stallMs: number }> {
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  last = performance.now();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  stall = Math.max(stall, performance.now() - last);
  clearInterval(tick);
  return { wallMs, stallMs: stall };
}

for (const bytes of [256 * 1024, 1024 * 1024, 4 * 1024 * 1024]) {
  for (const [name, run] of [
    ['on the loop', (v: Record<string, unknown>) => { const c = new CanonicalValue(v); canonicalDigest(c.text); JSON.stringify(v); }],
    ['on the thread', (v: Record<string, unknown>) => serialiseOffThread(new CanonicalValue(v), v)],
  ] as const) {
    const rounds: { wallMs: number; stallMs: number }[] = [];
    for (let r = 0; r < 7; r++) rounds.push(await longestStall(() => run(body(bytes))));
    const med = (k: 'wallMs' | 'stallMs') => rounds.map((x) => x[k]).sort((a, b) => a - b)[3].toFixed(1);
    console.log(`${(bytes / 1024).toFixed(0)} KB, ${name}: longest loop stall ${med('stallMs')} ms, wall ${med('wallMs')} ms (median of 7)`);
  }
}
process.exit(0);
