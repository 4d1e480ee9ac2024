// What pinned trust and witnesses cost a store verification:
// `npx tsx bench/audit/verify-witnessed.bench.ts [N]` (default 200,000 records) builds a store of N
// records with a checkpoint every N/10 records, each cosigned by two in-process witnesses, then
// verifies it integrity-only, with the pinned key, and with the key, both witnesses (quorum 2) and a
// trusted checkpoint (the second witness's state).
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyRawBytes, signingKeysFrom } from '../../gateway/signing/keys.js';
import { startWitness } from '../../gateway/witness/witness-server.js';
import { WitnessState } from '../../gateway/witness/witness-state.js';
import { benchRecord } from './records.js';
import { verifierKey } from '../../gateway/tlog/checkpoint.js';
import { cosignerVerifierKey, verifyCosignatures } from '../../gateway/tlog/cosignature.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';
import type { TrustAnchors } from '../../gateway/tlog/trust.js';
import { verifyStore } from '../../gateway/audit/file/verify.js';

const n = Number(process.argv[2] ?? 200_000);
const root = mkdtempSync(join(tmpdir(), 'termsgate-verify-witnessed-'));
const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, Buffer.alloc(32));
const audit = { backend: 'file' as const, origin: 'bench/audit', checkpointIntervalMs: 0, syncIntervalMs: 5 };
const logKey = verifierKey(audit.origin, keys.publicKeyRaw);

const witnesses = await Promise.all(
  ['bench.witness/w1', 'bench.witness/w2'].map(async (name, i) => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const cosigner = { name, publicKeyRaw: publicKeyRawBytes(createPublicKey(privateKey)), sign: (m: Uint8Array) => sign(null, m, privateKey) };
    const state = new WitnessState(join(root, `w${i}`));
    const server = await startWitness({ cosigner, logKeys: new Map([[audit.origin, [logKey]]]), state, host: '127.0.0.1', port: 0 });
    return { ...server, stateDir: join(root, `w${i}`), key: cosignerVerifierKey(name, cosigner.publicKeyRaw) };
  }),
);

const dataDir = join(root, 'data');
const log = await FileAuditLog.open({ dataDir, keys, audit: { ...audit, witnesses: witnesses.map((w) => ({ url: w.url, key: w.key })) }, onError: (e) => console.error(e.message) });
let next = 0;
const every = Math.ceil(n / 10);
while (next < n) {
  const end = Math.min(n, next + every);
  const worker = async () => {
    while (next < end) await log.append(benchRecord(next++));
  };
  await Promise.all(Array.from({ length: 256 }, worker));
  await log.checkpoint();
}
await log.close();
for (const w of witnesses) await w.close();

const stateFile = join(witnesses[1].stateDir, readdirSync(witnesses[1].stateDir).find((f) => f.endsWith('.checkpoint'))!);
const none: TrustAnchors = { witnessKeys: [], quorum: 0, maxTailMs: Infinity };
const runs: [string, TrustAnchors][] = [
  ['integrity only', none],
  ['pinned key', { ...none, verifierKey: logKey, maxTailMs: 20_000 }],
  ['pinned key + 2 witnesses (quorum 2) + trusted checkpoint', { verifierKey: logKey, witnessKeys: witnesses.map((w) => w.key), quorum: 2, trustedCheckpoint: readFileSync(stateFile, 'utf8'), maxTailMs: 20_000 }],
];
const results = [];
for (const [name, trust] of runs) {
  const t0 = performance.now();
  const r = await verifyStore(dataDir, { trust });
  const seconds = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problem)}`);
  results.push({ name, seconds: +seconds.toFixed(2), recordsPerSecond: Math.round(r.records / seconds), checkpoints: r.checkpoints });
}
// The witnesses' share in isolation: checking both cosignatures of one checkpoint.
const note = readFileSync(stateFile, 'utf8');
const reps = 2000;
const t0 = performance.now();
for (let i = 0; i < reps; i++) verifyCosignatures(note, witnesses.map((w) => w.key));
const cosignatureCheckMicros = Math.round(((performance.now() - t0) / reps) * 1000);
rmSync(root, { recursive: true, force: true });
console.log(JSON.stringify({ bench: 'audit verify with witnesses', records: n, results, quorumCheckOfOneCheckpoint: { witnesses: 2, microseconds: cosignatureCheckMicros } }, null, 1));
