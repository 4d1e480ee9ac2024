// What the writer thread does to the index: a batch of outputs, or retention's purge, each in
// synchronous LMDB transactions (a list of docs per hash is read, extended and written back).
import { MAX_LISTED } from '../../fingerprint-index.js';
import type { BackendOutput } from '../index-backend.js';
import { decodeOutput, timeOf } from '../stored-output.js';
import type { IndexEnv } from './lmdb-env.js';

/** Docs by hash, of one batch (ascending) or one purge. */
type ByHash = Map<number, number[]>;

function byHash(entries: Iterable<{ doc: number; hashes: Uint32Array }>): ByHash {
  const map: ByHash = new Map();
  for (const { doc, hashes } of entries) {
    for (const h of hashes) {
      const docs = map.get(h);
      if (docs) docs.push(doc);
      else map.set(h, [doc]);
    }
  }
  return map;
}

/** A posting list's stored bytes (u32 LE each); the bulk loader of the benchmarks writes the same. */
export function docList(docs: number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * docs.length);
  for (let i = 0; i < docs.length; i++) out.writeUInt32LE(docs[i], 4 * i);
  return out;
}

export function writeBatch({ env, outputs, refs, postings }: IndexEnv, batch: BackendOutput[]): void {
  const added = { words: byHash(batch.map((o) => ({ doc: o.doc, hashes: o.words }))), loose: byHash(batch.map((o) => ({ doc: o.doc, hashes: o.loose }))) };
  env.transactionSync(() => {
    for (const o of batch) {
      outputs.putSync(o.doc, o.encoded);
      refs.putSync(Buffer.from(o.ref), docList([o.doc]));
    }
    for (const kind of ['words', 'loose'] as const) {
      for (const [hash, docs] of added[kind]) {
        const listed = postings[kind].getBinary(hash);
        const fresh = docList(docs.reverse());
        postings[kind].putSync(hash, listed ? Buffer.concat([fresh, listed]).subarray(0, 4 * MAX_LISTED) : fresh);
      }
    }
  });
}

/** Removes every output served before the cutoff, its postings and its ref, 1,000 outputs per transaction. */
export function purgeBefore({ env, outputs, refs, postings }: IndexEnv, cutoffMs: number): number {
  const old: number[] = [];
  for (const { key, value } of outputs.getRange({})) if (timeOf(value) < cutoffMs) old.push(key);
  for (let i = 0; i < old.length; i += 1000) {
    const slice = old.slice(i, i + 1000).flatMap((doc) => {
      const bytes = outputs.getBinary(doc);
      const facts = bytes ? decodeOutput(bytes) : null;
      return facts ? [{ doc, facts, ref: Buffer.from(facts.record.ref) }] : [];
    });
    const removed = new Set(slice.map((s) => s.doc));
    const touched = { words: byHash(slice.map((s) => ({ doc: s.doc, hashes: s.facts.words.hashes }))), loose: byHash(slice.map((s) => ({ doc: s.doc, hashes: s.facts.loose.hashes }))) };
    env.transactionSync(() => {
      for (const { doc, ref } of slice) {
        if (refs.getBinary(ref)?.readUInt32LE(0) === doc) refs.removeSync(ref);
        outputs.removeSync(doc);
      }
      for (const kind of ['words', 'loose'] as const) {
        for (const hash of touched[kind].keys()) {
          const listed = postings[kind].getBinary(hash);
          if (!listed) continue;
          const kept: number[] = [];
          for (let k = 0; k < listed.length; k += 4) if (!removed.has(listed.readUInt32LE(k))) kept.push(listed.readUInt32LE(k));
          if (kept.length > 0) postings[kind].putSync(hash, docList(kept));
          else postings[kind].removeSync(hash);
        }
      }
    });
  }
  return old.length;
}
