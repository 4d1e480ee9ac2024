// Cosignatures interoperate byte for byte with the Go implementation of C2SP tlog-cosignature
// (github.com/transparency-dev/formats/note, with golang.org/x/mod/sumdb/note), via
// gateway/tlog/tlogcheck: Go verifies ours, and ours verifies Go's.
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { addSignatureLines, cosign, cosignerVerifierKey, noteSignatureLines, verifyCosignatures, type Cosigner } from '../gateway/tlog/cosignature.js';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { publicKeyRawBytes } from '../gateway/signing/keys.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from './audit-fixtures.js';

const tlogDir = fileURLToPath(new URL('../gateway/tlog/tlogcheck', import.meta.url));
const go = (req: object) => JSON.parse(execFileSync('go', ['run', '.'], { cwd: tlogDir, input: JSON.stringify(req), encoding: 'utf8' })) as { cosignedBy: string[] | null; cosigned: string };

function newCosigner(name: string): Cosigner & { seed: Buffer } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  return { name, publicKeyRaw: publicKeyRawBytes(createPublicKey(privateKey)), sign: (m) => sign(null, m, privateKey), seed };
}

t.test('Go verifies our cosignatures, and we verify Go\'s', async (t) => {
  const log = await FileAuditLog.open({ dataDir: tempDataDir('interop'), audit: auditConfig(), keys: testKeys() });
  t.teardown(() => log.close());
  for (let i = 0; i < 13; i++) await log.append(sampleRecord(i));
  const cp = await log.checkpoint();
  const w1 = newCosigner('witness.example/w1');
  const w2 = newCosigner('witness.example/w2');
  const vkeys = [w1, w2].map((w) => cosignerVerifierKey(w.name, w.publicKeyRaw));

  const ours = addSignatureLines(cp.note, [await cosign(cp.note, w1, 1_700_000_000), await cosign(cp.note, w2, Math.floor(Date.now() / 1000))]);
  const checked = go({ cosignedNote: ours, vkey: log.verifierKey, witnessKeys: vkeys });
  t.same(checked.cosignedBy, [log.origin, 'witness.example/w1', 'witness.example/w2'], 'Go accepts the log signature and both cosignatures');

  // A key in signed-note skey form, type 0x04 (the formats package does not check the skey's hash field).
  const skey = `PRIVATE+KEY+${w2.name}+${vkeys[1].split('+')[1]}+${Buffer.concat([Buffer.from([0x04]), w2.seed]).toString('base64')}`;
  const byGo = go({ note: cp.note, vkey: log.verifierKey, cosignerSkey: skey }).cosigned;
  const goLine = noteSignatureLines(byGo).at(-1)!;
  const ourLine = noteSignatureLines(ours).at(-1)!;
  t.equal(Buffer.from(goLine.split(' ')[2], 'base64').subarray(0, 4).toString('hex'), Buffer.from(ourLine.split(' ')[2], 'base64').subarray(0, 4).toString('hex'), 'the same key ID');
  const ts = Buffer.from(goLine.split(' ')[2], 'base64').readBigUInt64BE(4);
  t.ok(Math.abs(Number(ts) - Date.now() / 1000) < 600, 'Go put the current time in the timestamp');
  t.same(verifyCosignatures(addSignatureLines(cp.note, [goLine]), vkeys).map((c) => c.name), ['witness.example/w2'], 'we accept Go\'s cosignature');
  // The same signature over another body does not verify.
  const moved = addSignatureLines(cp.note.replace(/\n13\n/, '\n12\n'), [goLine]);
  t.throws(() => verifyCosignatures(moved, vkeys), /cosignature of witness.example\/w2 is invalid/);
});
