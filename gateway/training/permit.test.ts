// Batch permits: one signature per batch, every record proven into it; any change to a record's
// permit, proof or place refuses it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import { contentDigest } from '../core/canonical-json.js';
import type { TrainingExample } from '../core/contracts.js';
import { signingKeysFrom } from '../signing/keys.js';
import { recordIdOf, signPermits, verifyRecord, type FeedRecord } from './permit.js';

const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));

function records(n: number): FeedRecord[] {
  const examples = Array.from({ length: n }, (_, i) => ({ decision_id: `dec-${i}`, licence: 'mit', policy_revision: 'r1', completion: `answer ${i}` }) as unknown as TrainingExample);
  let signatures = 0;
  const permits = signPermits(
    examples.map((e) => ({ id: recordIdOf(e.decision_id), digest: contentDigest(e), policy_revision: e.policy_revision, licence: e.licence })),
    keys.keyId,
    (data) => (signatures++, keys.sign(data)),
  );
  if (signatures !== 1) throw new Error(`${signatures} signatures for one batch`);
  return examples.map((example, i) => ({ id: permits[i].id, seq: i + 1, example, permit: permits[i] }));
}

t.test('property: every record of a batch of any size verifies, with one signature for the batch', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 70 }), (n) => records(n).every((r) => verifyRecord(r, keys.keyId, keys.verify) === null)),
    { numRuns: 40 },
  );
  t.pass('verified');
});

t.test('property: a record given another index, another proof or another batch root is refused', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), (n, a, b) => {
      const rs = records(n);
      const [x, y] = [rs[a % n], rs[(a % n) + 1 === n ? 0 : (a % n) + 1]];
      const moved = { ...x, permit: { ...x.permit, batch: { ...x.permit.batch, index: y.permit.batch.index } } };
      const swapped = { ...x, permit: { ...x.permit, batch: { ...x.permit.batch, proof: y.permit.batch.proof } } };
      const other = records(n + 1 + (b % 3))[0];
      const rooted = { ...x, permit: { ...x.permit, batch: { ...other.permit.batch, index: x.permit.batch.index, proof: x.permit.batch.proof } } };
      return [moved, swapped, rooted].every((r) => verifyRecord(r, keys.keyId, keys.verify) !== null);
    }),
    { numRuns: 60 },
  );
  t.pass('refused');
});

t.test('an empty batch signs nothing', async (t) => {
  t.same(
    signPermits([], keys.keyId, () => {
      throw new Error('signed');
    }),
    [],
  );
});
