// Loads a fresh fingerprint index with what the gateway's writer would hold after `remember` of the
// same outputs in order (stored-output.ts bytes, refs, and postings most recent first, at most
// MAX_LISTED), written in key order. The writer (index/lmdb/index-writes.ts) rereads and rewrites a
// posting list per batch, which took 44 minutes for 250,000 outputs; a scan measured against a million
// needs the same bytes in minutes. bulk-index.test.ts checks it against the writer, byte for byte.
import { existsSync, mkdirSync } from 'node:fs';
import { MAX_LISTED } from '../../gateway/provenance/fingerprint-index.js';
import { fingerprintOf } from '../../gateway/provenance/fingerprint.js';
import { docList } from '../../gateway/provenance/index/lmdb/index-writes.js';
import { openIndexEnv } from '../../gateway/provenance/index/lmdb/lmdb-env.js';
import { decodeOutput, encodeOutput, type FingerprintKind } from '../../gateway/provenance/index/stored-output.js';
import { indexPath, storedOutput, type RememberArgs } from '../../gateway/provenance/provenance.js';

// A posting packed in a double: hash × 2^21 + (2^21 − 1 − doc) < 2^53, so one native numeric sort orders
// postings by hash, then most recent first.
const DOC_BITS = 21;
const DOC_SPAN = 2 ** DOC_BITS;
const PARTITIONS = 256;
const OUTPUTS_PER_TXN = 10_000;

/** A growable Float64Array. */
class Postings {
  #values = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = v;
  }
  sorted(): Float64Array {
    return this.#values.subarray(0, this.length).sort();
  }
}

/** Loads outputs 0..count-1 (`outputOf(doc)`) into an index that does not exist yet; resolves when it is closed. */
export async function bulkIndex(dataDir: string, count: number, outputOf: (doc: number) => RememberArgs, progress?: (done: number) => void): Promise<void> {
  if (count > DOC_SPAN) throw new Error(`bulk index: at most ${DOC_SPAN} outputs`);
  const path = indexPath(dataDir);
  if (existsSync(path)) throw new Error(`bulk index: ${path} exists`);
  mkdirSync(path, { recursive: true });
  const { env, outputs, refs, postings } = openIndexEnv(path, false);
  const partitions: Record<FingerprintKind, Postings[]> = {
    words: Array.from({ length: PARTITIONS }, () => new Postings()),
    loose: Array.from({ length: PARTITIONS }, () => new Postings()),
  };
  for (let from = 0; from < count; from += OUTPUTS_PER_TXN) {
    env.transactionSync(() => {
      for (let doc = from; doc < Math.min(from + OUTPUTS_PER_TXN, count); doc++) {
        const args = outputOf(doc);
        const encoded = encodeOutput(storedOutput(args, fingerprintOf(args.text)));
        const facts = decodeOutput(encoded)!;
        outputs.putSync(doc, encoded);
        refs.putSync(Buffer.from(facts.record.ref), docList([doc]));
        for (const kind of ['words', 'loose'] as const) {
          for (const h of facts[kind].hashes) partitions[kind][h >>> 24].push(h * DOC_SPAN + (DOC_SPAN - 1 - doc));
        }
      }
    });
    progress?.(Math.min(from + OUTPUTS_PER_TXN, count));
  }
  for (const kind of ['words', 'loose'] as const) {
    for (let p = 0; p < PARTITIONS; p++) {
      const sorted = partitions[kind][p].sorted();
      partitions[kind][p] = new Postings();
      env.transactionSync(() => {
        let i = 0;
        while (i < sorted.length) {
          const hash = Math.floor(sorted[i] / DOC_SPAN);
          const docs: number[] = [];
          for (; i < sorted.length && Math.floor(sorted[i] / DOC_SPAN) === hash; i++) {
            if (docs.length < MAX_LISTED) docs.push(DOC_SPAN - 1 - (sorted[i] % DOC_SPAN));
          }
          postings[kind].putSync(hash, docList(docs));
        }
      });
    }
  }
  await env.close();
}
