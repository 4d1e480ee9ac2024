// Classifies forwarded bodies: small ones inline, large ones in a worker pool (piscina) so a 4 MB
// prompt cannot hold up other calls or /healthz, each under a time budget. A body that cannot be
// classified within its budget is not forwarded: the caller gets an error and the call a record.
import { Piscina } from 'piscina';
import type { BodyClassification } from '../core/contracts.js';
import { inspect, type InspectTask } from './inspect.js';
import type { MaskResult } from './mask.js';
import type { DetectorHook } from './detector-hook.js';
import { mergeClassifications, scanBody, summarise } from './body.js';
import { bodyPieces } from './walk.js';

export interface ClassifierOptions {
  /** Bodies whose strings total at most this many characters are classified on the event loop. */
  inlineChars: number;
  /** Wall-clock budget of one classification in the pool, in milliseconds. */
  budgetMs: number;
  /** Decoded bytes (base64, data: URIs) inspected per body. */
  decodedBytes: number;
  threads: number;
}

export class ClassificationBudgetExceeded extends Error {
  constructor(budgetMs: number) {
    super(`the request could not be classified within ${budgetMs} ms`);
  }
}

export interface Classifier {
  /** The body's classification with the forwarded headers' (paths `header user-agent`). */
  classify(body: Record<string, unknown>, headers: Record<string, string>): Promise<BodyClassification>;
  /** Replaces every finding of `classes` in the body by a typed placeholder; rejects when the result, or a header, still shows one. */
  mask(body: Record<string, unknown>, classes: string[], headers: Record<string, string>): Promise<MaskResult>;
  close(): Promise<void>;
}

// Under tsx (tests) the sources are .ts; built, they are .js next to this module.
const workerFile = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url).href;

export function createClassifier(opts: ClassifierOptions, hook?: DetectorHook): Classifier {
  let pool: Piscina | null = null;
  const run = async (task: InspectTask) => {
    if (stringChars(task.body, opts.inlineChars) <= opts.inlineChars) return inspect(task);
    // Idle threads exit after 5 s, giving back the memory a large body took.
    pool ??= new Piscina({ filename: workerFile, minThreads: 0, maxThreads: opts.threads, idleTimeout: 5_000 });
    try {
      return (await pool.run(task, { signal: AbortSignal.timeout(opts.budgetMs) })) as Awaited<ReturnType<typeof inspect>>;
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw new ClassificationBudgetExceeded(opts.budgetMs);
      throw err;
    }
  };
  return {
    async classify(body, headers) {
      const [local, inHeaders, external] = await Promise.all([
        run({ op: 'classify', body, decodedBytes: opts.decodedBytes }),
        classifyHeaders(headers, opts.decodedBytes),
        hook?.classify(bodyPieces(body)),
      ]);
      const merged = mergeClassifications(local as BodyClassification, inHeaders);
      return external ? mergeClassifications(merged, external) : merged;
    },
    async mask(body, classes, headers) {
      const inHeaders = (await classifyHeaders(headers, opts.decodedBytes)).classes.filter((c) => classes.includes(c));
      if (inHeaders.length > 0) throw new Error(`${inHeaders.join(', ')} in a forwarded header cannot be masked`);
      // Only the patterns can place what they mask; a class the external detector reports is refused instead.
      const external = classes.filter((c) => hook?.reports(c));
      if (external.length > 0) throw new Error(`${external.join(', ')} from the external detector cannot be masked`);
      return (await run({ op: 'mask', body, classes, decodedBytes: opts.decodedBytes })) as MaskResult;
    },
    async close() {
      await pool?.destroy();
    },
  };
}

/** Characters in the strings and keys of a body, counted until `limit` is passed. */
function stringChars(body: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [body];
  while (stack.length > 0 && n <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        n += k.length;
        stack.push(x);
      }
    }
  }
  return n;
}

/** The forwarded headers are few and short: scanned inline, each named by its header. */
async function classifyHeaders(headers: Record<string, string>, decodedBytes: number): Promise<BodyClassification> {
  const found = summarise(await scanBody(headers, { decodedBytes }));
  const paths = Object.fromEntries(Object.entries(found.paths).map(([c, ps]) => [c, ps.map((p) => `header ${p}`)]));
  return { ...found, paths };
}
