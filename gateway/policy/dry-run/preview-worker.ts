// Entry point of an impact-preview worker thread (preview.ts): the candidate's WASM and the serving
// revision's are loaded here, and recorded calls are decided chunk by chunk, off the gateway's event loop.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngine } from '../bundle.js';
import type { PolicyEngine } from '../engine.js';
import { addDecisions, emptyReport, type PreparedCall } from './dry-run.js';
import type { PreviewToMain, PreviewWorkerData } from './preview.js';

const data = workerData as PreviewWorkerData;
const port = parentPort!;
const send = (m: PreviewToMain) => port.postMessage(m);

// On Linux a thread has its own nice value: the preview yields the CPU to the data plane's thread. A
// probe that times each decision (store.ts) keeps the usual share, or its times would be the wait for one.
if (data.yieldCpu !== false) {
  try {
    setPriority(19);
  } catch {
    // Not permitted or not supported: the wall-clock budget still bounds the preview.
  }
}

let candidate: PolicyEngine;
let baseline: PolicyEngine | undefined;
try {
  // Unmemoized: each decision is timed (policy.decisionBudgetMs), and a slow one timed again must be
  // evaluated again, not answered from the memo its first evaluation filled.
  candidate = await loadEngine(data.candidate.dir, data.candidate.revision, undefined, { memoize: false });
  baseline = data.baseline ? await loadEngine(data.baseline.dir, data.baseline.revision) : undefined;
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'failed', message: String((err as Error)?.message ?? err) });
}

port.on('message', (calls: PreparedCall[]) => {
  send({ type: 'part', report: addDecisions(emptyReport(), calls, candidate, baseline) });
});
