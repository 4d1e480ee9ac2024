// The impact preview (dry run) as the gateway runs it: recorded calls are read here, their policy input
// rebuilt (it needs the live configuration), and handed in chunks to a worker thread that evaluates the
// candidate's WASM and the serving revision's (preview-worker.ts). The whole preview, reading included,
// runs under one wall-clock budget; past it the worker is terminated (worker.terminate() stops even a
// single evaluation that never returns) and the preview is refused, naming the budget. The data plane's
// event loop never runs a candidate's rule.
import { Worker } from 'node:worker_threads';
import type { AuditRecord } from '../../core/contracts.js';
import { impactGroups } from './impact.js';
import { emptyReport, lastCalls, mergeReport, prepareCalls, type PreparedCall, type RecordContext } from './dry-run.js';
import type { DryRunReport } from './report.js';

/** Calls handed to the worker per message. */
export const PREVIEW_CHUNK = 250;

export interface PreviewRevision {
  dir: string;
  revision: string;
}

export interface PreviewWorkerData {
  candidate: PreviewRevision;
  baseline?: PreviewRevision;
  /** Whether the thread gives the CPU to the data plane's (nice 19; the default). A probe that times decisions does not. */
  yieldCpu?: boolean;
}

export type PreviewToMain = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'part'; report: DryRunReport };

export interface PreviewOptions extends PreviewWorkerData {
  records: AsyncIterable<AuditRecord>;
  last: number;
  recordContext?: RecordContext;
  /** Wall-clock budget of the whole preview (policy.previewBudgetMs). */
  budgetMs: number;
  chunk?: number;
  /** Ends the preview early, with what was decided so far, once this holds of it (checked after each chunk). */
  stopWhen?: (soFar: DryRunReport) => boolean;
}

/** What the preview cost, reported with it. */
export interface PreviewCost {
  /** Wall-clock time of the whole preview. */
  elapsed_ms: number;
  /** Time the worker's thread was busy (its event loop's active time: loading and evaluating). */
  worker_busy_ms: number;
  budget_ms: number;
}

export class PreviewBudgetExceeded extends Error {
  constructor(
    readonly budgetMs: number,
    readonly decided: number,
    readonly total: number | null,
  ) {
    super(
      `the impact preview ran past policy.previewBudgetMs (${budgetMs} ms) and was stopped` +
        (total === null ? ' while reading the recorded calls' : ` after deciding ${decided} of ${total} calls`) +
        '; preview fewer calls (`last`) or make the rule cheaper',
    );
  }
}

export class PreviewFailed extends Error {}

const workerFile = new URL(import.meta.url.endsWith('.ts') ? './preview-worker.ts' : './preview-worker.js', import.meta.url);

export async function runPreview(opts: PreviewOptions): Promise<DryRunReport & { cost: PreviewCost }> {
  const started = performance.now();
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), opts.budgetMs);
  timer.unref();
  let decided = 0;
  let total: number | null = null;
  let worker: Worker | null = null;
  try {
    let calls: PreparedCall[];
    try {
      calls = prepareCalls(await lastCalls(opts.records, opts.last, budget.signal), opts.recordContext);
    } catch (err) {
      if (budget.signal.aborted) throw new PreviewBudgetExceeded(opts.budgetMs, 0, null);
      throw err;
    }
    total = calls.length;
    const data: PreviewWorkerData = { candidate: opts.candidate, baseline: opts.baseline, yieldCpu: opts.yieldCpu };
    const w = (worker = new Worker(workerFile, { workerData: data, stdout: false, stderr: false }));
    const size = opts.chunk ?? PREVIEW_CHUNK;
    const report = await new Promise<DryRunReport>((resolve, reject) => {
      const whole = emptyReport();
      let next = 0;
      const feed = () => {
        if (next >= calls.length || opts.stopWhen?.(whole)) return resolve(whole);
        const chunk = calls.slice(next, next + size);
        next += chunk.length;
        w.postMessage(chunk);
      };
      budget.signal.addEventListener('abort', () => reject(new PreviewBudgetExceeded(opts.budgetMs, decided, total)), { once: true });
      w.on('message', (m: PreviewToMain) => {
        if (m.type === 'failed') return reject(new PreviewFailed(`the candidate could not be loaded for the preview: ${m.message}`));
        if (m.type === 'part') {
          mergeReport(whole, m.report);
          decided += m.report.examined + m.report.skipped;
        }
        feed();
      });
      w.on('error', (err) => reject(new PreviewFailed(`the preview worker failed: ${err.message}`)));
      w.on('exit', (code) => reject(new PreviewFailed(`the preview worker exited (${code}) before it finished`)));
    });
    report.groups = impactGroups(report.changes);
    const cost: PreviewCost = { elapsed_ms: Math.round(performance.now() - started), worker_busy_ms: Math.round(w.performance.eventLoopUtilization().active), budget_ms: opts.budgetMs };
    return { ...report, cost };
  } finally {
    clearTimeout(timer);
    if (worker) await worker.terminate();
  }
}
