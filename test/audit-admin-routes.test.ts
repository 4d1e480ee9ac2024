// The audit admin routes on a real fastify instance over a file-backed log.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import t from 'tap';
import { auditAdminRoutes } from '../gateway/audit/routes.js';
import { cosignerVerifierKey } from '../gateway/tlog/cosignature.js';
import { verifyExport } from '../gateway/audit/export/verify.js';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { verifyConsistency, verifyInclusion } from '../gateway/tlog/merkle.js';
import { ControlPlaneAuth } from '../gateway/auth/control-plane-auth.js';
import { ControlTokens } from '../gateway/auth/control-tokens.js';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from './audit-fixtures.js';

const auditor = 'tg_auditor_secret';
const editor = 'tg_editor_secret';
const tokens = new ControlTokens([
  { id: 'a', hash: hashSecret(auditor), role: 'auditor' },
  { id: 'e', hash: hashSecret(editor), role: 'policy-editor' },
]);
const auth = { authorization: `Bearer ${auditor}` };

t.test('audit admin routes', async (t) => {
  const log = await FileAuditLog.open({ dataDir: tempDataDir('routes'), audit: auditConfig(), keys: testKeys() });
  for (let i = 0; i < 30; i++) await log.append(sampleRecord(i), i === 3 ? { request: { prompt: 'hello' }, response: { text: 'world' } } : undefined);
  const app = Fastify();
  await app.register(async (scope) => auditAdminRoutes(scope, { log, auth: new ControlPlaneAuth(tokens) }));
  t.teardown(async () => {
    await app.close();
    await log.close();
  });

  t.equal((await app.inject({ url: '/admin/v1/audit/records' })).statusCode, 401, 'no token');
  t.equal((await app.inject({ url: '/admin/v1/audit/records', headers: { authorization: `Bearer ${editor}` } })).statusCode, 403, 'wrong role');

  const recs = (await app.inject({ url: '/admin/v1/audit/records?team=legal&limit=4', headers: auth })).json();
  t.equal(recs.records.length, 4);
  t.ok(recs.records.every((r: { record: { principal: { team: string } } }) => r.record.principal.team === 'legal'));
  t.equal(recs.next_from_seq, recs.records[3].seq + 1);
  t.equal((await app.inject({ url: '/admin/v1/audit/records?decision=maybe', headers: auth })).statusCode, 400);

  t.equal((await app.inject({ url: '/admin/v1/audit/checkpoint', headers: auth })).statusCode, 404, 'none signed yet');
  const signed = (await app.inject({ method: 'POST', url: '/admin/v1/audit/checkpoint', headers: auth })).json();
  t.equal(signed.size, 30);
  t.match(signed.note, /^termsgate\.test\/audit\n30\n/);
  t.same((await app.inject({ url: '/admin/v1/audit/checkpoint', headers: auth })).json().root, signed.root);

  const inc = (await app.inject({ url: '/admin/v1/audit/proof/inclusion?seq=7&tree_size=30', headers: auth })).json();
  t.ok(verifyInclusion(Buffer.from(inc.leafHash, 'base64'), 7, 30, inc.proof.map((h: string) => Buffer.from(h, 'base64')), Buffer.from(signed.root, 'base64')));
  t.equal((await app.inject({ url: '/admin/v1/audit/proof/inclusion?seq=70', headers: auth })).statusCode, 400);
  await log.append(sampleRecord(30));
  const con = (await app.inject({ url: '/admin/v1/audit/proof/consistency?from=30&to=31', headers: auth })).json();
  t.ok(verifyConsistency(30, 31, con.proof.map((h: string) => Buffer.from(h, 'base64')), Buffer.from(signed.root, 'base64'), Buffer.from(con.toRoot, 'base64')));

  const digest = (await log.get(3))!.record.request_digest!;
  t.same((await app.inject({ url: `/admin/v1/audit/content/${digest}`, headers: auth })).json().content, { prompt: 'hello' });
  t.equal((await app.inject({ url: `/admin/v1/audit/content/sha256:${'0'.repeat(64)}`, headers: auth })).statusCode, 404);

  const out = tempDataDir('routes-out');
  // Parquet is exercised by test/audit-cli.test.ts in a child process: tap's module resolver cannot
  // load hyparquet (subpath-pattern exports) in-process.
  for (const format of ['jsonl', 'csv']) {
    const res = await app.inject({ url: `/admin/v1/audit/export?format=${format}&decision=allow`, headers: auth });
    t.equal(res.statusCode, 200, format);
    const file = join(out, `export.${format}`);
    writeFileSync(file, res.rawPayload);
    const report = await verifyExport(file);
    t.ok(report.ok, `${format} export from the route verifies: ${JSON.stringify(report.problem)}`);
    t.equal(report.records, 25);
  }
  t.equal((await app.inject({ url: '/admin/v1/audit/export?format=xml', headers: auth })).statusCode, 400);

  // An auditor holding the checkpoint of size 30 asks for an export that proves it extends it.
  const res = await app.inject({ url: '/admin/v1/audit/export?format=jsonl&consistent_with=30', headers: auth });
  const file = join(out, 'consistent.jsonl');
  writeFileSync(file, res.rawPayload);
  const pinned = { verifierKey: log.verifierKey, witnessKeys: [], quorum: 0, trustedCheckpoint: signed.note, maxTailMs: Infinity };
  const report = await verifyExport(file, { trust: pinned });
  t.ok(report.ok, `the export extends the trusted checkpoint: ${JSON.stringify(report.problem)}`);
  t.equal((await app.inject({ url: '/admin/v1/audit/export?consistent_with=9999', headers: auth })).statusCode, 400);
});

t.test('filters by key, purpose, rule, data class and outcome; a record’s proof status', async (t) => {
  const log = await FileAuditLog.open({ dataDir: tempDataDir('routes-filters'), audit: auditConfig(), keys: testKeys() });
  for (let i = 0; i < 20; i++) await log.append(sampleRecord(i, i === 6 ? { data_classes: ['pii.email'], purpose: 'support' } : {}));
  await log.append(sampleRecord(20, { phase: 'started' }));
  const app = Fastify();
  await app.register(async (scope) => auditAdminRoutes(scope, { log, auth: new ControlPlaneAuth(tokens) }));
  t.teardown(async () => {
    await app.close();
    await log.close();
  });
  const seqs = async (query: string) => (await app.inject({ url: `/admin/v1/audit/records?${query}`, headers: auth })).json().records.map((r: { seq: number }) => r.seq);
  t.same(await seqs('key=key-3'), [3, 10, 17]);
  t.same(await seqs('purpose=support'), [6]);
  t.same(await seqs('data_class=pii.email'), [6]);
  t.same(await seqs('rule=deny_secret'), [4, 9, 14, 19]);
  t.same(await seqs('rule=deny_secret&key=key-2'), [9]);
  t.same((await seqs('phase=completed,denied,failed')).length, 20, 'the outcome of each call, without its started record');
  t.equal((await app.inject({ url: '/admin/v1/audit/records?phase=completed,maybe', headers: auth })).statusCode, 400);

  const stats = (await app.inject({ url: '/admin/v1/audit/stats?from=2026-01-01T00:00:00Z&bucket=hour', headers: auth })).json();
  t.match(stats, { calls: 20, denials_by_rule: { deny_secret: 4 }, over_time: [{ start: '2026-01-01T00:00:00.000Z', allowed: 16, denied: 4, failed: 0 }] });
  t.equal((await app.inject({ url: '/admin/v1/audit/stats', headers: auth })).json().calls, 0, 'the last 7 days by default');
  t.equal((await app.inject({ url: '/admin/v1/audit/stats?bucket=week', headers: auth })).statusCode, 400);

  const pending = (await app.inject({ url: '/admin/v1/audit/records/3/proof', headers: auth })).json();
  t.equal(pending.status, 'pending', 'no checkpoint yet');
  await app.inject({ method: 'POST', url: '/admin/v1/audit/checkpoint', headers: auth });
  const proof = (await app.inject({ url: '/admin/v1/audit/records/3/proof', headers: auth })).json();
  t.match(proof, { seq: 3, status: 'verified', signature_verified: true, inclusion_verified: true, checkpoint: { size: 21 } });
  t.ok(verifyInclusion(Buffer.from(proof.leaf_hash, 'base64'), 3, 21, proof.proof.map((h: string) => Buffer.from(h, 'base64')), Buffer.from(proof.checkpoint.root, 'base64')), 'the answer carries a proof a client can check itself');
  await log.append(sampleRecord(21));
  t.equal((await app.inject({ url: '/admin/v1/audit/records/21/proof', headers: auth })).json().status, 'pending', 'a record after the checkpoint waits for the next one');
  t.equal((await app.inject({ url: '/admin/v1/audit/records/99/proof', headers: auth })).statusCode, 404);
  t.equal((await app.inject({ url: '/admin/v1/audit/records/-1/proof', headers: auth })).statusCode, 400);
  t.equal((await app.inject({ url: '/admin/v1/audit/records/3/proof', headers: { authorization: `Bearer ${editor}` } })).statusCode, 403);
  t.equal(proof.witnessed, null, 'no witnesses configured');

  // With a witness configured that never cosigned, the proof is not "verified".
  const { publicKey } = generateKeyPairSync('ed25519');
  const witnessKey = cosignerVerifierKey('witness.example', Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  const strict = Fastify();
  await strict.register(async (scope) => auditAdminRoutes(scope, { log, auth: new ControlPlaneAuth(tokens), witnesses: { keys: [witnessKey], quorum: 1 } }));
  t.teardown(() => strict.close());
  const unwitnessed = (await strict.inject({ url: '/admin/v1/audit/records/3/proof', headers: auth })).json();
  t.match(unwitnessed, { status: 'failed', signature_verified: true, inclusion_verified: true, witnessed: { ok: false, quorum: 1, of: 1, cosigned: [] } });
});
