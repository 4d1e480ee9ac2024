// Cost of remembering one served output's words, in µs (p50/p90/p99): its fingerprints (shingles, loose
// pairs and where each sampled pair starts) and its stored bytes, for outputs of 60, 400, 4,000 and 16,000 words
// of real prose (the mock's State of the Union corpus). Paid once per output served, off the answer.
// Run: npx tsx bench/provenance/fingerprint.bench.ts
import { speeches } from '../../gateway/mock-upstream/corpus.js';
import { fingerprintOf } from '../../gateway/provenance/fingerprint.js';
import { encodeOutput } from '../../gateway/provenance/index/stored-output.js';

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const words = speeches().flatMap((s) => s.text.split(/\s+/));
const record = { ref: new Uint8Array(16), hashedRef: false, licence: 'openai-services-agreement', licenceClass: null, trainable: false };

for (const size of [60, 400, 4000, 16_000]) {
  const n = Math.max(500, Math.floor(400_000 / size));
  const texts = Array.from({ length: 64 }, (_, i) => words.slice(i * 97, i * 97 + size).join(' '));
  const s = new Float64Array(n);
  let bytes = 0;
  for (const round of [0, 1]) {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const encoded = encodeOutput({ record, originalId: null, time: 0, fingerprint: fingerprintOf(texts[i % texts.length]) });
      s[i] = (performance.now() - t0) * 1000;
      bytes += round === 1 ? encoded.length : 0;
    }
  }
  s.sort();
  console.log(`${String(size).padStart(5)} words  n=${n}  p50=${pct(s, 0.5).toFixed(1)} µs  p90=${pct(s, 0.9).toFixed(1)} µs  p99=${pct(s, 0.99).toFixed(1)} µs  ${Math.round(bytes / n)} bytes stored`);
}
