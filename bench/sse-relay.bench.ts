// Cost of relaying a provider's event stream through SseRelay (push per chunk, end() once), per KB of stream,
// in ns, for LF and CR-only line endings. Run: npx tsx bench/sse-relay.bench.ts
import { SseRelay } from '../gateway/dialects/sse.js';

const event = (i: number) => `data: {"id":"c","choices":[{"index":0,"delta":{"content":"token ${i} "},"finish_reason":null}]}`;
const N = 2_000;

function nsPerKb(eol: string): number {
  const chunks = Array.from({ length: 200 }, (_, i) => Buffer.from(event(i) + eol + eol));
  const kb = chunks.reduce((n, c) => n + c.length, 0) / 1024;
  const run = () => {
    const relay = new SseRelay({ event: (e) => [e] });
    for (const c of chunks) relay.push(c);
    relay.end();
  };
  for (let i = 0; i < N / 10; i++) run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) run();
  return Number(process.hrtime.bigint() - t0) / N / kb;
}

for (let round = 1; round <= 3; round++) console.log(`round ${round}: LF ${nsPerKb('\n').toFixed(0)} ns/KB, CR-only ${nsPerKb('\r').toFixed(0)} ns/KB (200 events of ~100 bytes per stream)`);
