// The operator attacks of issue 14 through the real CLI: whoever can write the data directory must
// not get a rewritten, rolled-back or re-signed log (or export) past `audit verify` with pinned trust.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { verifierKey } from '../gateway/tlog/checkpoint.js';
import { auditDir, checkpointsFile, contentDir, segmentsDir, treeDir, verifierKeyFile } from '../gateway/audit/file/layout.js';
import { CHAIN_START, nextChain, signManifest, type ExportHeader } from '../gateway/audit/export/manifest.js';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { encodeFrame, readFrame } from '../gateway/audit/file/frame.js';
import { encodeLeaf } from '../gateway/tlog/leaf.js';
import { leafHash } from '../gateway/tlog/merkle.js';
import { loadCheckpointSigner } from '../gateway/signing/checkpoint-signer.js';
import { loadOrCreateSigningKeys, signingKeysFrom } from '../gateway/signing/keys.js';
import { auditConfig, sampleRecord, tempDataDir } from './audit-fixtures.js';

const main = fileURLToPath(new URL('../dist/gateway/cli/main.js', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, [main, 'audit', ...args], { encoding: 'utf8' });

// The checkpoint key lives outside the data directory (audit.signer.file); the auditor pins its verifier key.
const keyDir = tempDataDir('trust-keys');
const signerFile = join(keyDir, 'checkpoint-ed25519.pem');
writeFileSync(signerFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
const pristine = tempDataDir('trust');
const signer = loadCheckpointSigner({ file: signerFile }, pristine);
const vkey = verifierKey(auditConfig().origin, signer.publicKeyRaw);
const pinnedKey = join(keyDir, 'checkpoint.vkey');
writeFileSync(pinnedKey, vkey + '\n');
const trustedFile = join(keyDir, 'trusted-checkpoint.txt');
const INTERVAL = '200';

const now = (i: number) => sampleRecord(i, { time: new Date().toISOString() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.before(async () => {
  // The gateway's other keys (permits, watermarks) stay in <data-dir>/keys, as the gateway creates them.
  loadOrCreateSigningKeys(pristine);
  const log = await FileAuditLog.open({ dataDir: pristine, audit: auditConfig(), keys: signer });
  for (let batch = 0; batch < 3; batch++) {
    for (let i = batch * 10; i < batch * 10 + 10; i++) await log.append(now(i));
    await log.checkpoint();
    // An auditor saved the checkpoint of size 30 (as a monitor or a witness would).
    if (batch === 2) writeFileSync(trustedFile, (await log.latestCheckpoint())!.note);
    await sleep(3 * Number(INTERVAL));
  }
  await log.close();
});

function copy(): string {
  const dir = tempDataDir('trust-tampered');
  cpSync(pristine, dir, { recursive: true });
  return dir;
}
const audit = auditDir;
const segment = (dir: string) => join(segmentsDir(audit(dir)), readdirSync(segmentsDir(audit(dir)))[0]);

function frames(path: string): Buffer[] {
  const buf = readFileSync(path);
  const out: Buffer[] = [];
  for (let at = 0; at < buf.length; ) {
    const r = readFrame(buf, at);
    if (r.kind !== 'frame') throw new Error('fixture segment is damaged');
    out.push(buf.subarray(at, r.next));
    at = r.next;
  }
  return out;
}

const pinned = ['--key', pinnedKey, '--checkpoint-interval', INTERVAL];

t.test('the untouched log verifies with the pinned key and the trusted checkpoint; unpinned it does not pass', async (t) => {
  const ok = cli(['verify', '--data-dir', pristine, ...pinned, '--trusted-checkpoint', trustedFile]);
  t.equal(ok.status, 0, ok.stdout + ok.stderr);
  t.match(ok.stdout, /30 records, 3 checkpoints .*pinned key, trusted checkpoint of size 30.*: OK/);
  const unpinned = cli(['verify', '--data-dir', pristine]);
  t.equal(unpinned.status, 1, 'nothing pinned is not OK');
  t.match(unpinned.stdout, /nothing pinned/);
  t.equal(cli(['verify', '--data-dir', pristine, '--integrity-only']).status, 0, '--integrity-only says what it checked');
});

t.test('attack 1, rollback: checkpoints dropped and the segment cut to the older size', async (t) => {
  const dir = copy();
  const lines = readFileSync(checkpointsFile(audit(dir)), 'utf8').split('\n').filter(Boolean);
  writeFileSync(checkpointsFile(audit(dir)), lines[0] + '\n');
  const f = frames(segment(dir));
  truncateSync(segment(dir), Buffer.concat(f.slice(0, 10)).length);
  const r = cli(['verify', '--data-dir', dir, ...pinned, '--trusted-checkpoint', trustedFile]);
  t.equal(r.status, 1, r.stdout);
  t.match(r.stdout, /FAILED \(rollback, first bad record seq 10\).*trusted checkpoint signed 30/);
  t.equal(cli(['verify', '--data-dir', dir]).status, 1, 'and unpinned it is not OK either');
});

t.test('attack 1b: checkpoints dropped, records kept: the unverified tail is over the interval', async (t) => {
  const dir = copy();
  const lines = readFileSync(checkpointsFile(audit(dir)), 'utf8').split('\n').filter(Boolean);
  writeFileSync(checkpointsFile(audit(dir)), lines[0] + '\n');
  const r = cli(['verify', '--data-dir', dir, ...pinned]);
  t.equal(r.status, 1, r.stdout);
  t.match(r.stdout, /FAILED \(unverified-tail, first bad record seq 10\): 20 records \(seq 10\.\.29/);
  t.match(r.stdout, /unverified tail: 20 records \(seq 10\.\.29/);
});

t.test('attack 2, no checkpoints: checkpoints.jsonl and tree/ deleted, a record edited with a fixed CRC', async (t) => {
  const dir = copy();
  rmSync(checkpointsFile(audit(dir)));
  rmSync(treeDir(audit(dir)), { recursive: true });
  const f = frames(segment(dir));
  f[4] = encodeFrame(Buffer.from(f[4].subarray(12).toString().replace('"latency_ms":120', '"latency_ms":1')));
  writeFileSync(segment(dir), Buffer.concat(f));
  const r = cli(['verify', '--data-dir', dir, ...pinned]);
  t.equal(r.status, 1, r.stdout);
  t.match(r.stdout, /FAILED \(checkpoint, first bad record seq 0\): 30 records but no signed checkpoint/);
});

/** The operator rewrites the whole log (record 4 edited) and signs it with a key they hold. */
async function resign(dir: string, keys: ReturnType<typeof signingKeysFrom>): Promise<void> {
  const records = frames(segment(dir)).map((b) => (JSON.parse(b.subarray(12).toString()) as { record: ReturnType<typeof sampleRecord> }).record);
  records[4] = { ...records[4], latency_ms: 1 };
  rmSync(audit(dir), { recursive: true });
  const log = await FileAuditLog.open({ dataDir: dir, audit: auditConfig(), keys });
  for (const r of records) await log.append(r);
  await log.close();
}

t.test('attack 3, re-signing with the key in <data-dir>/keys or a new one, checkpoint.vkey swapped', async (t) => {
  for (const [name, keys] of [
    ['the data directory key', loadOrCreateSigningKeys(pristine)],
    ['a fresh key', signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32))],
  ] as const) {
    const dir = copy();
    await resign(dir, keys);
    t.equal(cli(['verify', '--data-dir', dir, '--integrity-only']).status, 0, `${name}: the rewrite is internally consistent`);
    const r = cli(['verify', '--data-dir', dir, ...pinned]);
    t.equal(r.status, 1, `${name}: ${r.stdout}`);
    t.match(r.stdout, /FAILED \(checkpoint\): checkpoint.vkey holds .*not the pinned key/);
    const plain = cli(['verify', '--data-dir', dir]);
    t.equal(plain.status, 1, `${name}: a swapped checkpoint.vkey does not verify unpinned`);
    // Keeping the original checkpoint.vkey does not help: the new checkpoints are not signed by the pinned key.
    writeFileSync(verifierKeyFile(audit(dir)), vkey + '\n');
    const kept = cli(['verify', '--data-dir', dir, ...pinned]);
    t.equal(kept.status, 1);
    t.match(kept.stdout, /FAILED \(checkpoint\): checkpoint 1 .*not signed by/);
  }
});

t.test('attack 4, export with deny records removed and the manifest re-signed by another key', async (t) => {
  const file = join(keyDir, 'export.jsonl');
  const exp = cli(['export', '--data-dir', pristine, '--signer-file', signerFile, '--format', 'jsonl', '--out', file]);
  t.equal(exp.status, 0, exp.stderr);
  t.equal(cli(['verify', file, '--key', pinnedKey]).status, 0, 'the export verifies against the pinned key');
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const header = lines[0] as unknown as ExportHeader & { type: string };
  const kept = lines.slice(1, -1).filter((l) => (l.record as { decision: string }).decision !== 'deny');
  t.ok(kept.length < lines.length - 2, 'deny records were removed');
  let chain: Buffer = CHAIN_START;
  for (const row of kept) {
    chain = nextChain(chain, leafHash(encodeLeaf(row.seq as number, row.record as ReturnType<typeof sampleRecord>)));
    row.chain = chain.toString('base64');
  }
  const other = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));
  for (const carried of ['attacker', 'pinned'] as const) {
    const h: ExportHeader = { ...header, verifier_key: carried === 'attacker' ? verifierKey(auditConfig().origin, other.publicKeyRaw) : vkey };
    const m = await signManifest(h, kept.length, chain, other.sign);
    const forged = join(keyDir, `forged-${carried}.jsonl`);
    writeFileSync(forged, [{ ...h, type: 'header' }, ...kept, { type: 'trailer', count: m.count, chain: m.chain, signature: m.signature }].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = cli(['verify', forged, '--key', pinnedKey]);
    t.equal(r.status, 1, `header carrying the ${carried} key: ${r.stdout}`);
    // Under the pinned key the gap left by the first removed deny record is found before the manifest is read.
    t.match(r.stdout, carried === 'attacker' ? /not the pinned key/ : /FAILED \(missing, first bad record seq 4\): seq 4 is missing/);
  }
});

t.test('an export carries a consistency proof from a trusted checkpoint; a rewritten log cannot produce one', async (t) => {
  const file = join(keyDir, 'consistent.csv');
  const early = join(keyDir, 'early-checkpoint.txt');
  const first = JSON.parse(readFileSync(checkpointsFile(audit(pristine)), 'utf8').split('\n')[0]) as { note: string };
  writeFileSync(early, first.note);
  t.equal(cli(['export', '--data-dir', pristine, '--signer-file', signerFile, '--format', 'csv', '--trusted-checkpoint', early, '--out', file]).status, 0);
  const ok = cli(['verify', file, '--key', pinnedKey, '--trusted-checkpoint', early]);
  t.equal(ok.status, 0, ok.stdout);
  // The same export checked against a checkpoint of a different history (same size, other root).
  const forkNote = first.note.replace(/\n([A-Za-z0-9+/=]{44})\n/, `\n${Buffer.alloc(32, 7).toString('base64')}\n`);
  writeFileSync(join(keyDir, 'fork.txt'), forkNote);
  const fork = cli(['verify', file, '--integrity-only', '--trusted-checkpoint', join(keyDir, 'fork.txt')]);
  t.equal(fork.status, 1, fork.stdout);
  t.match(fork.stdout, /FAILED \(fork\)/);
  const noProof = cli(['verify', join(keyDir, 'export.jsonl'), '--key', pinnedKey, '--trusted-checkpoint', early]);
  t.equal(noProof.status, 1);
  t.match(noProof.stdout, /carries no consistency proof/);
});

t.test('an export row with a shortened proof fails, even where a cached node would match', async (t) => {
  const file = join(keyDir, 'export.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const row = lines[2] as { seq: number; proof: string[] };
  t.equal(row.seq, 1);
  row.proof = row.proof.slice(0, -1);
  const cut = join(keyDir, 'short-proof.jsonl');
  writeFileSync(cut, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const r = cli(['verify', cut, '--key', pinnedKey]);
  t.equal(r.status, 1, r.stdout);
  t.match(r.stdout, /FAILED \(altered, first bad record seq 1\)/);
});

t.test('attack 6: content deleted by hand is told from content purged by retention (signed tombstones)', async (t) => {
  const dir = tempDataDir('trust-content');
  const log = await FileAuditLog.open({ dataDir: dir, audit: auditConfig(), keys: signer });
  const content = (i: number) => ({ request: { messages: [{ role: 'user', content: `q${i}` }] }, response: `a${i}` });
  for (let i = 0; i < 4; i++) await log.append(sampleRecord(i * 5), content(i));
  await sleep(50);
  const cutoff = new Date().toISOString();
  await sleep(50);
  for (let i = 4; i < 8; i++) await log.append(sampleRecord(i * 5), content(i));
  const later = (await log.get(6))!.record.response_digest!;
  await log.close();
  const wrongKey = cli(['purge-content', '--data-dir', dir, '--older-than', cutoff]);
  t.equal(wrongKey.status, 2, 'a key that is not the checkpoint key cannot write tombstones');
  const purge = cli(['purge-content', '--data-dir', dir, '--older-than', cutoff, '--signer-file', signerFile]);
  t.equal(purge.status, 0, purge.stderr);
  t.match(purge.stdout, /purged 8 content items .* each with a signed tombstone/);
  const ok = cli(['verify', '--data-dir', dir, '--key', pinnedKey]);
  t.equal(ok.status, 0, ok.stdout);
  t.match(ok.stdout, /8 content items checked, 8 purged by retention/);
  rmSync(join(contentDir(audit(dir)), later.slice(7, 9), `${later.slice(7)}.json`));
  const bad = cli(['verify', '--data-dir', dir, '--key', pinnedKey]);
  t.equal(bad.status, 1, bad.stdout);
  t.match(bad.stdout, new RegExp(`FAILED \\(content, first bad record seq 6\\): content ${later} of record seq 6 was deleted`));
});
