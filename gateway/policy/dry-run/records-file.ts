// Adapter: recorded calls from a JSONL file (an `audit export --format jsonl`), for dry runs outside the gateway.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CallRecord } from '../../core/contracts.js';

export async function* recordsFromJsonl(file: string): AsyncIterable<CallRecord> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const value = JSON.parse(line) as CallRecord | { record?: CallRecord };
    // Header, trailer and omitted-run lines of an export carry no record.
    const record = 'decision_id' in value ? value : value.record;
    if (record) yield record;
  }
}
