// Witness status of a checkpoint: cosignatures that verify count towards the quorum; a forged one fails.
import t from 'tap';
import { generateKeyPairSync, sign } from 'node:crypto';
import { signCheckpoint } from '../../tlog/checkpoint.js';
import { addSignatureLines, cosign, cosignerVerifierKey, type Cosigner } from '../../tlog/cosignature.js';
import { witnessStatus } from './status.js';

function witness(name: string): { cosigner: Cosigner; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyRaw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return { cosigner: { name, publicKeyRaw, sign: (m) => sign(null, m, privateKey) }, key: cosignerVerifierKey(name, publicKeyRaw) };
}

const log = witness('termsgate.test/audit');
const { note } = await signCheckpoint({ origin: 'termsgate.test/audit', size: 3, root: Buffer.alloc(32, 7), time: '2026-12-01T10:00:00Z' }, log.cosigner.publicKeyRaw, log.cosigner.sign);

t.test('quorum of two witnesses', async (t) => {
  const a = witness('witness-a.example');
  const b = witness('witness-b.example');
  const once = addSignatureLines(note, [await cosign(note, a.cosigner, 1764583200)]);
  t.same(witnessStatus(note, { keys: [a.key, b.key], quorum: 2 }), { ok: false, quorum: 2, of: 2, cosigned: [], error: null });
  t.match(witnessStatus(once, { keys: [a.key, b.key], quorum: 2 }), { ok: false, cosigned: ['witness-a.example'] });
  const twice = addSignatureLines(once, [await cosign(once, b.cosigner, 1764583201)]);
  t.match(witnessStatus(twice, { keys: [a.key, b.key], quorum: 2 }), { ok: true, cosigned: ['witness-a.example', 'witness-b.example'] });
  t.match(witnessStatus(twice, { keys: [a.key], quorum: 1 }), { ok: true, of: 1 }, 'cosignatures of unknown witnesses are ignored');
});

t.test('a cosignature that does not verify is a failure, not a missing witness', async (t) => {
  const a = witness('witness-a.example');
  const signed = addSignatureLines(note, [await cosign(note, a.cosigner, 1764583200)]);
  const lines = signed.split('\n');
  const i = lines.findIndex((l) => l.startsWith('\u2014 witness-a.example '));
  const sig = Buffer.from(lines[i].split(' ')[2], 'base64');
  sig[sig.length - 1] ^= 1;
  lines[i] = `\u2014 witness-a.example ${sig.toString('base64')}`;
  const r = witnessStatus(lines.join('\n'), { keys: [a.key], quorum: 1 });
  t.equal(r.ok, false);
  t.match(r.error, /invalid/);
});
