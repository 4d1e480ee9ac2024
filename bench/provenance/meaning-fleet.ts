// The fleet's meaning rows (gateway/provenance/semantic/meaning-rows.ts) measured: synthetic restricted
// outputs (random unit vectors, `windows` per output) inserted by one replica in the gateway's batches of
// 16, then followed by a fresh replica into its local log and usearch graph, as meaning-follower.ts does.
// Prints inserts per second, rows (outputs) followed per second, and bytes per output in PostgreSQL.
// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG); uses a schema of its own and drops it.
// Run: npx tsx bench/provenance/meaning-fleet.ts [outputs] [windows]   (default 5,000 outputs of 8 windows)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DIMENSIONS } from '../../gateway/provenance/semantic/embedder.js';
import { MeaningFollower } from '../../gateway/provenance/semantic/meaning-follower.js';
import { MeaningRows } from '../../gateway/provenance/semantic/meaning-rows.js';
import { SemanticIndex } from '../../gateway/provenance/semantic/semantic-index.js';
import { SemanticLogWriter } from '../../gateway/provenance/semantic/semantic-log.js';
import { encodeOutput } from '../../gateway/provenance/semantic/semantic-record.js';
import { rngFrom } from './sotu-corpus.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const outputs = Number(process.argv[2] ?? 5_000);
const windows = Number(process.argv[3] ?? 8);
const BATCH = 16;
const schema = `tg_meaning_bench_${randomBytes(4).toString('hex')}`;
const rng = rngFrom(22);
const dir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-bench-'));

function unitVectors(count: number): Float32Array {
  const v = Float32Array.from({ length: count * DIMENSIONS }, () => rng() * 2 - 1);
  for (let w = 0; w < count; w++) {
    const row = v.subarray(w * DIMENSIONS, (w + 1) * DIMENSIONS);
    const norm = Math.hypot(...row);
    for (let d = 0; d < DIMENSIONS; d++) row[d] /= norm;
  }
  return v;
}

const encoded = Array.from({ length: outputs }, (_, i) => encodeOutput({ decisionId: `0190f2a4-${String(i).padStart(4, '0')}-7000-8000-000000000000`, licence: 'openai-terms', licenceClass: 'not-for-competing-models', time: Date.now(), vectors: unitVectors(windows), coarse: unitVectors(windows) }));
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
try {
  const writer = await MeaningRows.open(PG_URL, schema);
  let t0 = performance.now();
  for (let i = 0; i < outputs; i += BATCH) await writer.insert(encoded.slice(i, i + BATCH));
  const insertS = (performance.now() - t0) / 1000;
  await writer.close();

  const index = new SemanticIndex();
  const log = await SemanticLogWriter.open(join(dir, 'semantic.log'), 0, 0);
  let graphMs = 0;
  t0 = performance.now();
  const follower = await MeaningFollower.start(await MeaningRows.open(PG_URL, schema), join(dir, 'semantic.log.fleet-seq'), {
    // No retention cutoff is set here.
    retain: async () => undefined,
    async apply(batch, bytes) {
      const g = performance.now();
      for (const o of batch) index.add(o);
      graphMs += performance.now() - g;
      await log.append(bytes);
    },
  }, 60_000);
  const followS = (performance.now() - t0) / 1000;
  await follower.close();
  await log.close();

  const { rows } = await admin.query<{ total: string; payload: string }>(`SELECT pg_total_relation_size('${schema}.provenance_meaning') AS total, (SELECT avg(octet_length(output)) FROM ${schema}.provenance_meaning) AS payload`);
  console.log(`${outputs} outputs of ${windows} windows (${index.windows} windows followed)`);
  console.log(`insert (batches of ${BATCH}): ${Math.round(outputs / insertS)} outputs/s`);
  console.log(`follow into log + graph:    ${Math.round(outputs / followS)} rows/s (${Math.round((outputs * windows) / followS)} windows/s; ${Math.round((graphMs / 1000 / followS) * 100)} % of it adding to the usearch graph)`);
  console.log(`PostgreSQL: ${Math.round(Number(rows[0].payload))} bytes of record per output, ${Math.round(Number(rows[0].total) / outputs)} bytes per output with row, TOAST and index overhead (${Math.round(Number(rows[0].total) / outputs / windows)} per window)`);
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
