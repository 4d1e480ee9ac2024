// Child of the crash test: appends records as fast as it can and reports each append that
// resolved ("<seq> <decision_id>" per line) until it is killed.
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { signingKeysFrom } from '../gateway/signing/keys.js';
import { createPrivateKey } from 'node:crypto';
import { auditConfig, sampleRecord } from './audit-fixtures.js';

const [dataDir, keyPem] = process.argv.slice(2);
const keys = signingKeysFrom(createPrivateKey(Buffer.from(keyPem, 'base64').toString()), Buffer.alloc(32));
const log = await FileAuditLog.open({ dataDir, audit: auditConfig({ checkpointIntervalMs: 100, syncIntervalMs: 5 }), keys });
let next = (await log.size()) + 1_000_000;
async function worker(): Promise<void> {
  for (;;) {
    const i = next++;
    const withContent = i % 3 === 0;
    const { seq } = await log.append(sampleRecord(i), withContent ? { request: { prompt: `p${i}` }, response: { text: `r${i}` } } : undefined);
    process.stdout.write(`${seq} ${sampleRecord(i).decision_id}\n`);
  }
}
await Promise.all(Array.from({ length: 64 }, worker));
