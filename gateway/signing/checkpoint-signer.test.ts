// The checkpoint key is loaded from outside the data directory (file or environment), never from inside it.
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadCheckpointSigner } from './checkpoint-signer.js';

const root = mkdtempSync(join(tmpdir(), 'termsgate-signer-'));
const dataDir = join(root, 'data');
mkdirSync(join(dataDir, 'keys'), { recursive: true });
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const outside = join(root, 'checkpoint.pem');
writeFileSync(outside, pem);

t.test('a key file outside the data directory signs', async (t) => {
  const s = loadCheckpointSigner({ file: outside }, dataDir);
  const sig = await s.sign(Buffer.from('body'));
  t.ok(verify(null, Buffer.from('body'), publicKey, sig));
  t.equal(s.publicKeyRaw.length, 32);
});

t.test('a key file inside the data directory is refused, also through a symlink or ..', async (t) => {
  const inside = join(dataDir, 'keys', 'checkpoint.pem');
  writeFileSync(inside, pem);
  t.throws(() => loadCheckpointSigner({ file: inside }, dataDir), /inside the data directory/);
  t.throws(() => loadCheckpointSigner({ file: join(root, 'x', '..', 'data', 'keys', 'checkpoint.pem') }, dataDir), /inside the data directory/);
  const link = join(root, 'link.pem');
  symlinkSync(inside, link);
  t.throws(() => loadCheckpointSigner({ file: link }, dataDir), /inside the data directory/);
});

t.test('an environment variable holds the PEM or its base64; unset or non-Ed25519 is refused', async (t) => {
  const a = loadCheckpointSigner({ env: 'K' }, dataDir, { K: pem });
  const b = loadCheckpointSigner({ env: 'K' }, dataDir, { K: Buffer.from(pem).toString('base64') });
  t.same(a.publicKeyRaw, b.publicKeyRaw);
  t.throws(() => loadCheckpointSigner({ env: 'K' }, dataDir, {}), /not set/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  t.throws(() => loadCheckpointSigner({ env: 'K' }, dataDir, { K: rsa }), /must be Ed25519/);
});
