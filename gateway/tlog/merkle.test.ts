// Inclusion proofs must be consumed exactly: a proof with hashes appended after the root is reached is rejected,
// by the single verifier and by the cached one exports use.
import t from 'tap';
import { createHash } from 'node:crypto';
import { Frontier, inclusionProof, leafHash, nodeHash, RangeHasher, rangeSubtrees, treeRoot, verifyInclusion, verifyInclusionCached, type HashReader } from './merkle.js';

const leaves = Array.from({ length: 13 }, (_, i) => leafHash(Buffer.from(`record ${i}`)));
// A reader over an in-memory tree: level 0 is the leaves, each level above pairs the one below.
const levels: Buffer[][] = [leaves];
while (levels.at(-1)!.length > 1) {
  const below = levels.at(-1)!;
  const above: Buffer[] = [];
  for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i], below[i + 1]));
  levels.push(above);
}
const read: HashReader = (level, index) => levels[level][index];
const size = leaves.length;
const root = treeRoot(read, size);

t.test('every leaf verifies; trailing hashes, a wrong index or a wrong root do not', async (t) => {
  const junk = createHash('sha256').update('junk').digest();
  for (let i = 0; i < size; i++) {
    const proof = inclusionProof(read, i, size);
    t.ok(verifyInclusion(leaves[i], i, size, proof, root), `leaf ${i}`);
    t.ok(verifyInclusionCached(leaves[i], i, size, proof, root, new Map()), `leaf ${i} cached`);
    t.notOk(verifyInclusion(leaves[i], i, size, [...proof, junk], root), `leaf ${i} with a trailing hash`);
    t.notOk(verifyInclusion(leaves[i], (i + 1) % size, size, proof, root), `leaf ${i} at the wrong index`);
    t.notOk(verifyInclusion(leaves[i], i, size, proof, junk), `leaf ${i} against the wrong root`);
  }
});

t.test('any run of leaves, as aligned subtree hashes, recomputes the root with the leaves around it', async (t) => {
  for (let a = 0; a <= size; a++) {
    for (let b = a; b <= size; b++) {
      const run = new RangeHasher(a);
      for (let i = a; i < b; i++) run.append(leaves[i]);
      const parts = rangeSubtrees(a, b);
      t.equal(run.hashes().length, parts.length, `[${a}, ${b}) has ${parts.length} subtrees`);
      t.ok(parts.length <= 2 * Math.ceil(Math.log2(b - a + 1)) + 1);
      const f = new Frontier();
      for (let i = 0; i < a; i++) f.append(leaves[i]);
      parts.forEach((p, k) => f.appendSubtree(p.level, run.hashes()[k]));
      for (let i = b; i < size; i++) f.append(leaves[i]);
      t.equal(f.size, size);
      t.ok(f.root().equals(root), `leaves [${a}, ${b}) as subtrees`);
    }
  }
  const f = new Frontier();
  f.append(leaves[0]);
  t.throws(() => f.appendSubtree(1, leaves[1]), /cannot start at position 1/);
});

t.test('a hasher resumed from stored subtree hashes continues exactly as one that read every leaf', async (t) => {
  let checked = 0;
  for (let a = 0; a <= size; a++) {
    for (let m = a; m <= size; m++) {
      for (let b = m; b <= size; b++) {
        const full = new RangeHasher(a);
        for (let i = a; i < b; i++) full.append(leaves[i]);
        const resumed = RangeHasher.resume(a, m, rangeSubtrees(a, m).map(({ level, index }) => read(level, index)));
        for (let i = m; i < b; i++) resumed.append(leaves[i]);
        if (resumed.end !== b || !resumed.hashes().every((h, k) => h.equals(full.hashes()[k])) || resumed.hashes().length !== full.hashes().length) {
          t.fail(`[${a}, ${m}) resumed, then to ${b}`);
        }
        checked++;
      }
    }
  }
  t.pass(`${checked} splits agree`);
  t.throws(() => RangeHasher.resume(0, 3, [leaves[0]]), /has 2 subtrees, 1 hashes given/);
});
