// What admission's window across calls costs a fleet (gateway/training/pg-window.ts): the PostgreSQL
// round trips a training-data record adds (reading its context, keeping its document and evidence), in
// ms at p50 and p90, beside the memory window's, over many records of a few keys touching a few outputs.
// Run: npx tsx bench/provenance/pg-window-cost.ts [records]   (needs the PostgreSQL of scripts/setup-services.sh)
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openPgWindow } from '../../gateway/training/pg-window.js';
import { RecentWindows, type AdmissionWindow } from '../../gateway/training/recent-window.js';

const url = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const records = Number(process.argv[2] ?? 2000);
const schema = 'tg_window_bench_' + randomBytes(4).toString('hex');
const admin = new pg.Pool({ connectionString: url, max: 1 });
await admin.query(`CREATE SCHEMA ${schema}`);
const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });

const doc = (i: number) => `record ${i}: ` + 'words of an ordinary prompt '.repeat(8);
async function measure(window: AdmissionWindow): Promise<{ context: number[]; add: number[] }> {
  const context: number[] = [];
  const add: number[] = [];
  for (let i = 0; i < records; i++) {
    const scope = { keyId: `k${i % 20}`, project: `p${i % 5}`, team: `t${i % 3}` };
    const touched = i % 4 === 0 ? [`d${i % 50}`] : [];
    let t0 = performance.now();
    await window.context(scope, touched);
    context.push(performance.now() - t0);
    t0 = performance.now();
    await window.add(scope, doc(i), { touched, text: doc(i).slice(0, 60) });
    add.push(performance.now() - t0);
  }
  return { context, add };
}
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))].toFixed(3);
for (const [name, window] of [['memory', new RecentWindows()], ['postgres', await openPgWindow(pool)]] as const) {
  const { context, add } = await measure(window);
  process.stdout.write(`${name}: context p50 ${q(context, 0.5)} ms, p90 ${q(context, 0.9)} ms; add p50 ${q(add, 0.5)} ms, p90 ${q(add, 0.9)} ms (${records} records)\n`);
}
await pool.end();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
