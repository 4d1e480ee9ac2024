// Provenance tokens through the real gateway: a MAC per call, checked by the gateway with its key, and by a
// third party with the audit log's verifier key alone (the final record names the token, under a signed
// checkpoint); a token after the newest checkpoint is pending, one the log never recorded is invalid.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { checkTokenEvidence, type TokenEvidence } from '../gateway/audit/token-evidence.js';
import { runVerifyToken } from '../gateway/cli/provenance-verify-token.js';
import { tokenDigest } from '../gateway/signing/provenance-token.js';
import { tokenMacKeyFrom } from '../gateway/signing/token-key.js';
import { startDemoGateway } from './support/demo-gateway.js';

const secret = randomBytes(32);
process.env.TERMSGATE_TEST_TOKEN_KEY = secret.toString('base64');
const logs: string[] = [];
const gw = await startDemoGateway(
  (c) => {
    c.audit.tokenKey = { env: 'TERMSGATE_TEST_TOKEN_KEY' };
    // Checkpoints only when this test asks, so "after the newest checkpoint" is a state it controls.
    c.audit.checkpointIntervalMs = 3_600_000;
  },
  { logs },
);
t.teardown(() => gw.close());
const seen: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'termsgate-token-'));

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(gw.url + path, { method, headers: { authorization: `Bearer ${gw.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  seen.push(text);
  return JSON.parse(text) as T;
}

async function chat(model: string): Promise<{ token: string; id: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell me about the history of the telegraph.' }] }),
  });
  seen.push(JSON.stringify([...res.headers]), await res.text());
  return { token: res.headers.get('x-termsgate-provenance')!, id: res.headers.get('x-termsgate-decision-id')! };
}

interface Answer {
  valid: boolean;
  reason?: string;
  verifier_key: string;
  evidence: TokenEvidence | null;
}
const ask = (token: string) => admin<Answer>('POST', '/admin/v1/audit/provenance-token', { token });

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runVerifyToken(args, { write: (s: string) => (out += s) }, { TERMSGATE_URL: gw.url, TERMSGATE_ADMIN_TOKEN: gw.adminToken });
  return { code, out };
}

const vkey = (await admin<{ verifier_key: string }>('POST', '/admin/v1/audit/checkpoint')).verifier_key;
const vkeyFile = join(dir, 'log.vkey');
writeFileSync(vkeyFile, vkey + '\n');

const forgedPayload = (token: string, change: Record<string, unknown>) => {
  const [h, p, m] = token.split('.');
  return `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), ...change })).toString('base64url')}.${m}`;
};

t.test('a token issued after the newest checkpoint is pending, then verified once a checkpoint covers its record', async (t) => {
  const { token, id } = await chat('llama-3.1-8b-instruct');
  const first = await ask(token);
  t.equal(first.valid, true, 'the gateway verifies its MAC');
  t.equal(first.evidence!.record.decision_id, id);
  t.equal(first.evidence!.record.provenance_token, tokenDigest(token), 'the final record names the token by its digest');
  const pending = checkTokenEvidence(token, first.evidence, vkey);
  t.equal(pending.status, 'pending', 'not failed open, not failed: pending');
  const viaUrl = await cli([token, '--key', vkeyFile]);
  t.equal(viaUrl.code, 3);
  t.match(viaUrl.out, /^PENDING: .*pending until a checkpoint after tree size \d+ covers record \d+/);

  await admin('POST', '/admin/v1/audit/checkpoint');
  const answer = await ask(token);
  const verdict = checkTokenEvidence(token, answer.evidence, vkey);
  t.match(verdict, { status: 'verified', claims: { decision_id: id, licence: 'llama-3.1-8b-instruct', trainable: true } });
  const saved = join(dir, 'evidence.json');
  writeFileSync(saved, JSON.stringify(answer));
  const offline = await cli([token, '--key', vkeyFile, '--evidence', saved]);
  t.equal(offline.code, 0, offline.out);
  t.match(offline.out, /^VERIFIED: decision .*, licence llama-3\.1-8b-instruct, trainable, policy \S+: audit record \d+ in the signed tree of size \d+/);
  const online = await cli([token, '--key', vkey]);
  t.equal(online.code, 0, online.out);
  t.match(online.out, /the gateway's own MAC check: valid/);

  t.test('a changed claim: the gateway refuses its MAC; the log names no such token', async (t) => {
    const forged = forgedPayload(token, { trainable: false });
    const a = await ask(forged);
    t.match(a, { valid: false, reason: 'bad MAC', evidence: null });
    t.match(checkTokenEvidence(forged, answer.evidence, vkey), { status: 'invalid', reason: 'the audit record names another token' });
    t.equal((await cli([forged, '--key', vkeyFile])).code, 1);
  });

  t.test('evidence rewritten to fit a forged token fails its inclusion proof', async (t) => {
    const forged = forgedPayload(token, { licence: 'apache-2.0' });
    const ev = structuredClone(answer.evidence!);
    Object.assign(ev.record, { licence: 'apache-2.0', provenance_token: tokenDigest(forged) });
    t.match(checkTokenEvidence(forged, ev, vkey), { status: 'invalid', reason: /is not in the checkpoint's tree/ });
    const shifted = { ...answer.evidence!, seq: answer.evidence!.seq - 1 };
    t.equal(checkTokenEvidence(token, shifted, vkey).status, 'invalid', 'the record claimed at another position');
  });

  t.test("another log's key, or a checkpoint it did not sign, is refused", async (t) => {
    const other = vkey.replace(/\+[0-9a-f]{8}\+.*$/, '') + '+00000000+' + Buffer.concat([Buffer.from([1]), randomBytes(32)]).toString('base64');
    t.match(checkTokenEvidence(token, answer.evidence, other), { status: 'invalid', reason: /^checkpoint: / });
    const bent = { ...answer.evidence!, checkpoint: answer.evidence!.checkpoint!.replace(/\n\d+\n/, (m) => `\n${Number(m.trim()) + 1}\n`) };
    t.match(checkTokenEvidence(token, bent, vkey), { status: 'invalid', reason: /^checkpoint: / });
  });

  t.test('a token correctly MACed but never issued is not in the log', async (t) => {
    const key = tokenMacKeyFrom(secret);
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'termsgate-provenance+jwt', kid: key.keyId })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ decision_id: id, licence: 'llama-3.1-8b-instruct', trainable: true, policy_revision: verdict.status === 'verified' ? verdict.claims.policy_revision : '', iat: 1 })).toString('base64url');
    const minted = `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
    const a = await ask(minted);
    t.match(a, { valid: true, evidence: null }, 'the MAC alone says valid; the log does not back it');
    const r = await cli([minted, '--key', vkeyFile]);
    t.equal(r.code, 1);
    t.match(r.out, /^INVALID: no final audit record names this token/);
  });
});

t.test('a denied call carries no token; the gateway refuses malformed input', async (t) => {
  const bad = await fetch(`${gw.url}/admin/v1/audit/provenance-token`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ token: 42 }) });
  t.equal(bad.status, 400);
  const anon = await fetch(`${gw.url}/admin/v1/audit/provenance-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x' }) });
  t.equal(anon.status, 401);
  t.match(await ask('not.a.token'), { valid: false, evidence: null });
});

t.test('canary: the MAC key is in no answer, header or log line', async (t) => {
  const forms = [secret.toString('base64'), secret.toString('base64url'), secret.toString('hex'), secret.toString('latin1')];
  const all = [...seen, ...logs].join('\n');
  for (const f of forms) t.notOk(all.includes(f), 'the secret appears nowhere');
  t.ok(logs.length > 0 && seen.length > 5, 'there was something to search');
});
