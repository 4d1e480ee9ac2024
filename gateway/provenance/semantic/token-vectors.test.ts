// Coarse vectors: a bag of tokens (order free), punctuation and special tokens left out, always a unit
// vector; the table is built once from the model, centred, and read back from its cache.
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coarseVector, loadTokenVectors, type TokenVectors } from './token-vectors.js';

const DIMS = 8;
const vocab: Record<string, number> = { '[PAD]': 0, '[CLS]': 1, '[SEP]': 2, '.': 3, ',': 4, the: 5, ship: 6, rock: 7, '##s': 8, you: 9, light: 10, '!?': 11 };
const ids = Object.values(vocab);
/** A stand-in for the model: each row's vector from its middle token, deterministic. */
const run = async (rows: number[][]) => {
  const out = new Float32Array(rows.length * DIMS);
  rows.forEach((row, i) => {
    for (let d = 0; d < DIMS; d++) out[i * DIMS + d] = Math.sin(row[1] * 7 + d * 3) + 0.5;
  });
  return out;
};
const encode = (text: string) => text.split(/\s+/).map((w) => (Object.hasOwn(vocab, w.toLowerCase()) ? vocab[w.toLowerCase()] : 0));

t.test('coarseVector: a unit vector of the bag of word tokens, whatever their order; punctuation and special tokens count for nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-token-vectors-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const table = await loadTokenVectors(dir, vocab, encode, run, DIMS);
  const words = [5, 6, 7, 8, 9, 10];
  const skipped = [0, 1, 2, 3, 4, 11];
  const vector = (list: number[]) => {
    const out = new Float32Array(DIMS);
    coarseVector(table, list, out);
    return out;
  };
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...ids), { maxLength: 40 }), fc.array(fc.constantFrom(...skipped), { maxLength: 10 }), (list, extra) => {
      const v = vector(list);
      t.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5, 'a unit vector');
      const same = (a: Float32Array, b: Float32Array) => a.every((x, d) => Math.abs(x - b[d]) < 1e-5);
      return same(v, vector([...list].reverse())) && same(v, vector([...extra, ...list, ...extra]));
    }),
    { numRuns: 300 },
  );
  t.same([...vector([3, 4, 1, 2])], [1, 0, 0, 0, 0, 0, 0, 0], 'no word token: one fixed axis');
  t.notSame([...vector(words.slice(0, 2))], [...vector([5, 7])], 'different words, different vectors');
});

t.test('the table is centred on the mean English token, cached beside the model, and rebuilt when the cache is not whole', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-token-vectors-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let runs = 0;
  const counting = async (rows: number[][]) => {
    runs++;
    return run(rows);
  };
  const built: TokenVectors = await loadTokenVectors(dir, vocab, encode, counting, DIMS);
  t.equal(runs, 1, 'built with the model');
  const raw = await run([[1, 5, 2]]);
  t.notSame([...built.vectors.subarray(5 * DIMS, 6 * DIMS)], [...raw], 'a token vector is moved by the centre');
  const file = join(dir, 'token-vectors-v1.f32');
  t.equal(statSync(file).size, 12 * DIMS * 4);
  const cached = await loadTokenVectors(dir, vocab, encode, counting, DIMS);
  t.equal(runs, 1, 'read from the cache, no model run');
  t.same([...cached.vectors], [...built.vectors]);
  writeFileSync(file, Buffer.alloc(10));
  await loadTokenVectors(dir, vocab, encode, counting, DIMS);
  t.equal(runs, 2, 'a cache of the wrong size is built again');
  t.same([...built.skip], [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1], 'special tokens and punctuation are skipped');
  const broken = new Float32Array(12 * DIMS);
  broken[17] = NaN;
  writeFileSync(file, broken);
  await t.rejects(loadTokenVectors(dir, vocab, encode, counting, DIMS), /not a number/, 'a table holding NaN is refused, not used to rule windows out');
});
