// Cross-checks the audit log's Merkle roots, inclusion and consistency proofs and its signed
// checkpoints against Go's golang.org/x/mod/sumdb/tlog and sumdb/note (gateway/tlog/tlogcheck).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { openCheckpoint } from '../gateway/tlog/checkpoint.js';
import { verifyConsistency, verifyInclusion, verifyInclusionCached } from '../gateway/tlog/merkle.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from './audit-fixtures.js';

const tlogDir = fileURLToPath(new URL('../gateway/tlog/tlogcheck', import.meta.url));

interface GoAnswer {
  roots: Record<string, string>;
  inclusion: string[][];
  consistency: string[][];
  noteVerified: boolean;
}

t.test('roots, proofs and checkpoints agree with golang.org/x/mod/sumdb/tlog', async (t) => {
  const keys = testKeys();
  const log = await FileAuditLog.open({ dataDir: tempDataDir('tlog'), audit: auditConfig(), keys });
  t.teardown(() => log.close());
  const n = 77;
  await Promise.all(Array.from({ length: n }, (_, i) => log.append(sampleRecord(i))));
  const cp = await log.checkpoint();

  const leaves: string[] = [];
  for (let i = 0; i < n; i++) leaves.push((await log.inclusionProof(i, n)).leafHash);
  const sizes = [1, 2, 3, 7, 8, 31, 32, 33, 64, 76, 77];
  const inclusion: [number, number][] = [[0, 1], [0, 2], [1, 2], [2, 3], [5, 8], [6, 7], [30, 33], [32, 33], [63, 64], [70, 77], [76, 77], [0, 77]];
  const consistency: [number, number][] = [[1, 2], [1, 77], [2, 3], [3, 7], [4, 8], [7, 8], [8, 77], [31, 33], [32, 64], [33, 77], [76, 77]];
  const go = JSON.parse(
    execFileSync('go', ['run', '.'], { cwd: tlogDir, input: JSON.stringify({ leaves, sizes, inclusion, consistency, note: cp.note, vkey: log.verifierKey }), encoding: 'utf8' }),
  ) as GoAnswer;

  for (const size of sizes) t.equal((await log.root(size)).toString('base64'), go.roots[size], `root of size ${size}`);
  t.equal(cp.root.toString('base64'), go.roots[77], 'checkpoint root');
  for (const [k, [index, size]] of inclusion.entries()) {
    const ours = await log.inclusionProof(index, size);
    t.same(ours.proof, go.inclusion[k], `inclusion proof of ${index} in ${size}`);
    const root = Buffer.from(go.roots[size] ?? ours.root, 'base64');
    t.ok(verifyInclusion(Buffer.from(ours.leafHash, 'base64'), index, size, go.inclusion[k].map((h) => Buffer.from(h, 'base64')), root), 'Go proof verifies with ours');
  }
  for (const [k, [from, to]] of consistency.entries()) {
    const ours = await log.consistencyProof(from, to);
    t.same(ours.proof, go.consistency[k], `consistency proof ${from} → ${to}`);
    const proof = go.consistency[k].map((h) => Buffer.from(h, 'base64'));
    t.ok(verifyConsistency(from, to, proof, Buffer.from(ours.fromRoot, 'base64'), Buffer.from(ours.toRoot, 'base64')), 'Go proof verifies with ours');
  }
  const bad = (await log.consistencyProof(3, 77)).proof.map((h) => Buffer.from(h, 'base64'));
  bad[0][0] ^= 1;
  t.notOk(verifyConsistency(3, 77, bad, await log.root(3), await log.root(77)), 'a damaged consistency proof fails');
  // The path-sharing verifier accepts every genuine proof and rejects altered ones with a warm cache.
  const proven = new Map<string, Buffer>();
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    const p = await log.inclusionProof(i, n);
    const proof = p.proof.map((h) => Buffer.from(h, 'base64'));
    if (verifyInclusionCached(Buffer.from(p.leafHash, 'base64'), i, n, proof, cp.root, proven)) accepted++;
    const badLeaf = Buffer.from(p.leafHash, 'base64');
    badLeaf[0] ^= 1;
    t.notOk(verifyInclusionCached(badLeaf, i, n, proof, cp.root, proven), `altered leaf ${i} rejected`);
    if (proof.length > 0) {
      const badProof = proof.map((h) => Buffer.from(h));
      badProof[0][5] ^= 1;
      t.notOk(verifyInclusionCached(Buffer.from(p.leafHash, 'base64'), i, n, badProof, cp.root, proven), `altered proof ${i} rejected`);
    }
  }
  t.equal(accepted, n, 'every genuine proof accepted');
  t.ok(go.noteVerified, 'Go sumdb/note verifies the signed checkpoint');
  t.equal(openCheckpoint(cp.note, log.verifierKey).size, 77);
  t.throws(() => openCheckpoint(cp.note.replace('\n77\n', '\n78\n'), log.verifierKey), /signature/);
});
