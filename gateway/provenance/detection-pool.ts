// Detection and reading of long texts off the event loop. A detection costs 1–4 ms per KB of text (a
// disguised one the most: every reading is searched), so a 4 MB training record or a batch of the
// detect route would hold every other call for seconds. Short texts are detected inline (the thread hop
// and the wait for the index's commit cost more than they save); longer ones in a bounded pool
// (core/bounded-pool.ts) whose threads open the same index on disk, read-only, once the outputs
// remembered before have been committed to it: a thread sees exactly what an inline detection would.
import { BoundedPool } from '../core/bounded-pool.js';
import type { Readable } from '../text/readable.js';
import type { DetectionResult, DetectOptions } from './detection.js';

export interface DetectionPoolOptions {
  /** Texts of at most this many characters (all of one call together) are detected inline. */
  inlineChars: number;
  threads: number;
  /** Budget of one task on a thread, in milliseconds (the wait for a thread not included). */
  budgetMs: number;
  /** How long a task may wait for a thread, in milliseconds. */
  queueMs?: number;
  /** How many tasks may wait for a thread; one more is answered busy at once. */
  queueMax?: number;
}

const DEFAULT_DETECTION_QUEUE_MS = 30_000;
const DEFAULT_DETECTION_QUEUE_MAX = 16;

/** What a pool thread opens: the index's directory and the key that checks marks. */
export interface DetectionWorkerData {
  indexPath: string;
  keyId: string;
  macSecret: Uint8Array;
}

export type DetectionTask = { op: 'detect'; texts: string[]; opts: DetectOptions } | { op: 'read'; text: string };

/** No thread in time, or the pool is full: transient, the caller may retry. */
export class DetectionBusy extends Error {
  constructor(reason: string) {
    super(`provenance detection is busy (${reason}); retry later`);
  }
}

export class DetectionBudgetExceeded extends Error {
  constructor(budgetMs: number) {
    super(`provenance detection did not finish within ${budgetMs} ms`);
  }
}

// Under tsx (tests) the sources are .ts; built, they are .js next to this module.
const workerFile = new URL(import.meta.url.endsWith('.ts') ? './detection-worker.ts' : './detection-worker.js', import.meta.url).href;

export interface DetectionPool {
  detect(texts: string[], opts: DetectOptions): Promise<DetectionResult[]>;
  read(text: string): Promise<Readable>;
  close(): Promise<void>;
}

export function createDetectionPool(opts: DetectionPoolOptions, workerData: DetectionWorkerData): DetectionPool {
  const pool = new BoundedPool<DetectionTask, DetectionResult[] | Readable>({
    filename: workerFile,
    threads: opts.threads,
    budgetMs: opts.budgetMs,
    queueMs: opts.queueMs ?? DEFAULT_DETECTION_QUEUE_MS,
    queueMax: opts.queueMax ?? DEFAULT_DETECTION_QUEUE_MAX,
    workerData,
    busy: (reason) => new DetectionBusy(reason),
    overBudget: (budgetMs) => new DetectionBudgetExceeded(budgetMs),
  });
  return {
    detect: async (texts, detectOpts) => (await pool.run({ op: 'detect', texts, opts: detectOpts })) as DetectionResult[],
    read: async (text) => (await pool.run({ op: 'read', text })) as Readable,
    close: () => pool.close(),
  };
}
