// The single-node fingerprint index: LMDB (memory-mapped B+trees; pages live in the OS page cache,
// not the heap). Databases (lmdb-env.ts): outputs, refs, and words and loose postings: hash → the docs
// that sampled it, most recent first, at most MAX_LISTED (`holds` reads the output's own hashes). One
// exact read per lookup: one key per posting and a range read cost twice as much
// (bench/provenance/index-backends.ts), and most lookups miss. Reads run here; writes in a writer
// thread (writer-thread.ts), so the event loop never waits on a write.
import { existsSync, mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { BackendOutput, IndexBackend } from '../index-backend.js';
import type { FingerprintKind } from '../stored-output.js';
import { openIndexEnv, type IndexEnv } from './lmdb-env.js';
import type { WriterReply, WriterRequest } from './writer-thread.js';

const writerFile = new URL(import.meta.url.endsWith('.ts') ? './writer-thread.ts' : './writer-thread.js', import.meta.url);

export interface LmdbBackendOptions {
  /** The environment's directory (created by a writer). */
  path: string;
  /** Scanners read: nothing is created or written. */
  readOnly?: boolean;
}

export class LmdbBackend implements IndexBackend {
  readonly #index: IndexEnv | null;
  readonly #path: string;
  readonly #readOnly: boolean;
  #writer: Worker | null = null;
  #nextRequest = 0;
  readonly #waiting = new Map<number, { resolve: (reply: WriterReply) => void; reject: (err: Error) => void }>();

  constructor(options: LmdbBackendOptions) {
    this.#path = options.path;
    this.#readOnly = options.readOnly ?? false;
    // A reader before any writer has created the environment sees an empty index.
    if (this.#readOnly && !existsSync(options.path)) {
      this.#index = null;
      return;
    }
    if (!this.#readOnly) mkdirSync(options.path, { recursive: true });
    this.#index = openIndexEnv(options.path, this.#readOnly);
  }

  nextDoc(): number {
    for (const doc of this.#index?.outputs.getKeys({ reverse: true, limit: 1 }) ?? []) return doc + 1;
    return 0;
  }

  count(): number {
    return (this.#index?.outputs.getStats() as { entryCount: number } | undefined)?.entryCount ?? 0;
  }

  postings(kind: FingerprintKind, hash: number, out: number[], limit: number): void {
    // getBinaryFast: a buffer reused by the next read, copied out at once.
    const docs = this.#index?.postings[kind].getBinaryFast(hash);
    if (!docs) return;
    const n = Math.min(docs.length >>> 2, limit);
    for (let i = 0; i < n; i++) out.push(docs.readUInt32LE(4 * i));
  }

  output(doc: number): Uint8Array | undefined {
    return this.#index?.outputs.getBinary(doc);
  }

  docOfRef(ref: Uint8Array): number {
    const doc = this.#index?.refs.getBinary(Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength));
    return doc ? doc.readUInt32LE(0) : -1;
  }

  /** Reads from here on start from the latest commit, also one made by another thread or process (a detection thread's). */
  readLatest(): void {
    this.#index?.env.resetReadTxn();
  }

  async write(batch: BackendOutput[]): Promise<void> {
    await this.#ask({ write: batch });
  }

  async purgeBefore(cutoffMs: number): Promise<number> {
    return (await this.#ask({ purgeBefore: cutoffMs })).purged ?? 0;
  }

  async close(): Promise<void> {
    if (this.#writer) {
      await this.#ask({ close: true });
      await this.#writer.terminate();
    }
    await this.#index?.env.close();
  }

  /** Sends a request to the writer thread (started on first use); resolves once it is committed and readable here. */
  async #ask(request: Omit<WriterRequest, 'id'>): Promise<WriterReply> {
    if (this.#readOnly || !this.#index) throw new Error('fingerprint index: opened read-only');
    const id = this.#nextRequest++;
    const reply = await new Promise<WriterReply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      const writer = this.#writerThread();
      writer.ref();
      writer.postMessage({ id, ...request } satisfies WriterRequest);
    });
    if (reply.error) throw new Error(`fingerprint index: ${reply.error}`);
    // The writer committed in its own environment: this one's next read starts from that commit.
    this.#index.env.resetReadTxn();
    return reply;
  }

  #writerThread(): Worker {
    if (this.#writer) return this.#writer;
    // Under tsx (tests, benchmarks) a worker does not inherit its TypeScript hooks: it registers them first.
    const writer = writerFile.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(writerFile.href)}); })`, { eval: true, workerData: { path: this.#path } })
      : new Worker(writerFile, { workerData: { path: this.#path } });
    // Idle, it keeps no process alive; a request in flight does (the caller awaits it).
    writer.unref();
    writer.on('message', (reply: WriterReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) writer.unref();
      waiting?.resolve(reply);
    });
    writer.on('error', (err) => {
      for (const w of this.#waiting.values()) w.reject(err);
      this.#waiting.clear();
      this.#writer = null;
    });
    this.#writer = writer;
    return writer;
  }
}
