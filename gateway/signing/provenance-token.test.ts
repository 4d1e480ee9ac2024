// Provenance tokens: HS256 JWS that jose verifies; every forgery the gateway's check refuses.
import { generateKeyPairSync, randomBytes, sign as edSign } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compactVerify, decodeProtectedHeader } from 'jose';
import t from 'tap';
import { ProvenanceTokens, tokenClaims, tokenDigest, type ProvenanceClaims } from './provenance-token.js';
import { loadTokenMacKey, tokenMacKeyFrom } from './token-key.js';

const key = tokenMacKeyFrom(randomBytes(32));
const tokens = new ProvenanceTokens(key);
const claims: ProvenanceClaims = { decision_id: '0190a3b1-0000-7000-8000-000000000001', licence: 'llama-3.1-community', trainable: true, policy_revision: 'rev-1', iat: 1_764_800_000 };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

t.test('a token is an HS256 JWS of its claims that jose verifies with the key, named by its digest', async (t) => {
  const { token, digest } = tokens.sign(claims);
  t.match(decodeProtectedHeader(token), { alg: 'HS256', typ: 'termsgate-provenance+jwt', kid: key.keyId });
  const { payload } = await compactVerify(token, key.secret, { algorithms: ['HS256'] });
  t.same(JSON.parse(Buffer.from(payload).toString()), claims);
  t.equal(digest, tokenDigest(token));
  t.match(digest, /^sha256:[0-9a-f]{64}$/);
  t.same(await tokens.verify(token), { valid: true, claims });
  t.same(tokenClaims(token), claims);
});

t.test('forgeries are refused', async (t) => {
  const { token } = tokens.sign(claims);
  const [header, payload, mac] = token.split('.');
  const verdict = async (x: string) => {
    const v = await tokens.verify(x);
    return v.valid ? 'valid' : v.reason;
  };
  t.equal(await verdict(`${header}.${b64({ ...claims, trainable: false })}.${mac}`), 'bad MAC', 'a changed claim');
  t.equal(await verdict(`${header}.${b64({ ...claims, licence: 'apache-2.0' })}.${mac}`), 'bad MAC', 'a changed licence');
  const other = new ProvenanceTokens(tokenMacKeyFrom(randomBytes(32))).sign(claims).token;
  t.not(await verdict(other), 'valid', 'another key');
  const otherMac = other.split('.')[2];
  t.equal(await verdict(`${header}.${payload}.${otherMac}`), 'bad MAC', "another key's MAC under this key's id");
  t.equal(await verdict(`${b64({ alg: 'none', typ: 'termsgate-provenance+jwt', kid: key.keyId })}.${payload}.`), 'algorithm not allowed', 'alg none');
  const ed = generateKeyPairSync('ed25519');
  const edHeader = b64({ alg: 'EdDSA', typ: 'termsgate-provenance+jwt', kid: key.keyId });
  const edToken = `${edHeader}.${payload}.${edSign(null, Buffer.from(`${edHeader}.${payload}`), ed.privateKey).toString('base64url')}`;
  t.equal(await verdict(edToken), 'algorithm not allowed', 'EdDSA in place of HS256');
  t.equal(await verdict(token.slice(0, -4)), 'bad MAC', 'a truncated MAC');
  t.equal(await verdict(`${header}.${payload}`), 'malformed token', 'no MAC part');
  t.equal(await verdict(''), 'malformed token', 'empty');
  const typ = b64({ alg: 'HS256', typ: 'JWT', kid: key.keyId });
  const { createHmac } = await import('node:crypto');
  const wrongTyp = `${typ}.${payload}.${createHmac('sha256', key.secret).update(`${typ}.${payload}`).digest('base64url')}`;
  t.equal(await verdict(wrongTyp), 'not a provenance token', 'a JWT of another type under the same key');
});

t.test('property: any change to a token makes it invalid', async (t) => {
  const { token } = tokens.sign(claims);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'), async (i, c) => {
      fc.pre(token[i] !== c);
      const changed = token.slice(0, i) + c + token.slice(i + 1);
      const v = await tokens.verify(changed);
      // The last base64url character of the MAC carries 2 padding bits: a change there may decode to the same MAC.
      return !v.valid || (i === token.length - 1 && Buffer.from(changed.split('.')[2], 'base64url').equals(Buffer.from(token.split('.')[2], 'base64url')));
    }),
    { numRuns: 300 },
  );
  t.pass('300 one-character changes refused');
});

t.test('the MAC key: a dev default under <data-dir>/keys, a file outside it or an environment variable, never a file inside', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'termsgate-token-key-'));
  const dataDir = join(root, 'data');
  const dev = loadTokenMacKey(undefined, dataDir);
  t.same(loadTokenMacKey(undefined, dataDir), dev, 'the default is created once and kept');
  const secret = randomBytes(32);
  writeFileSync(join(root, 'token.key'), secret.toString('base64'));
  t.same(loadTokenMacKey({ file: join(root, 'token.key') }, dataDir).secret, secret, 'base64 text in a file');
  t.same(loadTokenMacKey({ env: 'TOKEN_KEY' }, dataDir, { TOKEN_KEY: secret.toString('hex') }).secret, secret, 'hex in the environment');
  mkdirSync(join(dataDir, 'elsewhere'));
  writeFileSync(join(dataDir, 'elsewhere', 'token.key'), secret);
  t.throws(() => loadTokenMacKey({ file: join(dataDir, 'elsewhere', 'token.key') }, dataDir), /inside the data directory/);
  t.throws(() => loadTokenMacKey({ env: 'UNSET' }, dataDir, {}), /not set/);
  t.throws(() => tokenMacKeyFrom(randomBytes(16)), /at least 32 bytes/);
  t.notMatch(key.keyId, key.secret.toString('hex').slice(0, 16), 'the key id does not reveal the secret');
});
