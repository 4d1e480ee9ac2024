// The meaning graph forgets what retention names: the windows leave the search, and their vectors leave
// the graph's memory and the files it is saved to (usearch keeps a removed vector in its slot until the
// slot is reused, so forgetBefore writes random vectors over them), the coarse graph's as the model's.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIMENSIONS } from './embedder.js';
import { SemanticIndex } from './semantic-index.js';

function randomVectors(windows: number, seed: number): Float32Array {
  let s = seed;
  const v = new Float32Array(windows * DIMENSIONS);
  for (let i = 0; i < v.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
  return v;
}

/** IEEE half precision, rounded to nearest: how usearch stores each component (ScalarKind.F16). */
function half(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exponent = ((u >>> 23) & 0xff) - 127 + 15;
  const mantissa = u & 0x7fffff;
  if (exponent <= 0) return sign;
  return (sign | (exponent << 10) | (mantissa >>> 13)) + (mantissa & 0x1000 ? 1 : 0);
}

/** Whether the file holds a window's first eight components as half floats: a trace of the vector. */
function holds(file: Buffer, vectors: Float32Array, window: number): boolean {
  const needle = Buffer.alloc(16);
  for (let d = 0; d < 8; d++) needle.writeUInt16LE(half(vectors[window * DIMENSIONS + d]), d * 2);
  return file.includes(needle);
}

t.test('forgetBefore: old outputs leave the search, the count and the saved graph; the rest keep their numbers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-index-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const index = new SemanticIndex();
  const day = 86_400_000;
  const outputs = Array.from({ length: 12 }, (_, i) => ({ decisionId: `d${i}`, licence: 'openai-terms', licenceClass: null, time: i < 6 ? 10 * day + i : 20 * day + i, vectors: randomVectors(4, i + 1), coarse: randomVectors(4, 500 + i) }));
  outputs.push({ decisionId: 'd-unknown-time', licence: 'openai-terms', licenceClass: null, time: null as unknown as number, vectors: randomVectors(4, 99), coarse: randomVectors(4, 599) });
  for (const o of outputs) index.add(o);
  index.saveSnapshot(join(dir, 'before.usearch'), 0);
  const before = readFileSync(join(dir, 'before.usearch'));
  t.ok(holds(before, outputs[0].vectors, 0), 'the probe finds a vector in a saved graph');
  t.ok(holds(readFileSync(join(dir, 'before.usearch.coarse')), outputs[0].coarse, 0), 'and a coarse vector in the saved coarse graph');

  t.equal(index.forgetBefore(15 * day), 6);
  t.equal(index.outputs, 7);
  t.equal(index.windows, 28);
  // Searching with an old output's own vectors finds only kept outputs now.
  for (const o of outputs.slice(0, 6)) for (const n of index.nearest(o.vectors)) t.not(n?.decisionId, o.decisionId);
  // Kept outputs are still found under their own decision: the keys did not shift.
  for (const o of outputs.slice(6)) t.same(index.nearest(o.vectors).map((n) => n?.decisionId), [o.decisionId, o.decisionId, o.decisionId, o.decisionId]);

  t.throws(() => index.saveSnapshot(join(dir, 'after.usearch'), 0), /still holds forgotten vectors/, 'not saved before the freed slots are refilled');
  t.equal(index.refill(5), 19);
  t.equal(index.refill(Infinity), 0);
  index.saveSnapshot(join(dir, 'after.usearch'), 0);
  const after = readFileSync(join(dir, 'after.usearch'));
  const afterCoarse = readFileSync(join(dir, 'after.usearch.coarse'));
  for (const o of outputs.slice(0, 6)) for (let w = 0; w < 4; w++) t.notOk(holds(after, o.vectors, w) || holds(afterCoarse, o.coarse, w), `${o.decisionId} window ${w} is gone from both saved graphs`);
  for (const o of outputs.slice(6)) t.ok(holds(after, o.vectors, 0) && holds(afterCoarse, o.coarse, 0), `${o.decisionId} is kept`);
  // The coarse graph forgot them too: an old output's own coarse vectors are far from everything kept.
  for (const o of outputs.slice(0, 6)) for (const s of index.nearestCoarse(o.coarse)) t.ok(s < 0.5, `${o.decisionId}: coarse similarity ${s.toFixed(2)} once forgotten`);
  for (const o of outputs.slice(6)) t.same([...index.nearestCoarse(o.coarse)].map((s) => Math.round(s * 100) / 100), [1, 1, 1, 1], `${o.decisionId}: its coarse vectors are still found`);
  t.equal(index.forgetBefore(15 * day), 0, 'forgetting again finds nothing more');

  // A second purge: its own slots are refilled, not those the first one refilled.
  t.equal(index.forgetBefore(25 * day), 6);
  index.refill(Infinity);
  index.saveSnapshot(join(dir, 'later.usearch'), 0);
  const later = readFileSync(join(dir, 'later.usearch'));
  const laterCoarse = readFileSync(join(dir, 'later.usearch.coarse'));
  for (const o of outputs.slice(0, 12)) for (let w = 0; w < 4; w++) t.notOk(holds(later, o.vectors, w) || holds(laterCoarse, o.coarse, w), `${o.decisionId} window ${w} is gone after the second purge`);
  t.same(index.nearest(outputs[12].vectors).map((n) => n?.decisionId), Array(4).fill('d-unknown-time'), 'an output whose time is not known is kept');
});

t.test('windows added while a purge is refilled fill the oldest freed slots; the refill fills the rest', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-index-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const index = new SemanticIndex();
  const old = Array.from({ length: 5 }, (_, i) => ({ decisionId: `old${i}`, licence: 'openai-terms', licenceClass: null, time: i, vectors: randomVectors(3, 70 + i), coarse: randomVectors(3, 170 + i) }));
  old.forEach((o) => index.add(o));
  t.equal(index.forgetBefore(10), 5);
  t.equal(index.unfilled, 15);
  const fresh = Array.from({ length: 3 }, (_, i) => ({ decisionId: `new${i}`, licence: 'openai-terms', licenceClass: null, time: 20 + i, vectors: randomVectors(2, 90 + i), coarse: randomVectors(2, 190 + i) }));
  fresh.forEach((o) => index.add(o));
  t.equal(index.unfilled, 9, 'six freed slots taken by the new windows');
  index.refill(Infinity);
  index.saveSnapshot(join(dir, 'graph.usearch'), 0);
  const file = readFileSync(join(dir, 'graph.usearch'));
  const coarseFile = readFileSync(join(dir, 'graph.usearch.coarse'));
  for (const o of old) for (let w = 0; w < 3; w++) t.notOk(holds(file, o.vectors, w) || holds(coarseFile, o.coarse, w), `${o.decisionId} window ${w} is gone`);
  for (const o of fresh) t.same(index.nearest(o.vectors).map((n) => n?.decisionId), [o.decisionId, o.decisionId]);
});

t.test('the coarse graph rules windows out only while every output held has coarse vectors', async (t) => {
  const index = new SemanticIndex();
  t.same([...index.nearestCoarse(randomVectors(1, 1))], [-1], 'an empty graph is near nothing');
  index.add({ decisionId: 'with', licence: 'openai-terms', licenceClass: null, time: 100, vectors: randomVectors(2, 1), coarse: randomVectors(2, 2) });
  t.ok(index.coarseComplete);
  // A record written before coarse vectors were kept: its windows are in the coarse graph as noise, so it cannot rule out a rewording of it.
  index.add({ decisionId: 'older', licence: 'openai-terms', licenceClass: null, time: 1, vectors: randomVectors(3, 3), coarse: null });
  t.notOk(index.coarseComplete, 'one output without coarse vectors turns the filter off');
  t.ok(index.nearestCoarse(randomVectors(1, 3))[0] < 0.5, 'its model vectors are not in the coarse graph');
  t.equal(index.forgetBefore(50), 1);
  t.ok(index.coarseComplete, 'once retention forgets it, the filter is on again');
  t.equal(Math.round(index.nearestCoarse(randomVectors(2, 2))[1] * 100) / 100, 1);
});
