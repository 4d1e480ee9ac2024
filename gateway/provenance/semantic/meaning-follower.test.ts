// The follower's reading of rows, as a property: whatever bytes the table holds, only intact records reach
// the log (each row whole, in order), and the first row that is not one stops following before it
// (fail closed), with the mark naming the last row applied. The rows come from an in-memory table here;
// meaning-fleet.test.ts follows the real PostgreSQL one.
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIMENSIONS } from './embedder.js';
import { MeaningFollower } from './meaning-follower.js';
import type { MeaningRow, MeaningRows } from './meaning-rows.js';
import { decodeOutput, encodeOutput } from './semantic-record.js';

const record = fc
  .record({ decisionId: fc.string(), windows: fc.integer({ min: 0, max: 3 }), seed: fc.float({ min: -1, max: 1, noNaN: true }) })
  .map(({ decisionId, windows, seed }) => encodeOutput({ decisionId, licence: 'openai-terms', licenceClass: null, time: null, vectors: Float32Array.from({ length: windows * DIMENSIONS }, (_, i) => Math.sin(seed + i)), coarse: Float32Array.from({ length: windows * DIMENSIONS }, (_, i) => Math.cos(seed + i)) }));
const broken = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  record.map((r) => Buffer.concat([r, Buffer.from([0])])),
  record.map((r) => r.subarray(0, r.length - 1)),
);

function table(outputs: Buffer[]): MeaningRows {
  const rows: MeaningRow[] = outputs.map((output, i) => ({ seq: i + 1, output }));
  return { after: async (seq: number, limit: number) => rows.filter((r) => r.seq > seq).slice(0, limit), cutoff: async () => 0, standingGap: async () => null, close: async () => undefined } as unknown as MeaningRows;
}

t.test('only intact rows reach the log, and the first that is not one stops following', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof({ arbitrary: record, weight: 4 }, { arbitrary: broken, weight: 1 }), { maxLength: 40 }), async (outputs) => {
      const dir = mkdtempSync(join(tmpdir(), 'termsgate-follower-'));
      try {
        const firstBroken = outputs.findIndex((o) => decodeOutput(o, 0)?.next !== o.length);
        const intact = firstBroken === -1 ? outputs : outputs.slice(0, firstBroken);
        const logged: Buffer[] = [];
        let added = 0;
        const target = {
          async apply(batch: unknown[], bytes: Buffer) {
            added += batch.length;
            logged.push(bytes);
          },
          retain: async () => t.fail('no retention cutoff was set'),
        };
        const started = MeaningFollower.start(table(outputs), join(dir, 'mark'), target, 60_000);
        if (firstBroken === -1) await (await started).close();
        else await t.rejects(started, new RegExp(`row ${firstBroken + 1} of provenance_meaning is not an intact meaning record`));
        t.same(Buffer.concat(logged), Buffer.concat(intact), 'the intact rows, whole and in order, and nothing after a broken one');
        t.equal(added, intact.length);
        if (intact.length > 0) t.equal(JSON.parse(readFileSync(join(dir, 'mark'), 'utf8')).seq, intact.length);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 60 },
  );
});
