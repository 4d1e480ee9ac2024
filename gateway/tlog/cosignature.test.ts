// Properties of C2SP cosignatures: what one cosigner signs verifies under its key, and only there.
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import { publicKeyRawBytes } from '../signing/keys.js';
import { addSignatureLines, cosign, cosignerVerifierKey, parseCosignerKey, verifyCosignatures, type Cosigner } from './cosignature.js';

function cosigner(name: string): Cosigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { name, publicKeyRaw: publicKeyRawBytes(createPublicKey(privateKey)), sign: (m) => sign(null, m, privateKey) };
}
const a = cosigner('w.example/a');
const b = cosigner('w.example/b');
const keys = [a, b].map((c) => cosignerVerifierKey(c.name, c.publicKeyRaw));
const line = fc.stringMatching(/^[a-z0-9 ./+=-]{1,40}$/);

t.test('a cosigned body verifies; another body, or an unknown key, does not count', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.array(line, { maxLength: 3 }), async (body, ts, noise) => {
      const note = body.join('\n') + '\n\n\u2014 log.example abcd\n';
      const signed = addSignatureLines(note, [await cosign(note, a, ts), ...noise.map((n) => `\u2014 ${n.replace(/\s/g, '')}x AAAA`)]);
      const got = verifyCosignatures(signed, keys);
      if (got.length !== 1 || got[0].name !== a.name || got[0].timestamp !== ts) return false;
      const other = signed.replace(body[0], body[0] + 'x');
      try {
        verifyCosignatures(other, keys);
        return false;
      } catch {
        return true;
      }
    }),
    { numRuns: 50 },
  );
});

t.test('verifier keys round-trip; malformed ones are refused', async (t) => {
  t.equal(parseCosignerKey(keys[0]).name, a.name);
  fc.assert(fc.property(fc.string(), (s) => {
    try {
      parseCosignerKey(s);
      return false;
    } catch {
      return true;
    }
  }));
  t.throws(() => parseCosignerKey(keys[0].replace(/\+[0-9a-f]{8}\+/, '+00000000+')), /hash does not match/);
});
