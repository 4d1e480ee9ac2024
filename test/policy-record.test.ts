// Changes to the serving rules leave change records: an edit of the policies directory outside the control
// plane (policy.reload, with the file digests before and after, activated or refused), an edit ignored under
// policy.watch: false, and every refused control-plane action on policies (unknown candidate, bad or over-long
// file name, failed validation, failed activation).
import t from 'tap';
import Fastify from 'fastify';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { ControlPlaneAuth } from '../gateway/auth/control-plane-auth.js';
import { ControlTokens } from '../gateway/auth/control-tokens.js';
import { ChangeLog } from '../gateway/changes/change-log.js';
import { hashSecret } from '../gateway/core/secret-hash.js';
import type { ChangeRecord } from '../gateway/core/contracts.js';
import { loadOrCreateSigningKeys } from '../gateway/signing/keys.js';
import { policyAdminRoutes } from '../gateway/policy/routes.js';
import { createPolicyStore } from '../gateway/policy/store.js';
import type { PolicyLogger } from '../gateway/policy/store-types.js';

const policies = join(import.meta.dirname, '..', 'policies');
const quiet: PolicyLogger = { info() {}, warn() {}, error() {} };
const noRecords = async function* (): AsyncGenerator<never> {};
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function copyPolicies(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-record-src-'));
  await cp(policies, dir, { recursive: true });
  return dir;
}

async function changeLog(t: Tap.Test) {
  const auditDir = await mkdtemp(join(tmpdir(), 'tg-record-audit-'));
  const audit = await FileAuditLog.open({ dataDir: auditDir, audit: { backend: 'file', origin: 'termsgate.test/audit', checkpointIntervalMs: 0, syncIntervalMs: 2 }, keys: loadOrCreateSigningKeys(auditDir) });
  t.teardown(() => audit.close());
  const changes = new ChangeLog(audit);
  const list = async (action: string) => {
    const out: ChangeRecord[] = [];
    for await (const c of changes.list({ action }, 1000)) out.push(c.record);
    return out;
  };
  return { changes, list };
}

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

declare namespace Tap {
  type Test = { teardown(fn: () => unknown): void };
}

t.test('a directory edit is recorded with the digests of the files it changed, activated or refused', async (t) => {
  const { changes, list } = await changeLog(t);
  const dir = await copyPolicies();
  const dataDir = await mkdtemp(join(tmpdir(), 'tg-record-data-'));
  const store = await createPolicyStore({ dir, dataDir, pollIntervalMs: 1000, logger: quiet, debounceMs: 100, records: noRecords, changes });
  t.teardown(() => store.close());
  const revA = store.status().active.revision;
  t.same(await list('policy.reload'), [], 'the first reading of the directory is no change');

  const lic = join(dir, 'data', 'licences.json');
  const old = await readFile(lic, 'utf8');
  const data = JSON.parse(old);
  data.licences['deepseek-r1'].clauses[0].text = 'Edited on disk, outside the control plane.';
  const edited = JSON.stringify(data, null, 2);
  await writeFile(lic, edited);
  // The record is written before the revision serves: wait for both.
  t.ok(await until(async () => (await list('policy.reload')).length === 1 && store.status().active.revision !== revA), 'the edit is recorded');
  const [done] = await list('policy.reload');
  const revB = store.status().active.revision;
  t.not(revB, revA, 'and serves');
  t.match(done, { actor: { type: 'system', id: 'policy-watch' }, role: 'gateway', client: null, target: revB, outcome: 'done', error: null });
  t.same(JSON.parse(done.before!), { revision: revA, dir_revision: revA, files: { 'data/licences.json': sha(old) } });
  t.same(JSON.parse(done.after!), { revision: revB, dir_revision: revB, files: { 'data/licences.json': sha(edited) } });

  const broken = join(dir, 'request', 'broken.rego');
  await writeFile(broken, 'package termsgate.request\n\ndeny contains x if {\n');
  t.ok(await until(async () => (await list('policy.reload')).length === 2), 'the broken edit is recorded');
  const refused = (await list('policy.reload'))[1];
  t.match(refused, { actor: { type: 'system', id: 'policy-watch' }, outcome: 'refused', error: /failed/ });
  t.equal(store.status().active.revision, revB, 'the previous revision keeps serving');
  t.same(JSON.parse(refused.before!).files, { 'request/broken.rego': null }, 'a new file had no digest before');
  t.same(JSON.parse(refused.after!), { revision: revB, dir_revision: JSON.parse(refused.after!).dir_revision, files: { 'request/broken.rego': sha('package termsgate.request\n\ndeny contains x if {\n') } });
  await store.close();

  // Edited while the gateway was stopped: the next start records it.
  const { rm } = await import('node:fs/promises');
  await rm(broken);
  await writeFile(lic, old);
  const restarted = await createPolicyStore({ dir, dataDir, pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords, changes });
  t.equal(restarted.status().active.revision, revA);
  const atStart = (await list('policy.reload'))[2];
  t.match(atStart, { actor: { type: 'system', id: 'policy-start' }, target: revA, outcome: 'done' });
  t.same(Object.keys(JSON.parse(atStart.after!).files), ['data/licences.json', 'request/broken.rego']);
  await restarted.close();
});

t.test('policy.watch false: later edits are ignored, warned about once and recorded as refused once', async (t) => {
  const { changes, list } = await changeLog(t);
  const dir = await copyPolicies();
  const warnings: string[] = [];
  const logger: PolicyLogger = { info() {}, error() {}, warn: (_o, msg) => void warnings.push(String(msg)) };
  const store = await createPolicyStore({ dir, dataDir: await mkdtemp(join(tmpdir(), 'tg-record-data-')), pollIntervalMs: 1000, logger, watch: false, debounceMs: 100, records: noRecords, changes });
  t.teardown(() => store.close());
  const rev = store.status().active.revision;
  const terms = join(dir, 'request', 'terms.rego');
  await writeFile(terms, (await readFile(terms, 'utf8')) + '\n# edited on disk\n');
  t.ok(await until(async () => (await list('policy.reload')).length === 1), 'the ignored edit is recorded');
  t.match((await list('policy.reload'))[0], { actor: { type: 'system', id: 'policy-watch' }, before: /"revision":"/, outcome: 'refused', error: /policy.watch is false/ });
  await writeFile(terms, (await readFile(terms, 'utf8')) + '\n# edited again\n');
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(store.status().active.revision, rev, 'the start revision keeps serving');
  t.equal(warnings.filter((w) => /policy.watch is false/.test(w)).length, 1, 'warned once');
  t.equal((await list('policy.reload')).length, 1, 'recorded once');
});

t.test('refused control-plane actions on policies each leave a record', async (t) => {
  const { changes, list } = await changeLog(t);
  const editor = 'tok-editor-0123456789';
  const store = await createPolicyStore({ dir: await copyPolicies(), dataDir: await mkdtemp(join(tmpdir(), 'tg-record-data-')), pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords });
  t.teardown(() => store.close());
  const app = Fastify();
  policyAdminRoutes(app, { store, auth: new ControlPlaneAuth(new ControlTokens([{ id: 'e', hash: hashSecret(editor), role: 'policy-editor' }])), changes, vocabulary: () => ({ providers: [], models: [], data_classes: [] }) });
  await app.ready();
  t.teardown(() => app.close());
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url: `/admin/v1/policies/${url}`, headers: { authorization: `Bearer ${editor}` }, payload });
  const actor = { type: 'token', id: 'e' };

  const unknown = await post('validate', { candidate: '0123456789abcdef' });
  t.equal(unknown.statusCode, 422, 'an unknown candidate');
  const malformed = await post('validate', { candidate: '..' });
  t.equal(malformed.statusCode, 422, 'a malformed candidate id');
  t.match(await list('policy.validate'), [
    { actor, target: '0123456789abcdef', outcome: 'refused', error: /no staged candidate/ },
    { actor, target: '..', outcome: 'refused', error: /invalid revision id/ },
  ]);

  const bad = await post('stage', { files: { '../x.rego': 'package x\n' } });
  t.equal(bad.statusCode, 422, 'a bad file name');
  const long = await post('stage', { files: { [`${'a'.repeat(300)}.rego`]: 'package x\n' } });
  t.equal(long.statusCode, 422, 'an over-long file name is a 4xx, not a 500');
  const longPath = await post('stage', { files: { [`${'d/'.repeat(600)}x.rego`]: 'package x\n' } });
  t.equal(longPath.statusCode, 422, 'an over-long path too');
  t.match(await list('policy.stage'), [
    { actor, outcome: 'refused', error: /relative/ },
    { actor, outcome: 'refused', error: /too long/ },
    { actor, outcome: 'refused', error: /too long/ },
  ]);

  const staged = await post('stage', { files: { 'request/extra.rego': 'package termsgate.request\n\ndeny contains x if {\n' } });
  const { candidate } = staged.json();
  t.equal((await post('validate', { candidate })).statusCode, 422, 'a failed validation');
  t.match((await list('policy.validate')).at(-1), { target: candidate, outcome: 'refused', error: /failed/ });
  t.equal((await post('activate', { revision: candidate, reason: 'try it' })).statusCode, 422, 'a failed activation');
  t.match((await list('policy.activate')).at(-1), { target: candidate, outcome: 'refused', error: /no built bundle/ });
  t.equal((await post('rollback', { revision: '0000000000000000', reason: 'try it' })).statusCode, 422, 'a rollback to a revision that never served');
  t.match((await list('policy.rollback')).at(-1), { outcome: 'refused', error: /never served/ });
});
