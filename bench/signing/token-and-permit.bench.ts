// CPU per call of the provenance token and per record of the feed permit, before (an Ed25519 signature
// each) and after (an HMAC per token; one Ed25519 signature per feed batch over a Merkle root). CPU time
// of the whole process (libuv's pool included), so an asynchronous signature is not hidden in a thread.
// Run: npx tsx bench/signing/token-and-permit.bench.ts
import { generateKeyPairSync, randomBytes, sign as edSign } from 'node:crypto';
import { contentDigest } from '../../gateway/core/canonical-json.js';
import { signingKeysFrom } from '../../gateway/signing/keys.js';
import { ProvenanceTokens, type ProvenanceClaims } from '../../gateway/signing/provenance-token.js';
import { tokenMacKeyFrom } from '../../gateway/signing/token-key.js';
import { permitMessage, recordIdOf, signPermits, type PermitFields } from '../../gateway/training/permit.js';

const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));
const claims = (i: number): ProvenanceClaims => ({ decision_id: `0190a3b1-0000-7000-8000-${String(i).padStart(12, '0')}`, licence: 'llama-3.1-8b-instruct', trainable: true, policy_revision: '33564870b84b8386', iat: 1_764_800_000 + i });

/** The token as it was signed before: a compact EdDSA JWS, the signature in libuv's pool. The baseline, kept here only to measure against. */
const edHeader = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'termsgate-provenance+jwt', kid: keys.keyId })).toString('base64url');
function edToken(c: ProvenanceClaims): Promise<string> {
  const input = edHeader + '.' + Buffer.from(JSON.stringify(c)).toString('base64url');
  return new Promise((resolve, reject) => edSign(null, Buffer.from(input), keys.privateKey, (err, sig) => (err ? reject(err) : resolve(input + '.' + sig.toString('base64url')))));
}

/** `per` items done by each run (a batch's records). */
async function cpuPer(label: string, n: number, unit: string, run: (i: number) => unknown, per = 1): Promise<void> {
  for (let i = 0; i < Math.min(n, 2000); i++) await run(i);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / (n * per);
  const c = process.cpuUsage(c0);
  console.log(`${label.padEnd(58)} ${((c.user + c.system) / (n * per)).toFixed(2).padStart(7)} µs CPU per ${unit} (wall ${wall.toFixed(2)} µs, n=${n * per})`);
}

const tokens = new ProvenanceTokens(tokenMacKeyFrom(randomBytes(32)));
const N = 20_000;
console.log('provenance token (x-termsgate-provenance), per call:');
await cpuPer('  before: Ed25519 JWS (EdDSA), signed in the thread pool', N, 'call', (i) => edToken(claims(i)));
await cpuPer('  after: HMAC-SHA256 JWS (HS256), with its SHA-256 digest', N, 'call', (i) => tokens.sign(claims(i)));

const fields: PermitFields[] = Array.from({ length: 4096 }, (_, i) => {
  const example = { decision_id: `dec-${i}`, licence: 'llama-3.1-8b-instruct', policy_revision: 'r1', completion: `answer ${i}` };
  return { id: recordIdOf(example.decision_id), digest: contentDigest(example), policy_revision: example.policy_revision, licence: example.licence };
});
console.log('training-feed permit, per record (the example\'s canonical JSON and digest excluded: unchanged):');
await cpuPer('  before: an Ed25519 signature per record', N, 'record', (i) => keys.sign(permitMessage(fields[i % fields.length])));
for (const size of [1, 16, 256]) {
  const batches = Math.max(200, Math.floor(N / size));
  let at = 0;
  await cpuPer(
    `  after: Merkle tree + one signature per batch of ${size}`,
    batches,
    'record',
    () => {
      at = (at + size) % (fields.length - size);
      return signPermits(fields.slice(at, at + size), keys.keyId, keys.sign);
    },
    size,
  );
}
