// Classifies forwarded bodies: small ones inline, the rest in a worker pool (piscina) so a 4 MB
// prompt cannot hold up other calls or /healthz. Bounded on both paths:
// - inline only when the work a body implies (its characters, and a cost for each string, key, number
//   and level of nesting: a body of a million empty strings is not "small") is under a cap sized to a
//   few milliseconds of the event loop;
// - in the pool, each task has a budget of time on a thread, counted from when a thread takes it, not
//   from when it was queued; the wait for a thread has its own deadline and a bounded queue, and a body
//   that finds the pool full is answered "busy" (ClassifierBusy, 503), not denied as if it held secrets.
// A body that cannot be classified (budget spent, pool busy, a failure) is never forwarded: every path
// rejects, and the request path fails closed.
import { Piscina } from 'piscina';
import type { BodyClassification } from '../core/contracts.js';
import { inspect, type InspectTask } from './inspect.js';
import { maskNonce, type MaskResult } from './mask.js';
import type { DetectorHook } from './detector-hook.js';
import { mergeClassifications } from './body.js';
import { bodyPieces } from './walk.js';

export interface ClassifierOptions {
  /** Bodies whose strings total more than this many characters go to the pool. */
  inlineChars: number;
  /** Bodies whose work (bodyWork) is more than this go to the pool; sized to a few ms inline. */
  inlineWork?: number;
  /** Budget of one classification in the pool, in milliseconds on a thread (the wait for a thread not included). */
  budgetMs: number;
  /** How long a body may wait for a pool thread before it is answered busy, in milliseconds. */
  queueMs?: number;
  /** How many bodies may wait for a pool thread; one more is answered busy at once. */
  queueMax?: number;
  /** Decoded bytes (base64, data: URIs) inspected per body. */
  decodedBytes: number;
  threads: number;
}

export const DEFAULT_INLINE_WORK = 16_384;
export const DEFAULT_QUEUE_MS = 10_000;
export const DEFAULT_QUEUE_MAX = 64;

export class ClassificationBudgetExceeded extends Error {
  constructor(budgetMs: number) {
    super(`the request could not be classified within ${budgetMs} ms`);
  }
}

/** The pool had no thread for the body in time, or its queue was full: a transient condition, not a finding. */
export class ClassifierBusy extends Error {
  /** The HTTP status that fits: the gateway is overloaded, the request may be retried. */
  readonly status = 503;
  readonly code = 'classifier_busy';
  constructor(reason: string) {
    super(`the classifier is busy (${reason}); retry later`);
  }
}

export interface Classifier {
  /** The body's classification with the forwarded headers' (paths `header user-agent`). */
  classify(body: Record<string, unknown>, headers: Record<string, string>): Promise<BodyClassification>;
  /** Replaces every finding of `classes` in the body by a typed placeholder; rejects when the result, or a header, still shows one. */
  mask(body: Record<string, unknown>, classes: string[], headers: Record<string, string>): Promise<MaskResult>;
  /** Pool figures: bodies waiting for a thread, running, and the last queue wait in ms. */
  stats(): { queued: number; running: number; lastQueueWaitMs: number };
  close(): Promise<void>;
}

// Under tsx (tests) the sources are .ts; built, they are .js next to this module.
const workerFile = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url).href;

interface Waiting {
  task: InspectTask;
  resolve: (v: Awaited<ReturnType<typeof inspect>>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  queuedAt: number;
}

export function createClassifier(opts: ClassifierOptions, hook?: DetectorHook): Classifier {
  const inlineWork = opts.inlineWork ?? DEFAULT_INLINE_WORK;
  const queueMs = opts.queueMs ?? DEFAULT_QUEUE_MS;
  const queueMax = opts.queueMax ?? DEFAULT_QUEUE_MAX;
  let pool: Piscina | null = null;
  // Our own queue in front of piscina: a task is handed to piscina only when a thread is free, so the
  // budget's timer starts when the task starts running, and the wait is bounded separately.
  const waiting: Waiting[] = [];
  let running = 0;
  let lastQueueWaitMs = 0;
  let closed = false;

  const start = (w: Waiting) => {
    clearTimeout(w.timer);
    lastQueueWaitMs = performance.now() - w.queuedAt;
    running++;
    pool ??= new Piscina({ filename: workerFile, minThreads: 0, maxThreads: opts.threads, idleTimeout: 5_000 });
    // On abort piscina terminates the thread running the task, so a runaway classification is stopped.
    (pool.run(w.task, { signal: AbortSignal.timeout(opts.budgetMs) }) as Promise<Awaited<ReturnType<typeof inspect>>>)
      .then(w.resolve, (err: Error) => w.reject(err.name === 'AbortError' ? new ClassificationBudgetExceeded(opts.budgetMs) : err))
      .finally(() => {
        running--;
        const next = waiting.shift();
        if (next) start(next);
      });
  };

  const inPool = (task: InspectTask) =>
    new Promise<Awaited<ReturnType<typeof inspect>>>((resolve, reject) => {
      if (closed) return reject(new Error('the classifier is closed'));
      const w: Waiting = { task, resolve, reject, timer: undefined as unknown as NodeJS.Timeout, queuedAt: performance.now() };
      if (running < opts.threads) return start(w);
      if (waiting.length >= queueMax) return reject(new ClassifierBusy(`${waiting.length} bodies already wait for a thread`));
      w.timer = setTimeout(() => {
        const i = waiting.indexOf(w);
        if (i >= 0) waiting.splice(i, 1);
        reject(new ClassifierBusy(`no thread within ${queueMs} ms`));
      }, queueMs);
      w.timer.unref?.();
      waiting.push(w);
    });

  const run = async (task: InspectTask) => {
    if (isSmall(task.body, opts.inlineChars, inlineWork)) return inspect(task);
    return inPool(task);
  };
  return {
    async classify(body, headers) {
      // Headers and body in one view (body.ts scanView), so a key split between them is joined.
      const [local, external] = await Promise.all([run({ op: 'classify', body, headers, decodedBytes: opts.decodedBytes }), hook?.classify(bodyPieces(body))]);
      return external ? mergeClassifications(local as BodyClassification, external) : (local as BodyClassification);
    },
    async mask(body, classes, headers) {
      // A class found in a header, alone or joined with the body, cannot be masked there: refused.
      const view = (await run({ op: 'classify', body, headers, decodedBytes: opts.decodedBytes })) as BodyClassification;
      const inHeaders = classes.filter((c) => view.paths[c]?.some((p) => p.startsWith('header ')));
      if (inHeaders.length > 0) throw new Error(`${inHeaders.join(', ')} in a forwarded header cannot be masked`);
      // Only the patterns can place what they mask; a class the external detector reports is refused instead.
      const external = classes.filter((c) => hook?.reports(c));
      if (external.length > 0) throw new Error(`${external.join(', ')} from the external detector cannot be masked`);
      // The nonce is drawn here, per call, not in the task: the worker threads share no state with calls.
      return (await run({ op: 'mask', body, classes, decodedBytes: opts.decodedBytes, nonce: maskNonce() })) as MaskResult;
    },
    stats: () => ({ queued: waiting.length, running, lastQueueWaitMs }),
    async close() {
      closed = true;
      for (const w of waiting.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new ClassifierBusy('the classifier is closing'));
      }
      await pool?.destroy();
    },
  };
}

/** What one string, key, number or level of nesting costs beyond its characters, in characters' worth of work. */
export const NODE_WORK = 64;

/**
 * The work a body implies, in characters' worth: the characters of its strings and keys, plus NODE_WORK
 * for every value, key and nesting level (each string is a piece with its own windows onto its
 * neighbours, so a body of many empty strings is costly too). Counted until `limit` is passed; iterative.
 */
export function bodyWork(body: unknown, limit: number): { chars: number; work: number } {
  let chars = 0;
  let work = 0;
  const stack: unknown[] = [body];
  while (stack.length > 0 && work <= limit) {
    const v = stack.pop();
    work += NODE_WORK;
    if (typeof v === 'string') {
      chars += v.length;
      work += v.length;
    } else if (Array.isArray(v)) {
      // Each element costs at least NODE_WORK when popped: more than `room` of them pass the limit anyway,
      // so a huge array is not copied onto the stack.
      const room = Math.min(v.length, Math.floor((limit - work) / NODE_WORK) + 1);
      for (let i = 0; i < room; i++) stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        chars += k.length;
        work += k.length + NODE_WORK;
        stack.push((v as Record<string, unknown>)[k]);
        if (work > limit) break;
      }
    }
  }
  return { chars, work };
}

function isSmall(body: unknown, inlineChars: number, inlineWork: number): boolean {
  const { chars, work } = bodyWork(body, Math.max(inlineChars, inlineWork));
  return chars <= inlineChars && work <= inlineWork;
}
