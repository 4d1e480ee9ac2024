// docHits groups listings as a map of every listed output would, keeping those listed often enough,
// in the same order: claims and what a text touches do not change with the grouping.
import fc from 'fast-check';
import t from 'tap';
import { docHits, MAX_HELD } from './doc-hits.js';
import type { FingerprintIndex } from './fingerprint-index.js';

function indexOf(postings: Map<number, number[]>): FingerprintIndex {
  const unused = () => {
    throw new Error('not asked');
  };
  return {
    size: 0,
    docsWith(hash, out) {
      out.length = 0;
      out.push(...(postings.get(hash) ?? []));
      return out;
    },
    holds: unused,
    positionOf: unused,
    findRef: unused,
    record: unused,
    levelOf: unused,
    samplesOf: unused,
  };
}

/** The grouping as spans.ts and loose-claims.ts wrote it before: a map entry per listed output. */
function naive(index: FingerprintIndex, hashes: Uint32Array, asked: Uint8Array, minHits: number): Map<number, number[]> {
  const all = new Map<number, number[]>();
  for (let k = 0; k < hashes.length; k++) {
    if (!asked[k]) continue;
    for (const doc of index.docsWith(hashes[k], [])) (all.get(doc) ?? all.set(doc, []).get(doc)!).push(k);
  }
  return new Map([...all].filter(([, ks]) => ks.length >= minHits));
}

t.test('the same outputs, positions and order as one map entry per listed output', (t) => {
  const arb = fc.record({
    // Doc numbers dense (recent outputs) or spread over the whole u32 range, and lists up to a few hundred long.
    lists: fc.array(fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 2 })), { maxLength: 300 }), { maxLength: 40 }),
    text: fc.array(fc.integer({ min: 0, max: 45 }), { maxLength: 80 }),
    asked: fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
    minHits: fc.integer({ min: 1, max: 13 }),
  });
  fc.assert(
    fc.property(arb, ({ lists, text, asked, minHits }) => {
      const index = indexOf(new Map(lists.map((docs, hash) => [hash, docs])));
      const hashes = Uint32Array.from(text);
      const mask = Uint8Array.from(asked.slice(0, text.length), Number);
      const got = docHits(index, hashes, mask, minHits);
      const want = naive(index, hashes, mask, minHits);
      t.same([...got], [...want]);
      // Counted in two passes (the bound on listings held, made small): the same answer.
      t.same([...docHits(index, hashes, mask, minHits, 7)], [...want]);
    }),
    { numRuns: 500 },
  );
  t.end();
});

t.test('a text listing tens of thousands of outputs keeps only those listed often enough', (t) => {
  // 200 hashes, each listing 1,000 outputs, overlapping their neighbours; one other output listed thrice.
  const postings = new Map<number, number[]>();
  for (let h = 0; h < 200; h++) postings.set(h, Array.from({ length: 1000 }, (_, i) => h * 997 + i));
  postings.set(7, [...postings.get(7)!, 5_000_000]);
  postings.set(9, [...postings.get(9)!, 5_000_000]);
  postings.set(11, [...postings.get(11)!, 5_000_000]);
  const hashes = Uint32Array.from({ length: 200 }, (_, h) => h);
  const hits = docHits(indexOf(postings), hashes, new Uint8Array(200).fill(1), 3);
  t.same(hits.get(5_000_000), [7, 9, 11], 'an output listed by three hashes among 200,000 listings');
  t.same([...hits.keys()].filter((d) => hits.get(d)!.length < 3), [], 'none listed fewer times');
  t.end();
});

t.test('past MAX_HELD listings nothing is held per listing: a text of megabytes listing the same outputs at every position', (t) => {
  // 40,000 positions, each listing the same 1,024 outputs: 41 million listings, 164 MB held by the one-pass count.
  const docs = Array.from({ length: 1024 }, (_, i) => i * 7919);
  const index = indexOf(new Map(Array.from({ length: 40_000 }, (_, h) => [h, docs])));
  const hashes = Uint32Array.from({ length: 40_000 }, (_, h) => h);
  const asked = new Uint8Array(40_000).fill(1);
  const before = process.memoryUsage().arrayBuffers;
  const hits = docHits(index, hashes, asked, 3);
  t.ok(40_000 * 1024 > MAX_HELD, 'more listings than the bound');
  t.equal(hits.size, 1024);
  t.equal(hits.get(docs[5])!.length, 40_000, 'every position of a kept output');
  t.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, 'typed arrays held stay far under the 164 MB of listings');
  t.end();
});
