// What reading a provider's JSON answer in loop slices (readBounded with LoopSlices, issue 21) costs against
// reading it straight: µs per answer for an ordinary 2 KB answer in one chunk, and ms for 4 MB in 64 KB chunks,
// each from a source whose chunks are always ready. Run: npx tsx bench/upstream/read-answer.bench.ts
import { performance } from 'node:perf_hooks';
import { LoopSlices } from '../../gateway/core/loop-slices.js';
import { readBounded } from '../../gateway/core/bounded-body.js';

const exceeded = () => new Error('over');
const source = (chunks: Uint8Array[]): AsyncIterable<Uint8Array> => ({
  async *[Symbol.asyncIterator]() {
    yield* chunks;
  },
});

async function measure(label: string, chunks: Uint8Array[], n: number, slices: LoopSlices | undefined, unit: 'µs' | 'ms'): Promise<void> {
  for (let i = 0; i < Math.min(n, 1000); i++) await readBounded(source(chunks), 64 << 20, exceeded, slices);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await readBounded(source(chunks), 64 << 20, exceeded, slices);
  const ms = (performance.now() - t0) / n;
  console.log(`${label.padEnd(56)} ${(unit === 'µs' ? ms * 1000 : ms).toFixed(unit === 'µs' ? 2 : 1)} ${unit} per answer  (n=${n})`);
}

const small = [new Uint8Array(2048)];
const large = Array.from({ length: 64 }, () => new Uint8Array(64 * 1024));
for (let round = 0; round < 2; round++) {
  await measure('2 KB answer, one chunk, straight', small, 50_000, undefined, 'µs');
  await measure('2 KB answer, one chunk, in 5 ms slices', small, 50_000, new LoopSlices(5), 'µs');
  await measure('4 MB answer, 64 KB chunks, straight', large, 50, undefined, 'ms');
  await measure('4 MB answer, 64 KB chunks, in 5 ms slices', large, 50, new LoopSlices(5), 'ms');
}
