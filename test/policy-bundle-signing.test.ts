// Fleet bundles must be signed (OPA's .signatures.json) with the configured key and are fetched with a bearer
// token; an activation is recorded as policy.bundle, a refusal (unsigned, tampered, wrong key) too, once.
import t from 'tap';
import { createServer } from 'node:http';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { changeRecord, type ChangeInput } from '../gateway/core/change-record.js';
import type { ChangeActor, ChangeRecord } from '../gateway/core/contracts.js';
import { bundleKeyFromPem, readBundleFiles, verifyBundleFiles } from '../gateway/policy/bundle-signature.js';
import { createPolicyStore } from '../gateway/policy/store.js';
import type { PolicyLogger } from '../gateway/policy/store-types.js';
import { validateDir } from '../gateway/policy/toolchain/steps.js';
import { publicPem, signedBundle } from './support/signed-bundle.js';

const policies = join(import.meta.dirname, '..', 'policies');
const quiet: PolicyLogger = { info() {}, warn() {}, error() {} };
const noRecords = async function* (): AsyncGenerator<never> {};

function recorder() {
  const records: ChangeRecord[] = [];
  return {
    records,
    async recordSystem(actor: ChangeActor, input: ChangeInput) {
      const r = changeRecord({ actor, role: 'gateway', client: null }, input, `c${records.length}`, new Date());
      records.push(r);
      return r;
    },
  };
}

const pem = publicPem;

const built = await mkdtemp(join(tmpdir(), 'tg-fleet-signed-'));
const okA = await validateDir(policies, { out: join(built, 'a.tar.gz') });
const bundleA = await readFile(join(built, 'a.tar.gz'));

t.test('ES256, EdDSA and RS256 signatures verify; a file not in the signature, a changed one, a missing one refuse', async (t) => {
  for (const [type, alg, opts] of [['ec', 'ES256', { namedCurve: 'P-256' }], ['ed25519', 'EdDSA', {}], ['rsa', 'RS256', { modulusLength: 2048 }]] as const) {
    const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
    const key = bundleKeyFromPem(pem(publicKey));
    const signed = await signedBundle(bundleA, { key: privateKey, alg });
    const v = await verifyBundleFiles(await readBundleFiles(signed), key);
    t.equal(v.alg, alg);
    t.ok(v.files['policy.wasm'], `${alg}: policy.wasm listed with its SHA-256`);
    const extra = await signedBundle(bundleA, { key: privateKey, alg }, (d) => writeFile(join(d, 'extra.rego'), 'package x\n'));
    await t.rejects(verifyBundleFiles(await readBundleFiles(extra), key), /not in the signature/);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = bundleKeyFromPem(pem(publicKey));
  const signedThenRemoved = await signedBundle(bundleA, { key: privateKey, alg: 'EdDSA' }, async (d) => {
    const { rm } = await import('node:fs/promises');
    await rm(join(d, 'data.json'));
  });
  await t.rejects(verifyBundleFiles(await readBundleFiles(signedThenRemoved), key), /missing from the bundle/);
  t.throws(() => bundleKeyFromPem('not a key'), /not a PEM public key/);
});

t.test('a signed bundle is activated and recorded; tampered, unsigned and wrongly signed ones are refused and recorded once', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const token = 'bundle-token-0123456789';
  let body = await signedBundle(bundleA, { key: privateKey, alg: 'ES256' });
  let unauthorised = 0;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      unauthorised++;
      res.writeHead(401).end();
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, { etag, 'content-type': 'application/gzip' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.tar.gz`;
  const changes = recorder();
  const opts = { dir: policies, bundleUrl: url, pollIntervalMs: 600_000, logger: quiet, records: noRecords, changes, bundleKey: bundleKeyFromPem(pem(publicKey)) };
  await t.rejects(createPolicyStore({ ...opts, dataDir: await mkdtemp(join(tmpdir(), 'tg-fleet-d-')) }), /refused: GET .* answered 401/, 'without the token the bundle server refuses');
  t.equal(unauthorised, 1);
  t.equal(changes.records.length, 0, 'no bundle arrived, nothing was changed');

  const store = await createPolicyStore({ ...opts, bundleToken: token, dataDir: await mkdtemp(join(tmpdir(), 'tg-fleet-d-')) });
  t.teardown(() => store.close());
  t.equal(store.status().active.revision, okA.revision);
  t.equal(changes.records.length, 1);
  const done = changes.records[0];
  t.match(done, { action: 'policy.bundle', actor: { type: 'system', id: 'policy-bundle' }, target: okA.revision, outcome: 'done', error: null });
  const after = JSON.parse(done.after!);
  t.equal(after.revision, okA.revision);
  t.equal(after.bundle_sha256, createHash('sha256').update(body).digest('hex'));
  t.equal(after.signed_with, 'ES256');
  t.ok(/^[0-9a-f]{64}$/.test(after.files['policy.wasm']), 'the activation names each file with its SHA-256');
  t.same(JSON.parse(done.before!), { revision: null });

  const refusedCases: Array<[string, Buffer, RegExp]> = [
    ['tampered', await signedBundle(bundleA, { key: privateKey, alg: 'ES256' }, (d) => writeFile(join(d, 'data.json'), '{"tampered":true}')), /does not match its signed hash/],
    ['unsigned', await signedBundle(bundleA, null), /not signed/],
    ['wrong key', await signedBundle(bundleA, { key: other.privateKey, alg: 'ES256' }), /does not verify/],
  ];
  for (const [name, bytes, error] of refusedCases) {
    body = bytes;
    const n = changes.records.length;
    const r = await store.pollBundle();
    t.notOk(r.ok, `${name}: refused`);
    t.match(r.error, error);
    t.equal(store.status().active.revision, okA.revision, `${name}: the verified bundle keeps serving`);
    t.equal(changes.records.length, n + 1, `${name}: the refusal is recorded`);
    t.match(changes.records.at(-1), { action: 'policy.bundle', actor: { type: 'system', id: 'policy-bundle' }, outcome: 'refused', error });
    t.equal(JSON.parse(changes.records.at(-1)!.after!).bundle_sha256, createHash('sha256').update(bytes).digest('hex'));
    t.notOk((await store.pollBundle()).ok);
    t.equal(changes.records.length, n + 1, `${name}: polled again, the same refusal is not recorded twice`);
  }
  t.equal(unauthorised, 1, 'every poll sent the bearer token');
});

t.test('without policy.bundleKey every bundle is refused', async (t) => {
  const body = await signedBundle(bundleA, null);
  const server = createServer((_req, res) => res.writeHead(200).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const changes = recorder();
  await t.rejects(
    createPolicyStore({ dir: policies, dataDir: await mkdtemp(join(tmpdir(), 'tg-fleet-d-')), bundleUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/b`, pollIntervalMs: 600_000, logger: quiet, records: noRecords, changes }),
    /no policy.bundleKey/,
  );
  t.match(changes.records, [{ action: 'policy.bundle', outcome: 'refused', error: /no policy.bundleKey/ }]);
});
