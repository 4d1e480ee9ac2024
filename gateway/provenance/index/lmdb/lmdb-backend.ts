// The single-node fingerprint index: LMDB (memory-mapped B+trees; pages live in the OS page cache,
// not the heap). Databases: outputs (doc → stored-output.ts bytes), refs (16-byte ref → doc), and
// words and loose postings: hash → the docs that sampled it as u32 LE, most recent first, at most
// MAX_LISTED (the lookup bound; `holds` reads the output's own hashes). One exact read per lookup: a
// range read per hash cost twice as much (bench/provenance/index-backends.ts), and most lookups miss.
import { existsSync, mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { BackendOutput, IndexBackend } from '../index-backend.js';
import { MAX_LISTED } from '../../fingerprint-index.js';
import { decodeOutput, timeOf, type FingerprintKind } from '../stored-output.js';

export interface LmdbBackendOptions {
  /** The environment's directory (created by a writer). */
  path: string;
  /** Scanners read: nothing is created or written. */
  readOnly?: boolean;
}

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

function docList(docs: number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * docs.length);
  for (let i = 0; i < docs.length; i++) out.writeUInt32LE(docs[i], 4 * i);
  return out;
}

export class LmdbBackend implements IndexBackend {
  readonly #env: RootDatabase | null;
  readonly #outputs: Database<Buffer, number> | null;
  readonly #refs: Database<Buffer, Buffer> | null;
  readonly #postings: Record<FingerprintKind, Database<Buffer, number>> | null;
  readonly #readOnly: boolean;

  constructor(options: LmdbBackendOptions) {
    this.#readOnly = options.readOnly ?? false;
    // A reader before any writer has created the environment sees an empty index.
    if (options.readOnly && !existsSync(options.path)) {
      this.#env = this.#outputs = this.#refs = this.#postings = null;
      return;
    }
    if (!options.readOnly) mkdirSync(options.path, { recursive: true });
    // 1 TiB of address space, not of disk: the file grows as pages are written.
    this.#env = open({ path: options.path, maxDbs: 4, mapSize: 2 ** 40, readOnly: options.readOnly ?? false });
    this.#outputs = this.#env.openDB({ name: 'outputs', keyEncoding: 'uint32', encoding: 'binary' });
    this.#refs = this.#env.openDB({ name: 'refs', keyEncoding: 'binary', encoding: 'binary' });
    this.#postings = {
      words: this.#env.openDB({ name: 'words', keyEncoding: 'uint32', encoding: 'binary' }),
      loose: this.#env.openDB({ name: 'loose', keyEncoding: 'uint32', encoding: 'binary' }),
    };
  }

  nextDoc(): number {
    for (const doc of this.#outputs?.getKeys({ reverse: true, limit: 1 }) ?? []) return doc + 1;
    return 0;
  }

  count(): number {
    return (this.#outputs?.getStats() as { entryCount: number } | undefined)?.entryCount ?? 0;
  }

  postings(kind: FingerprintKind, hash: number, out: number[], limit: number): void {
    // getBinaryFast: a buffer reused by the next read, copied out at once.
    const docs = this.#postings?.[kind].getBinaryFast(hash);
    if (!docs) return;
    const n = Math.min(docs.length >>> 2, limit);
    for (let i = 0; i < n; i++) out.push(docs.readUInt32LE(4 * i));
  }

  output(doc: number): Uint8Array | undefined {
    return this.#outputs?.getBinary(doc);
  }

  docOfRef(ref: Uint8Array): number {
    const doc = this.#refs?.getBinary(Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength));
    return doc ? doc.readUInt32LE(0) : -1;
  }

  async write(batch: BackendOutput[]): Promise<void> {
    const { outputs, refs, postings } = this.#writable();
    const added = { words: byHash(batch.map((o) => ({ doc: o.doc, hashes: o.words }))), loose: byHash(batch.map((o) => ({ doc: o.doc, hashes: o.loose }))) };
    await this.#env!.transaction(() => {
      for (const o of batch) {
        outputs.put(o.doc, o.encoded);
        refs.put(Buffer.from(o.ref), docList([o.doc]));
      }
      for (const kind of ['words', 'loose'] as const) {
        for (const [hash, docs] of added[kind]) {
          const listed = postings[kind].getBinary(hash);
          const fresh = docList(docs.reverse());
          postings[kind].put(hash, listed ? Buffer.concat([fresh, listed]).subarray(0, 4 * MAX_LISTED) : fresh);
        }
      }
    });
  }

  async purgeBefore(cutoffMs: number): Promise<number> {
    const { outputs, refs, postings } = this.#writable();
    const old: number[] = [];
    for (const { key, value } of outputs.getRange({})) if (timeOf(value) < cutoffMs) old.push(key);
    // In slices, so one purge never holds the write lock (or the event loop) for long.
    for (let i = 0; i < old.length; i += 1000) {
      const slice = old.slice(i, i + 1000).flatMap((doc) => {
        const bytes = outputs.getBinary(doc);
        const facts = bytes ? decodeOutput(bytes) : null;
        return facts ? [{ doc, facts, ref: Buffer.from(facts.record.ref) }] : [];
      });
      const removed = new Set(slice.map((s) => s.doc));
      const touched = { words: byHash(slice.map((s) => ({ doc: s.doc, hashes: s.facts.words.hashes }))), loose: byHash(slice.map((s) => ({ doc: s.doc, hashes: s.facts.loose.hashes }))) };
      await this.#env!.transaction(() => {
        for (const { doc, ref } of slice) {
          if (refs.getBinary(ref)?.readUInt32LE(0) === doc) refs.remove(ref);
          outputs.remove(doc);
        }
        for (const kind of ['words', 'loose'] as const) {
          for (const hash of touched[kind].keys()) {
            const listed = postings[kind].getBinary(hash);
            if (!listed) continue;
            const kept: number[] = [];
            for (let k = 0; k < listed.length; k += 4) if (!removed.has(listed.readUInt32LE(k))) kept.push(listed.readUInt32LE(k));
            if (kept.length > 0) postings[kind].put(hash, docList(kept));
            else postings[kind].remove(hash);
          }
        }
      });
    }
    return old.length;
  }

  async close(): Promise<void> {
    await this.#env?.close();
  }

  #writable() {
    if (this.#readOnly || !this.#outputs || !this.#refs || !this.#postings) throw new Error('fingerprint index: opened read-only');
    return { outputs: this.#outputs, refs: this.#refs, postings: this.#postings };
  }
}
