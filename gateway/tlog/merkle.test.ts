// Inclusion proofs must be consumed exactly: a proof with hashes appended after the root is reached is rejected,
// by the single verifier and by the cached one exports use.
import t from 'tap';
import { createHash } from 'node:crypto';
import { inclusionProof, leafHash, nodeHash, treeRoot, verifyInclusion, verifyInclusionCached, type HashReader } from './merkle.js';

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
