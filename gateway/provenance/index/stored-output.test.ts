import t from 'tap';
import fc from 'fast-check';
import { decodeOutput, encodeOutput, holdsSorted, timeOf } from './stored-output.js';

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
      for (const h of s.words.hashes) if (!holdsSorted(facts.words.hashes, h)) return false;
      return true;
    }),
    { numRuns: 200 },
  );
});

t.test('holdsSorted answers as a set would', async (t) => {
  fc.assert(
    fc.property(hashes, fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 20 }), (hs, probes) => {
      const sorted = Uint32Array.from(new Set(hs)).sort();
      const set = new Set(hs);
      return [...probes, ...hs].every((p) => holdsSorted(sorted, p) === set.has(p));
    }),
  );
  t.pass();
});

t.test('bytes that are not a stored output decode to null, never throw', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => decodeOutput(bytes) === null || bytes[0] === 1));
  t.pass();
});
