// What a batch of the fingerprint index's LMDB writes costs per output, by batch size, for outputs that
// share every sampled hash (an answer served again) and for unique ones: why FingerprintStore waits a
// group-commit window between writes. Writes as the writer thread does (index-writes.ts), in this thread.
// Run: npx tsx bench/provenance/index-batch.ts [outputs]   (default 2,000 outputs; 60 word + 190 loose hashes each)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBatch } from '../../gateway/provenance/index/lmdb/index-writes.js';
import { openIndexEnv } from '../../gateway/provenance/index/lmdb/lmdb-env.js';
import type { BackendOutput } from '../../gateway/provenance/index/index-backend.js';

const outputs = Number(process.argv[2] ?? 2_000);
const words = Uint32Array.from({ length: 60 }, (_, i) => (i * 2654435761) >>> 0).sort();
const loose = Uint32Array.from({ length: 190 }, (_, i) => (i * 2246822519 + 7) >>> 0).sort();
const encoded = Buffer.alloc(600);

function run(batchSize: number, repeated: boolean): { cpuUs: number; wallUs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'index-batch-'));
  const env = openIndexEnv(dir, false);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let doc = 0; doc < outputs; ) {
    const batch: BackendOutput[] = [];
    for (let k = 0; k < batchSize && doc < outputs; k++, doc++) {
      const ref = new Uint8Array(16);
      new DataView(ref.buffer).setUint32(0, doc);
      const mix = (h: number, m: number) => (repeated ? h : (h ^ Math.imul(doc + 1, m)) >>> 0);
      batch.push({ doc, ref, encoded, words: words.map((h) => mix(h, 40503)), loose: loose.map((h) => mix(h, 97531)) });
    }
    writeBatch(env, batch);
  }
  const used = process.cpuUsage(cpu);
  const wallUs = ((performance.now() - started) * 1000) / outputs;
  void env.env.close();
  rmSync(dir, { recursive: true, force: true });
  return { cpuUs: (used.user + used.system) / outputs, wallUs };
}

console.log(`| outputs per batch | served again: CPU µs/output | wall µs/output | unique: CPU µs/output | wall µs/output |`);
console.log('|---:|---:|---:|---:|---:|');
for (const size of [1, 8, 32, 128]) {
  const again = run(size, true);
  const unique = run(size, false);
  console.log(`| ${size} | ${again.cpuUs.toFixed(0)} | ${again.wallUs.toFixed(0)} | ${unique.cpuUs.toFixed(0)} | ${unique.wallUs.toFixed(0)} |`);
}
