// Append throughput of the file-backed audit log:
//   npx tsx bench/audit/append.bench.ts [N] [CONCURRENCY] [--content] [--written]
// Counts an append as done when its `durable` promise (group-commit fsync) has settled, or with
// --written when append() resolved (bytes in the OS: what the request path waits for).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signingKeysFrom } from '../../gateway/signing/keys.js';
import { benchRecord } from './records.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';

const [nArg, cArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const n = Number(nArg ?? 200_000);
const concurrency = Number(cArg ?? 512);
const withContent = process.argv.includes('--content');
const waitDurable = !process.argv.includes('--written');
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-append-bench-'));
const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, Buffer.alloc(32));
const log = await FileAuditLog.open({ dataDir, keys, audit: { backend: 'file', origin: 'bench/audit', checkpointIntervalMs: 1000, syncIntervalMs: 5 } });

let next = 0;
const started = process.hrtime.bigint();
async function client(): Promise<void> {
  while (next < n) {
    const i = next++;
    const { durable } = await log.append(benchRecord(i), withContent ? { request: { messages: [{ role: 'user', content: `question ${i}` }] }, response: { text: `answer ${i}` } } : undefined);
    if (waitDurable) await durable;
  }
}
await Promise.all(Array.from({ length: concurrency }, client));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await log.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ bench: waitDurable ? 'audit durable append' : 'audit append (written to the OS)', records: n, concurrency, content: withContent, seconds: +seconds.toFixed(2), recordsPerSecond: Math.round(n / seconds) }));
