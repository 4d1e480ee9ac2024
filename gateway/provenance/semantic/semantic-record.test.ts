// A restricted output's record: what is written is what is read back (vectors within the 8-bit
// quantisation), with or without coarse vectors, and a frame cut short or altered is never read.
import t from 'tap';
import fc from 'fast-check';
import { DIMENSIONS } from './embedder.js';
import { decodeOutput, encodeOutput, type SemanticOutput } from './semantic-record.js';

const unit = (windows: number, seed: number) => {
  const v = new Float32Array(windows * DIMENSIONS);
  for (let w = 0; w < windows; w++) {
    let norm = 0;
    for (let d = 0; d < DIMENSIONS; d++) norm += (v[w * DIMENSIONS + d] = Math.sin(seed * 31 + w * 7 + d * 0.37)) ** 2;
    for (let d = 0; d < DIMENSIONS; d++) v[w * DIMENSIONS + d] /= Math.sqrt(norm);
  }
  return v;
};
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));

const outputs = fc.record({
  decisionId: fc.string({ maxLength: 40 }),
  licence: fc.string({ maxLength: 20 }),
  licenceClass: fc.option(fc.string({ maxLength: 20 })),
  time: fc.option(fc.integer({ min: 0, max: 2 ** 47 })),
  windows: fc.integer({ min: 0, max: 5 }),
  seed: fc.integer({ min: 1, max: 1000 }),
  withCoarse: fc.boolean(),
});

t.test('decodeOutput reads back what encodeOutput wrote, coarse vectors or none', (t) => {
  fc.assert(
    fc.property(outputs, ({ windows, seed, withCoarse, ...header }) => {
      const written: SemanticOutput = { ...header, vectors: unit(windows, seed), coarse: withCoarse ? unit(windows, seed + 5000) : null };
      const frame = encodeOutput(written);
      const read = decodeOutput(frame, 0);
      if (!read || read.next !== frame.length) return false;
      const { output } = read;
      if (output.decisionId !== written.decisionId || output.licence !== written.licence || output.licenceClass !== written.licenceClass || output.time !== written.time) return false;
      if (output.vectors.length !== written.vectors.length || (output.coarse === null) !== (written.coarse === null)) return false;
      for (let w = 0; w < windows; w++) {
        const at = (v: Float32Array) => v.subarray(w * DIMENSIONS, (w + 1) * DIMENSIONS);
        if (cosine(at(output.vectors), at(written.vectors)) < 0.998) return false;
        if (written.coarse && cosine(at(output.coarse!), at(written.coarse)) < 0.998) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.end();
});

t.test('a frame cut short or with one byte changed is not read', (t) => {
  fc.assert(
    fc.property(outputs, fc.nat(), ({ windows, seed, withCoarse, ...header }, at) => {
      const frame = encodeOutput({ ...header, vectors: unit(windows, seed), coarse: withCoarse ? unit(windows, seed + 1) : null });
      const cut = at % frame.length;
      if (decodeOutput(frame.subarray(0, cut), 0) !== null) return false;
      const changed = Buffer.from(frame);
      changed[cut] ^= 0x5a;
      return decodeOutput(changed, 0) === null;
    }),
    { numRuns: 300 },
  );
  t.end();
});

t.test('one coarse vector per window, or none', (t) => {
  t.throws(() => encodeOutput({ decisionId: 'd', licence: 'l', licenceClass: null, time: 1, vectors: unit(2, 1), coarse: unit(1, 2) }), /one coarse vector per window/);
  t.end();
});
