import t from 'tap';
import fc from 'fast-check';
import { decodeOutput, encodeOutput, timeOf } from './stored-output.js';
import { indexInSorted } from '../fingerprint.js';

const LICENCE_CLASSES = [null, 'yes', 'yes-with-duties', 'not-for-competing-models', 'never'];
const hashes = fc.uint32Array({ maxLength: 300 });
const stored = fc.record({
  ref: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  hashedRef: fc.boolean(),
  licence: fc.option(fc.string({ maxLength: 60 }), { nil: null }),
  licenceClass: fc.constantFrom(...LICENCE_CLASSES),
  trainable: fc.boolean(),
  originalId: fc.option(fc.string({ minLength: 1, maxLength: 60 }), { nil: null }),
  time: fc.double({ noNaN: true }),
  words: fc.record({ level: fc.integer({ min: 0, max: 20 }), hashes }),
  loose: fc.record({ level: fc.integer({ min: 0, max: 20 }), hashes }),
});

t.test('an output round-trips: facts as stored, hashes deduplicated and sorted', async (t) => {
  fc.assert(
    fc.property(stored, (s) => {
      const bytes = encodeOutput({ record: { ref: s.ref, hashedRef: s.hashedRef, licence: s.licence, licenceClass: s.licenceClass, trainable: s.trainable }, originalId: s.originalId, time: s.time, fingerprint: { words: s.words, loose: s.loose } });
      const facts = decodeOutput(bytes);
      if (!facts) return false;
      const sorted = (h: Uint32Array) => [...new Set(h)].sort((a, b) => a - b);
      t.same([...facts.record.ref], [...s.ref]);
      t.same(facts.record, { ref: facts.record.ref, hashedRef: s.hashedRef, licence: s.licence === null ? null : Buffer.from(Buffer.from(s.licence).subarray(0, 255)).toString(), licenceClass: s.licenceClass, trainable: s.trainable });
      t.equal(facts.time, s.time);
      t.equal(timeOf(bytes), s.time);
      t.same([...facts.words.hashes], sorted(s.words.hashes));
      t.same([...facts.loose.hashes], sorted(s.loose.hashes));
      t.equal(facts.words.level, s.words.level);
      t.equal(facts.loose.level, s.loose.level);
      for (const h of s.words.hashes) if (indexInSorted(facts.words.hashes, h) < 0) return false;
      return true;
    }),
    { numRuns: 200 },
  );
});

t.test('loose positions round-trip with their hashes: each hash keeps the first position given for it', async (t) => {
  const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 200 });
  fc.assert(
    fc.property(pairs, (ps) => {
      const loose = { level: 0, hashes: Uint32Array.from(ps, (p) => p[0]), at: Uint16Array.from(ps, (p) => p[1]) };
      const facts = decodeOutput(encodeOutput({ record: { ref: new Uint8Array(16), hashedRef: false, licence: null, licenceClass: null, trainable: false }, originalId: null, time: 0, fingerprint: { words: { level: 0, hashes: new Uint32Array(0) }, loose } }))!;
      const least = new Map<number, number>();
      for (const [h, at] of ps) least.set(h, Math.min(least.get(h) ?? Infinity, at));
      return facts.loose.at!.length === facts.loose.hashes.length && [...facts.loose.hashes].every((h, i) => facts.loose.at![i] === least.get(h));
    }),
    { numRuns: 200 },
  );
});

t.test('an output stored before positions were kept (version 1) still decodes, with none', async (t) => {
  const fingerprint = { words: { level: 0, hashes: Uint32Array.of(5, 1) }, loose: { level: 1, hashes: Uint32Array.of(9, 3, 7), at: Uint16Array.of(4, 2, 0) } };
  const v2 = encodeOutput({ record: { ref: new Uint8Array(16).fill(7), hashedRef: false, licence: 'openai-terms', licenceClass: null, trainable: false }, originalId: null, time: 12, fingerprint });
  const v1 = Buffer.from(v2.subarray(0, v2.length - 2 * 3));
  v1[0] = 1;
  const facts = decodeOutput(v1)!;
  t.same([...facts.loose.hashes], [3, 7, 9]);
  t.equal(facts.loose.at, undefined);
  t.same([...decodeOutput(v2)!.loose.at!], [2, 0, 4]);
  t.equal(decodeOutput(Buffer.concat([v1, Buffer.alloc(2)])), null, 'a version 1 output with bytes left over is not one');
});

t.test('indexInSorted answers as a set would', async (t) => {
  fc.assert(
    fc.property(hashes, fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 20 }), (hs, probes) => {
      const sorted = Uint32Array.from(new Set(hs)).sort();
      const set = new Set(hs);
      return [...probes, ...hs].every((p) => (indexInSorted(sorted, p) >= 0) === set.has(p));
    }),
  );
  t.pass();
});

t.test('bytes that are not a stored output decode to null, never throw', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => decodeOutput(bytes) === null || bytes[0] === 1));
  t.pass();
});
