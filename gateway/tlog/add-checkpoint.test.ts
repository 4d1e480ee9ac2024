// Properties of the witness's add-checkpoint parsing and decision, and of proof-length checking.
import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import { signCheckpoint, verifierKey } from './checkpoint.js';
import { consistencyProof, Frontier, inclusionProof, inclusionProofLength, leafHash, treeRoot, verifyInclusion, type HashReader, type StoredNode } from './merkle.js';
import { publicKeyRawBytes } from '../signing/keys.js';
import { decideAddCheckpoint, encodeAddCheckpoint, MAX_PROOF_LINES, parseAddCheckpoint } from './add-checkpoint.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const pub = publicKeyRawBytes(publicKey);
const ORIGIN = 'prop.test/log';
const logKeys = new Map([[ORIGIN, [verifierKey(ORIGIN, pub)]]]);

function tree(leaves: string[]): HashReader {
  const nodes = new Map<string, Buffer>();
  const f = new Frontier();
  for (const l of leaves) for (const n of f.append(leafHash(Buffer.from(l))) as StoredNode[]) nodes.set(`${n.level}:${n.index}`, n.hash);
  return (level, index) => nodes.get(`${level}:${index}`)!;
}

const note = async (read: HashReader, size: number) =>
  (await signCheckpoint({ origin: ORIGIN, size, root: treeRoot(read, size), time: '2026-12-01T00:00:00.000Z' }, pub, (d) => sign(null, d, privateKey))).note;

t.test('requests round-trip and arbitrary bodies never throw', async (t) => {
  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a));
  fc.assert(
    fc.property(fc.nat(), fc.array(hash, { maxLength: MAX_PROOF_LINES }), fc.string(), (oldSize, proof, text) => {
      const parsed = parseAddCheckpoint(encodeAddCheckpoint({ oldSize, proof, note: text }));
      return typeof parsed !== 'string' && parsed.oldSize === oldSize && parsed.note === text && parsed.proof.every((p, i) => p.equals(proof[i]));
    }),
  );
  fc.assert(fc.property(fc.string(), (body) => ['string', 'object'].includes(typeof parseAddCheckpoint(body))));
  t.equal(parseAddCheckpoint(encodeAddCheckpoint({ oldSize: 1, proof: Array.from({ length: 64 }, () => Buffer.alloc(32)), note: 'x' })), `more than ${MAX_PROOF_LINES} consistency proof lines`);
});

t.test('an honest extension is cosigned; a tree differing below the old size never is', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.nat(), async (m, extra, flip) => {
      const n = m + extra;
      const leaves = Array.from({ length: n }, (_, i) => `leaf ${i}`);
      const honest = tree(leaves);
      const latest = { origin: ORIGIN, size: m, root: treeRoot(honest, m), time: '' };
      const ok = decideAddCheckpoint({ oldSize: m, proof: consistencyProof(honest, m, n), note: await note(honest, n) }, logKeys, latest);
      if (ok.status !== 200) return false;
      const forked = tree(leaves.map((l, i) => (i === flip % m ? `${l} (rewritten)` : l)));
      const bad = decideAddCheckpoint({ oldSize: m, proof: consistencyProof(forked, m, n), note: await note(forked, n) }, logKeys, latest);
      return bad.status === (n === m ? 409 : 422);
    }),
    { numRuns: 60 },
  );
});

t.test('a rollback or a stale old size gets 409 with the cosigned size', async (t) => {
  const read = tree(Array.from({ length: 20 }, (_, i) => `leaf ${i}`));
  const latest = { origin: ORIGIN, size: 20, root: treeRoot(read, 20), time: '' };
  const back = decideAddCheckpoint({ oldSize: 0, proof: [], note: await note(read, 10) }, logKeys, latest);
  t.same(back, { status: 409, message: '20\n', contentType: 'text/x.tlog.size' });
  t.equal(decideAddCheckpoint({ oldSize: 20, proof: [], note: await note(read, 10) }, logKeys, latest).status, 400, 'old size above the checkpoint');
});

t.test('inclusion proofs have exactly the RFC 9162 length; one hash short never verifies', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, i) => {
      const index = i % size;
      const read = tree(Array.from({ length: size }, (_, k) => `leaf ${k}`));
      const proof = inclusionProof(read, index, size);
      const lh = leafHash(Buffer.from(`leaf ${index}`));
      return proof.length === inclusionProofLength(index, size) && verifyInclusion(lh, index, size, proof, treeRoot(read, size)) && (proof.length === 0 || !verifyInclusion(lh, index, size, proof.slice(0, -1), treeRoot(read, size)));
    }),
    { numRuns: 80 },
  );
});
