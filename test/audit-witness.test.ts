// Witnessed checkpoints with two `termsgate witness` processes and quorum 2: each checkpoint carries
// both cosignatures and verifies with the pinned witness keys; a rollback and a fork (two different
// trees grown from one checkpoint) are refused by the witnesses and detected by `audit verify`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { request } from 'undici';
import { verifierKey } from '../gateway/tlog/checkpoint.js';
import { verifyCosignatures } from '../gateway/tlog/cosignature.js';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { auditDir, checkpointsFile } from '../gateway/audit/file/layout.js';
import { readFrame } from '../gateway/audit/file/frame.js';
import { encodeAddCheckpoint } from '../gateway/tlog/add-checkpoint.js';
import { loadCheckpointSigner } from '../gateway/signing/checkpoint-signer.js';
import { auditConfig, sampleRecord, tempDataDir } from './audit-fixtures.js';
import { startDemoGateway } from './support/demo-gateway.js';

const main = fileURLToPath(new URL('../dist/gateway/cli/main.js', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

const keyDir = tempDataDir('witness-keys');
const signerFile = join(keyDir, 'log.pem');
writeFileSync(signerFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
const signer = loadCheckpointSigner({ file: signerFile }, '/nonexistent-data-dir');
const logKeyFile = join(keyDir, 'log.vkey');
writeFileSync(logKeyFile, verifierKey(auditConfig().origin, signer.publicKeyRaw) + '\n');
// A second log (a whole gateway) with the same key under its own origin.
const GATEWAY_ORIGIN = 'termsgate.test/gateway';
const gatewayKeyFile = join(keyDir, 'gateway.vkey');
writeFileSync(gatewayKeyFile, verifierKey(GATEWAY_ORIGIN, signer.publicKeyRaw) + '\n');

interface Witness {
  name: string;
  url: string;
  vkey: string;
  keyFile: string;
  stateDir: string;
  proc: ChildProcess;
}
const witnesses: Witness[] = [];
const file = (name: string) => name.replace(/\W/g, '_');

async function startWitness(name: string): Promise<Witness> {
  const keyFile = join(keyDir, `${file(name)}.pem`);
  const vkey = cli(['witness', 'keygen', '--name', name, '--key', keyFile]).stdout.trim();
  writeFileSync(join(keyDir, `${file(name)}.vkey`), vkey + '\n');
  const stateDir = tempDataDir(`witness-${file(name)}`);
  const proc = spawn(process.execPath, [main, 'witness', '--name', name, '--key', keyFile, '--state-dir', stateDir, '--log-key', logKeyFile, '--log-key', gatewayKeyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const banner = await new Promise<string>((resolve, reject) => {
    let text = '';
    proc.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('\nvkey ')) resolve(text);
    });
    proc.once('exit', (code) => reject(new Error(`witness exited with ${code}`)));
  });
  const url = /listening on (\S+)/.exec(banner)![1];
  t.equal(/vkey (\S+)/.exec(banner)![1], vkey, `${name} prints the vkey keygen printed`);
  return { name, url, vkey, keyFile, stateDir, proc };
}

const witnessArgs = () => [...witnesses.flatMap((w) => ['--witness-key', join(keyDir, `${file(w.name)}.vkey`)]), '--quorum', '2'];
const stateFile = (w: Witness) => join(w.stateDir, readdirSync(w.stateDir).find((f) => f.endsWith('.checkpoint'))!);
const errors: string[] = [];

async function openLog(dataDir: string): Promise<FileAuditLog> {
  return FileAuditLog.open({
    dataDir,
    audit: auditConfig({ witnesses: witnesses.map((w) => ({ url: w.url, key: w.vkey })), witnessQuorum: 2 }),
    keys: signer,
    onError: (err) => errors.push(err.message),
  });
}

const dataDir = tempDataDir('witnessed');
const atTen = tempDataDir('witnessed-at-10');

t.before(async () => {
  witnesses.push(await startWitness('witness.test/w1'), await startWitness('witness.test/w2'));
  const log = await openLog(dataDir);
  for (let i = 0; i < 10; i++) await log.append(sampleRecord(i));
  await log.close();
  rmSync(atTen, { recursive: true });
  cpSync(dataDir, atTen, { recursive: true });
  const again = await openLog(dataDir);
  for (let i = 10; i < 20; i++) await again.append(sampleRecord(i));
  await again.close();
});
t.teardown(() => {
  for (const w of witnesses) w.proc.kill('SIGTERM');
});

t.test('each checkpoint carries both cosignatures and verifies with quorum 2', async (t) => {
  t.same(errors, [], 'no witness refused');
  const notes = readFileSync(checkpointsFile(auditDir(dataDir)), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { note: string }).note);
  t.equal(notes.length, 2);
  for (const note of notes) t.same(verifyCosignatures(note, witnesses.map((w) => w.vkey)).map((c) => c.name), ['witness.test/w1', 'witness.test/w2']);
  const r = cli(['audit', 'verify', '--data-dir', dataDir, '--key', logKeyFile, ...witnessArgs(), '--trusted-checkpoint', stateFile(witnesses[0])]);
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.match(r.stdout, /20 records, 2 checkpoints .*pinned key, 2 of 2 witnesses, trusted checkpoint of size 20\): OK/);
  // A witness that is not pinned does not count towards the quorum.
  const stranger = cli(['witness', 'keygen', '--name', 'witness.test/w3', '--key', join(keyDir, 'w3.pem')]).stdout.trim();
  writeFileSync(join(keyDir, 'w3.vkey'), stranger);
  const short = cli(['audit', 'verify', '--data-dir', dataDir, '--key', logKeyFile, '--witness-key', join(keyDir, `${file('witness.test/w1')}.vkey`), '--witness-key', join(keyDir, 'w3.vkey'), '--quorum', '2']);
  t.equal(short.status, 1);
  t.match(short.stdout, /FAILED \(witness, first bad record seq 20\).*cosigned by 1 of the 2 pinned witnesses/);
});

t.test('an export of the witnessed log carries the cosigned checkpoint and verifies with the witness quorum', async (t) => {
  const file = join(keyDir, 'witnessed.jsonl');
  const exp = cli(['audit', 'export', '--data-dir', dataDir, '--signer-file', signerFile, '--format', 'jsonl', '--out', file]);
  t.equal(exp.status, 0, exp.stderr);
  const ok = cli(['audit', 'verify', file, '--key', logKeyFile, ...witnessArgs()]);
  t.equal(ok.status, 0, ok.stdout);
  // The same export with its cosignature lines stripped from the header's checkpoint.
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(lines[0]) as { checkpoint: string };
  header.checkpoint = header.checkpoint.split('\n').filter((l) => !l.startsWith('\u2014 witness.test/')).join('\n');
  const stripped = join(keyDir, 'stripped.jsonl');
  writeFileSync(stripped, [JSON.stringify(header), ...lines.slice(1)].join('\n') + '\n');
  const bad = cli(['audit', 'verify', stripped, '--key', logKeyFile, ...witnessArgs()]);
  t.equal(bad.status, 1, bad.stdout);
  t.match(bad.stdout, /FAILED \(witness\): the export's checkpoint \(size 20\) is not witnessed/);
});

t.test('rollback: the operator cuts the log back to size 10 and goes on; the witnesses refuse, verify detects', async (t) => {
  const dir = tempDataDir('witness-rollback');
  rmSync(dir, { recursive: true });
  cpSync(atTen, dir, { recursive: true });
  // Offline, the rolled-back store is self-consistent and its newest checkpoint is cosigned: only state
  // kept outside it (the witness's latest cosigned checkpoint) shows what is missing.
  const trusted = cli(['audit', 'verify', '--data-dir', dir, '--key', logKeyFile, ...witnessArgs(), '--trusted-checkpoint', stateFile(witnesses[1])]);
  t.equal(trusted.status, 1, trusted.stdout);
  t.match(trusted.stdout, /FAILED \(rollback, first bad record seq 10\)/);
  errors.length = 0;
  const log = await openLog(dir);
  for (let i = 100; i < 105; i++) await log.append(sampleRecord(i));
  await log.close();
  t.equal(errors.length, 1);
  t.match(errors[0], /0 of 2 cosignatures.*larger than this checkpoint of 15: the log was rolled back/);
  const r = cli(['audit', 'verify', '--data-dir', dir, '--key', logKeyFile, ...witnessArgs()]);
  t.equal(r.status, 1, r.stdout);
  t.match(r.stdout, /FAILED \(witness, first bad record seq 15\): the newest checkpoint \(size 15/);
});

for (const size of [20, 25]) {
  t.test(`fork: a different tree of size ${size} grown from the checkpoint of size 10 is refused and detected`, async (t) => {
    const dir = tempDataDir('witness-fork');
    rmSync(dir, { recursive: true });
    cpSync(atTen, dir, { recursive: true });
    errors.length = 0;
    const log = await openLog(dir);
    for (let i = 10; i < size; i++) await log.append(sampleRecord(i, { latency_ms: 7 }));
    await log.close();
    t.equal(errors.length, 1);
    t.match(errors[0], size === 20 ? /different tree of the same size was cosigned \(fork\)/ : /not a consistent extension/);
    const r = cli(['audit', 'verify', '--data-dir', dir, '--key', logKeyFile, ...witnessArgs()]);
    t.equal(r.status, 1, r.stdout);
    t.match(r.stdout, /FAILED \(witness/);
    const trusted = cli(['audit', 'verify', '--data-dir', dir, '--key', logKeyFile, '--trusted-checkpoint', stateFile(witnesses[0])]);
    t.equal(trusted.status, 1);
    t.match(trusted.stdout, /FAILED \(fork\)/);
    // The witnesses still hold the honest tree of size 20.
    for (const w of witnesses) t.match(readFileSync(stateFile(w), 'utf8'), /^termsgate\.test\/audit\n20\n/);
  });
}

t.test('the witness answers the specification statuses', async (t) => {
  const w = witnesses[0];
  const post = async (body: string) => {
    const res = await request(`${w.url}/add-checkpoint`, { method: 'POST', body });
    return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
  };
  const note = (JSON.parse(readFileSync(checkpointsFile(auditDir(dataDir)), 'utf8').split('\n')[1]) as { note: string }).note;
  t.equal((await post('garbage')).status, 400, 'malformed');
  t.equal((await post(encodeAddCheckpoint({ oldSize: 0, proof: [], note: note.replace(/^termsgate\.test\/audit/, 'other.test/log') }))).status, 404, 'unknown origin');
  const unsigned = note.split('\n\n')[0] + '\n\n\u2014 termsgate.test/audit AAAAAAAA\n';
  t.equal((await post(encodeAddCheckpoint({ oldSize: 0, proof: [], note: unsigned }))).status, 403, 'no trusted signature');
  t.equal((await post(encodeAddCheckpoint({ oldSize: 21, proof: [], note }))).status, 400, 'old size above the checkpoint');
  const stale = await post(encodeAddCheckpoint({ oldSize: 0, proof: [], note }));
  t.same([stale.status, stale.type, stale.text], [409, 'text/x.tlog.size', '20\n'], 'a stale old size learns the cosigned size');
  const same = await post(encodeAddCheckpoint({ oldSize: 20, proof: [], note }));
  t.equal(same.status, 200, 'the same checkpoint again is cosigned');
  t.equal(verifyCosignatures(note + same.text, [w.vkey]).length, 1);
  t.equal((await request(`${w.url}/add-checkpoint`)).statusCode, 405);
});

t.test('a gateway with audit.witnesses: its checkpoints are cosigned, and its witness configuration is a recorded change', async (t) => {
  const gw = await startDemoGateway((c) => {
    c.audit = { ...c.audit, origin: GATEWAY_ORIGIN, signer: { file: signerFile }, witnesses: witnesses.map((w) => ({ url: w.url, key: w.vkey })), witnessQuorum: 2 };
  });
  t.teardown(() => gw.close());
  const admin = { authorization: `Bearer ${gw.adminToken}` };
  const call = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
  });
  t.equal(call.statusCode, 200);
  await call.body.text();
  const cp = (await (await request(`${gw.url}/admin/v1/audit/checkpoint`, { method: 'POST', headers: admin })).body.json()) as { note: string; size: number };
  t.same(verifyCosignatures(cp.note, witnesses.map((w) => w.vkey)).map((c) => c.name), ['witness.test/w1', 'witness.test/w2'], 'cosigned by both witnesses');
  const changes = (await (await request(`${gw.url}/admin/v1/changes?action=audit.witnesses`, { headers: admin })).body.json()) as { changes: { seq: number; record: { actor: { type: string }; after: string; target: string } }[] };
  t.equal(changes.changes.length, 1);
  t.match(changes.changes[0], { seq: 0, record: { actor: { type: 'config' }, target: GATEWAY_ORIGIN } });
  t.same(JSON.parse(changes.changes[0].record.after), { witnesses: witnesses.map((w) => ({ url: w.url, key: w.vkey })), quorum: 2 });
});
