// Classifies forwarded bodies: small ones inline, the rest in a worker pool (piscina) so a 4 MB
// prompt cannot hold up other calls or /healthz. Bounded on both paths:
// - inline only when the work a body implies (its characters, and a cost for each string, key, number
//   and level of nesting: a body of a million empty strings is not "small") is under a cap sized to a
//   few milliseconds of the event loop;
// - in the pool (core/bounded-pool.ts), each task has a budget of time on a thread and a bounded wait for
//   one; a body that finds the pool full is answered "busy" (ClassifierBusy, 503), not denied as if it
//   held secrets.
// A body that cannot be classified (budget spent, pool busy, a failure) is never forwarded: every path
// rejects, and the request path fails closed.
import { BoundedPool } from '../core/bounded-pool.js';
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

type Inspected = Awaited<ReturnType<typeof inspect>>;

export function createClassifier(opts: ClassifierOptions, hook?: DetectorHook): Classifier {
  const inlineWork = opts.inlineWork ?? DEFAULT_INLINE_WORK;
  const pool = new BoundedPool<InspectTask, Inspected>({
    filename: workerFile,
    threads: opts.threads,
    budgetMs: opts.budgetMs,
    queueMs: opts.queueMs ?? DEFAULT_QUEUE_MS,
    queueMax: opts.queueMax ?? DEFAULT_QUEUE_MAX,
    busy: (reason) => new ClassifierBusy(reason),
    overBudget: (budgetMs) => new ClassificationBudgetExceeded(budgetMs),
  });

  const run = async (task: InspectTask) => {
    if (isSmall(task.body, opts.inlineChars, inlineWork)) return inspect(task);
    return pool.run(task);
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
    stats: () => pool.stats(),
    close: () => pool.close(),
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
