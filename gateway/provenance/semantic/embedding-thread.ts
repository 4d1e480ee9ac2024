// The gateway's side of the embedding thread: started on first use (a gateway that never serves a
// restricted output or screens a training record never loads the model), one request per batch,
// answers matched by id. The thread is unref'd, so an idle gateway can exit.
import { Worker } from 'node:worker_threads';
import { resolvesWithin } from '../../core/resolves-within.js';
import type { EmbedReply, EmbedRequest, EmbedWorkerData, IndexedOutput, OutputToIndex, StopRequest } from './embed-messages.js';

/** How long closing waits for a model run in progress (one batch of at most 32 windows) before terminating the thread. */
const STOP_GRACE_MS = 10_000;

const fromSource = import.meta.url.endsWith('.ts');
const workerFile = new URL(fromSource ? './embed-worker.ts' : './embed-worker.js', import.meta.url);
// Run from source (tsx, tap), the thread registers tsx's loader itself: Node 20 does not hand a
// thread the module hooks its parent registered. Built (dist/), it is plain JavaScript.
const sourceBootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(workerFile.href)}); });`;

export class EmbeddingThread {
  #worker: Worker | null = null;
  #next = 1;
  #forgetSeen = false;
  readonly #pending = new Map<number, { resolve: (reply: EmbedReply) => void; reject: (e: Error) => void }>();

  constructor(private readonly data: EmbedWorkerData) {}

  #start(): Worker {
    const w = fromSource ? new Worker(sourceBootstrap, { eval: true, workerData: this.data, stdout: false, stderr: false }) : new Worker(workerFile, { workerData: this.data, stdout: false, stderr: false });
    w.on('message', (reply: EmbedReply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply);
    });
    const fail = (err: Error) => {
      this.#worker = null;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    w.on('error', (err) => fail(new Error(`the embedding thread failed: ${err.message}`)));
    w.on('exit', (code) => fail(new Error(`the embedding thread exited (${code})`)));
    w.unref();
    return w;
  }

  /** One unit vector per text, back to back: the model's, or the coarse ones (token-vectors.ts). */
  async embed(texts: string[], coarse = false): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    const reply = await this.#ask(coarse ? { texts, coarse: true } : { texts });
    return 'vectors' in reply ? reply.vectors : new Float32Array(0);
  }

  /** Per output, the vectors of its windows not indexed before (see embed-worker.ts). */
  async index(outputs: OutputToIndex[]): Promise<IndexedOutput[]> {
    if (outputs.length === 0) return [];
    const forgetSeen = this.#forgetSeen;
    this.#forgetSeen = false;
    const reply = await this.#ask(forgetSeen ? { outputs, forgetSeen } : { outputs });
    return 'indexed' in reply ? reply.indexed : [];
  }

  /** Retention forgot outputs: the next index request first clears what the thread has seen (seen-windows.ts). */
  forgetSeen(): void {
    this.#forgetSeen = true;
  }

  #ask(request: { texts: string[]; coarse?: true } | { outputs: OutputToIndex[]; forgetSeen?: true }): Promise<EmbedReply> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#next++;
    return new Promise<EmbedReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // A pending request keeps the gateway's process alive; none pending, the thread does not.
      worker.ref();
      worker.postMessage({ id, ...request } satisfies EmbedRequest);
    }).finally(() => {
      if (this.#pending.size === 0) this.#worker?.unref();
    });
  }

  /** Asks the thread to end after the model run in progress; terminates it only if it has not ended within `graceMs`. */
  async close(graceMs = STOP_GRACE_MS): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.ref();
    w.postMessage({ stop: true } satisfies StopRequest);
    if (!(await resolvesWithin(exited, graceMs))) await w.terminate();
  }
}
