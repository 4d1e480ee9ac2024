// Semantic provenance (issue 22, #1): every restricted output is remembered as sentence-window
// embeddings, and a text whose window's nearest restricted neighbour is close enough is traced to
// that output by meaning, with its similarity. Embedding runs in a thread (embedding-thread.ts),
// batched off the request path; a check first waits for every output remembered before it (the
// index's high-water mark: BatchQueue.flush), so a fresh output cannot slip through the lag.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BatchQueue } from '../../core/batch-queue.js';
import { resolvesWithin } from '../../core/resolves-within.js';
import { packageRoot } from '../../core/package-root.js';
import { MODEL_FILE, TOKENIZER_FILE } from './embedder.js';
import { EmbeddingThread } from './embedding-thread.js';
import { removeSnapshot, SemanticIndex } from './semantic-index.js';
import { readSemanticLog, SemanticLogWriter, semanticLogChunks, semanticLogPath } from './semantic-log.js';
import { encodeOutput, timeOfDecision, type SemanticOutput } from './semantic-record.js';
import { forgottenBefore, heldBefore, readMeaningCutoff, semanticLogs, setMeaningCutoff } from './meaning-retention.js';
import { WriterLockedError } from '../../core/writer-lock.js';
import { MeaningRows } from './meaning-rows.js';
import { MeaningFollower } from './meaning-follower.js';
import { describeGap, gapPath, OwnGap, type GapTerms } from '../index-gap.js';
import { SEEN_FOR_MS } from './seen-windows.js';
import { ownWindows } from './public-windows.js';
import { slidingWindows } from './windows.js';

/** Freed slots refilled per turn of the event loop (about a graph insertion each: a few ms a slice). */
export const REFILL_SLICE = 8;

/** Chosen on bench/provenance/evaluate.ts (README): unrelated windows of both corpora stay below it. */
export const DEFAULT_THRESHOLD = 0.85;
/** Coarse similarity below which a checked window gets no model pass (README: what it passes and loses). */
export const DEFAULT_PREFILTER = 0.8;
/** Where scripts/setup-models.sh puts the model. */
export const DEFAULT_MODEL_DIR = join(packageRoot, '.models', 'all-minilm-l6-v2-q');

export interface SemanticSpan {
  start: number;
  end: number;
  origin: 'semantic';
  status: 'genuine';
  decision_id: string;
  licence: string;
  licence_class: string | null;
  trainable: false;
  /** Cosine similarity to the nearest restricted window. */
  score: number;
  restricted: true;
}

export interface SemanticRemember {
  decisionId: string;
  text: string;
  licence: string;
  licenceClass?: string | null;
  trainable: boolean;
  /** When the output was served (RFC 3339), for retention; else its UUIDv7 decision id's time, else now. */
  time?: string;
}

export interface SemanticProvenance {
  /** Why checks cannot run (the model is missing, an output could not be indexed), or null. */
  readonly unavailable: string | null;
  /** Queues a restricted output for indexing; trainable outputs are not indexed. */
  remember(args: SemanticRemember): void;
  /** Restricted spans of `text` traced by meaning, once every output remembered before the call is indexed. Throws when `unavailable`. */
  spans(text: string): Promise<SemanticSpan[]>;
  /** Resolves once everything remembered so far is indexed and written. */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly size: { outputs: number; windows: number };
  /** While the log's outputs that no saved graph held are put in the graph (a background start): how far; else null. */
  readonly rebuilding: { done: number; of: number } | null;
  /** Windows spans() has checked, and how many of them the coarse graph sent on to the model. */
  readonly checked: { windows: number; embedded: number };
}

export interface SemanticOptions {
  dataDir: string;
  /** Holds model.onnx and tokenizer.json (scripts/setup-models.sh). */
  modelDir: string;
  threshold?: number;
  /** Coarse similarity a checked window needs for a model pass (provenance.semantic.prefilter); 0 sends every window. */
  prefilter?: number;
  /** Scanners read the index and never write. */
  readOnly?: boolean;
  /** Inference threads in the embedding thread. */
  threads?: number;
  /** The embedding thread at the lowest CPU priority (indexing on idle cores). */
  lowPriority?: boolean;
  /** The longest spans() waits for the index to catch up before it refuses (provenance.semantic.waitMs). */
  waitMs?: number;
  /** Restricted outputs waiting to be indexed at most (provenance.semantic.maxBacklog). */
  maxBacklog?: number;
  /** Characters of the restricted outputs waiting to be indexed at most (provenance.semantic.maxBacklogChars). */
  maxBacklogChars?: number;
  /** The longest text spans() checks (provenance.semantic.maxRecordChars); a longer one is refused. */
  maxRecordChars?: number;
  /**
   * Graph the log's outputs that no saved graph holds (after a crash, or a first start on an old log) in
   * the background, so that the caller does not wait (the gateway listens at once); admission waits for
   * it as for the backlog. Off: they are graphed before this resolves (the CLI, tests).
   */
  background?: boolean;
  /** The worker slot when several workers share the data directory: each keeps its own log and graph, never appending to another's. */
  worker?: number;
  /** How often a running writer looks for a new retention cutoff (meaning-retention.ts); default 60 s. */
  retentionCheckMs?: number;
  /** A fleet (provenanceIndex.backend postgres): outputs go to PostgreSQL rows, which every replica follows into its log and graph. */
  fleet?: { url: string; schema: string; followMs: number };
  onError?: (err: unknown) => void;
}

export function modelMissing(modelDir: string): string | null {
  const missing = [MODEL_FILE, TOKENIZER_FILE].filter((f) => !existsSync(join(modelDir, f)));
  return missing.length === 0 ? null : `semantic provenance is enabled but its model is missing (${missing.join(', ')} in ${modelDir}); run \`make setup\` (scripts/setup-models.sh) or turn provenance.semantic off`;
}

/** 64 Mi characters (64–128 MiB of strings): two answers at upstreamAnswerBytes' default, or thousands of ordinary ones. */
export const DEFAULT_MAX_BACKLOG_CHARS = 64 * 1024 * 1024;

/** How long the background graphing of the log holds the event loop at most before handing it back. */
const GRAPH_SLICE_MS = 10;

/**
 * Lists every output of the log in the index (those a loaded saved graph covers are in its graphs
 * already); of the rest, for graphLog: where the first starts, its number, how many.
 */
function listLog(path: string, index: SemanticIndex): { validBytes: number; fileBytes: number; ungraphed: { from: number; first: number; count: number } | null } {
  let ungraphed: { from: number; first: number; count: number } | null = null;
  let start = 0;
  const read = readSemanticLog(path, (output, end) => {
    const n = index.list(output);
    if (end > index.coveredBytes) {
      ungraphed ??= { from: start, first: n, count: 0 };
      ungraphed.count++;
    }
    start = end;
  });
  return { ...read, ungraphed };
}

export async function createSemanticProvenance(options: SemanticOptions): Promise<SemanticProvenance> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const prefilter = options.prefilter ?? DEFAULT_PREFILTER;
  const checked = { windows: 0, embedded: 0 };
  const onError = options.onError ?? ((err: unknown) => process.stderr.write(`semantic provenance: ${String(err)}\n`));
  let unavailable = modelMissing(options.modelDir);
  const logPath = semanticLogPath(options.dataDir, options.worker);
  const snapshot = logPath.replace(/\.log$/, '.usearch');
  let index = new SemanticIndex();
  index.loadSnapshot(snapshot);
  let load = listLog(logPath, index);
  if (load.validBytes < index.coveredBytes) {
    // The log lost what the saved graph holds (a damaged file): rebuild the graph from the log.
    index = new SemanticIndex();
    load = listLog(logPath, index);
  }
  const { validBytes, fileBytes, ungraphed } = load;
  let logBytes = validBytes;
  const writer = options.readOnly ? null : await SemanticLogWriter.open(logPath, validBytes, fileBytes);
  /** Restricted outputs an earlier process (or this one) did not index: admission refuses while it stands (../index-gap.ts). */
  const gap = new OwnGap(gapPath(logPath), writer !== null, onError);
  /** Why spans() refuses: this process cannot index or check, or a gap stands, its own or another replica's. */
  const refusal = (): string | null => {
    if (unavailable) return unavailable;
    if (gap.current) return describeGap(gap.current, gapTerms(gap.path));
    const fleetGap = follower?.gap;
    return fleetGap ? describeGap(fleetGap, gapTerms(`its row (id ${fleetGap.id}) from provenance_gap`)) : null;
  };
  const refuse = (): void => {
    const refused = refusal();
    if (refused) throw new Error(refused);
  };
  let closing = false;
  /** Outputs listed and not yet in the graph, while the log is graphed (see `graphLog`); null once it is whole. */
  let graphing: { done: number; of: number } | null = ungraphed ? { done: 0, of: ungraphed.count } : null;
  /**
   * Graphs what the saved graph does not hold, an output at a time with the event loop handed back every
   * GRAPH_SLICE_MS (an output is about 2 × its windows graph insertions, a few ms each: 100,000 outputs
   * took 40 minutes), then saves the graph, so that a second start does not do it again. Stopped by close.
   */
  const graphLog = async (): Promise<void> => {
    if (!ungraphed || !graphing) return;
    let n = ungraphed.first;
    let slice = performance.now();
    for await (const chunk of semanticLogChunks(logPath, ungraphed.from)) {
      for (const { value } of chunk) {
        if (closing || graphing.done === graphing.of) return;
        index.graphListed(n++, value);
        graphing.done++;
        if (performance.now() - slice > GRAPH_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
    }
    if (graphing.done < graphing.of) throw new Error(`the meaning log ended after ${graphing.done} of the ${graphing.of} outputs it listed`);
  };
  const graphed = graphLog().then(
    () => {
      if (closing || !graphing) return;
      graphing = null;
      if (writer && ungraphed && index.unfilled === 0 && index.windows > 0) index.saveSnapshot(snapshot, logBytes);
    },
    (err: unknown) => {
      // Fail closed: outputs the graph lacks could pass unseen.
      unavailable = `the meaning graph could not be rebuilt from its log (${(err as Error).message}), so training admission refuses until the gateway restarts`;
      onError(err);
    },
  );
  if (!options.background) await graphed;
  /** Appends and retention's rewrite of the log, one at a time: after the log is graphed, which numbers the outputs. */
  let logTurn: Promise<unknown> = graphed;
  const inTurn = <T>(step: () => Promise<T>): Promise<T> => {
    const run = logTurn.then(step, step);
    logTurn = run.catch(() => undefined);
    return run;
  };
  /** Adds outputs to the graph and their frames to the log: a single node's own, or the rows a fleet replica follows. */
  const apply = (outputs: SemanticOutput[], bytes: Buffer) =>
    inTurn(async () => {
      for (const output of outputs) index.add(output);
      if (bytes.length > 0) await writer?.append(bytes);
      logBytes += bytes.length;
    });
  const thread = new EmbeddingThread({ modelDir: options.modelDir, threads: options.threads ?? 1, lowPriority: options.lowPriority ?? false });
  let appliedCutoff = -Infinity;
  let refilling: Promise<void> | null = null;
  /** Refills the slots retention freed a slice at a time, handing the event loop back between slices, then saves the graph. */
  const refill = (): void => {
    if (refilling || !writer) return;
    refilling = (async () => {
      while (index.refill(REFILL_SLICE) > 0) await new Promise((resolve) => setImmediate(resolve));
      await inTurn(async () => {
        if (index.unfilled === 0 && graphing === null) index.saveSnapshot(snapshot, logBytes);
      });
    })()
      .catch(onError)
      .finally(() => {
        refilling = null;
        if (index.unfilled > 0) refill();
      });
  };
  /**
   * Forgets the outputs served before the newest retention cutoff: they leave the graph at once; a
   * writer then deletes the saved graph (it holds their vectors), rewrites the log, and refills the
   * freed slots in slices before saving the graph again. A crash in between starts from the log.
   */
  const applyRetention = () =>
    inTurn(async () => {
      const cutoff = readMeaningCutoff(options.dataDir);
      if (cutoff === null || cutoff <= appliedCutoff) return;
      const before = forgottenBefore(cutoff);
      gap.clearIfForgotten(before);
      const forgotten = index.forgetBefore(before);
      // Copies passed over as seen would be traced through what is forgotten now: the thread forgets them too.
      if (forgotten > 0) thread.forgetSeen();
      if (writer && forgotten > 0) {
        removeSnapshot(snapshot);
        logBytes = (await writer.purge(before)).bytes;
        refill();
      }
      appliedCutoff = cutoff;
    });
  // Forgetting waits for the log to be graphed (in turn); a background start does not wait for either.
  const retained = applyRetention();
  if (options.background) retained.catch(onError);
  else await retained;
  /** A fleet's cutoff, found by the follower: recorded for this data directory, then applied. */
  const retain = async (cutoffMs: number) => {
    setMeaningCutoff(options.dataDir, new Date(cutoffMs));
    await applyRetention();
  };
  const follower =
    options.fleet && !options.readOnly
      ? await MeaningRows.open(options.fleet.url, options.fleet.schema)
          .then((rows) => MeaningFollower.start(rows, `${logPath}.fleet-seq`, { apply, retain }, options.fleet!.followMs))
          .catch(async (err: unknown) => {
            // The replica does not start: its log is let go for the next try.
            await writer?.close();
            throw err;
          })
      : null;
  // The other replicas never receive the rows of outputs this one missed either.
  if (follower) await gap.shareWith((g) => follower.rows.recordGap(g));
  const retentionTimer = writer ? setInterval(() => void applyRetention().catch(onError), options.retentionCheckMs ?? 60_000).unref() : null;

  const waitMs = options.waitMs ?? 10_000;
  const maxBacklog = options.maxBacklog ?? 20_000;
  const maxBacklogChars = options.maxBacklogChars ?? DEFAULT_MAX_BACKLOG_CHARS;
  const maxRecordChars = options.maxRecordChars ?? 131_072;
  /** Outputs remembered and not yet indexed, and their characters: the memory the queue holds, and how far behind admission would wait. */
  let backlog = 0;
  let backlogChars = 0;
  let stopped = false;
  const queue = new BatchQueue<SemanticRemember>({
    maxItems: 16,
    async write(batch) {
      // Closing past waitMs: the rest is not indexed, and the thread is not started again for it.
      if (stopped) return gap.missed('the gateway closed before they were indexed');
      try {
        const outputs = batch.map((args) => ({ text: args.text, licence: args.licence, licenceClass: args.licenceClass ?? null, time: servedAt(args) }));
        // In turn with retention, so that no copy is passed over as seen while what it was seen in is forgotten.
        const indexed = await inTurn(() => thread.index(outputs));
        const fresh: SemanticOutput[] = [];
        batch.forEach((args, i) => {
          // Nothing new: every window was indexed before under this licence (embed-worker.ts).
          if (indexed[i].vectors.length > 0) fresh.push({ decisionId: args.decisionId, licence: outputs[i].licence, licenceClass: outputs[i].licenceClass, time: outputs[i].time, vectors: indexed[i].vectors, coarse: indexed[i].coarse });
        });
        const encoded = fresh.map(encodeOutput);
        if (follower) {
          // Into the fleet's rows, then followed back like any replica's: local once the batch resolves. Not
          // written (the database failed), they are kept and retried every followMs; admission refuses meanwhile.
          await follower.publish(encoded).catch(onError);
        } else await apply(fresh, Buffer.concat(encoded));
        backlog -= batch.length;
        for (const args of batch) backlogChars -= args.text.length;
      } catch (err) {
        // Fail closed: an output that could not be indexed could later pass unseen.
        unavailable = `a restricted output could not be indexed by meaning (${(err as Error).message}), so training admission refuses, and after a restart too until the outputs missed are forgotten`;
        gap.missed(unavailable);
        onError(err);
      }
    },
  });

  return {
    get unavailable() {
      return refusal();
    },
    get size() {
      return { outputs: index.outputs, windows: index.windows };
    },
    get rebuilding() {
      return graphing && { ...graphing };
    },
    get checked() {
      return { ...checked };
    },
    remember(args) {
      if (args.trainable) return;
      if (unavailable !== null) return gap.missed(unavailable);
      if (backlog + (follower?.unsent ?? 0) >= maxBacklog) {
        // Not indexed, so it could later pass unseen: fail closed rather than hold an unbounded queue.
        unavailable = `more than provenance.semantic.maxBacklog (${maxBacklog}) restricted outputs were waiting to be indexed by meaning, so one could not be; training admission refuses, and after a restart too until the outputs missed are forgotten`;
        gap.missed(unavailable);
        onError(new Error(unavailable));
        return;
      }
      // A count alone does not bound memory: an output may be megabytes (upstreamAnswerBytes), and a long
      // one holds the thread for minutes while more wait behind it.
      if (backlogChars + args.text.length > maxBacklogChars) {
        unavailable = `the restricted outputs waiting to be indexed by meaning would hold more than provenance.semantic.maxBacklogChars (${maxBacklogChars}) characters, so one could not be; training admission refuses, and after a restart too until the outputs missed are forgotten`;
        gap.missed(unavailable);
        onError(new Error(unavailable));
        return;
      }
      backlog++;
      backlogChars += args.text.length;
      queue.push(args).catch(onError);
    },
    async spans(text) {
      refuse();
      const rebuilding = graphing;
      if (rebuilding && !(await resolvesWithin(graphed, waitMs))) {
        throw new Error(`the meaning graph is being rebuilt from its log (${rebuilding.done} of ${rebuilding.of} outputs; a start without a saved graph) and was not done within provenance.semantic.waitMs (${waitMs} ms), so this record is not admitted for training`);
      }
      refuse();
      // The record's own windows are embedded too, one model pass each: a bound on what one call may cost, known before any wait.
      if (text.length > maxRecordChars) {
        throw new Error(`the record is too long to be checked by meaning (${text.length} characters, more than provenance.semantic.maxRecordChars, ${maxRecordChars}), so it is not admitted for training`);
      }
      if (!(await resolvesWithin(queue.flush(), waitMs))) {
        throw new Error(`the meaning index is ${backlog} restricted outputs behind and did not catch up within provenance.semantic.waitMs (${waitMs} ms), so this record is not admitted for training`);
      }
      refuse();
      // Fail closed: a replica that cannot see the fleet's rows would miss what the others served.
      const stale = follower?.stale;
      if (stale) throw new Error(`${stale}, so this record is not admitted for training`);
      if (index.windows === 0) return [];
      const windows = ownWindows(text, slidingWindows(text));
      if (windows.length === 0) return [];
      let sent = windows;
      // The coarse graph rules out windows far from every restricted one: only the rest cost a model pass
      // (about 12 ms a window). It cannot while an output indexed without coarse vectors is held.
      if (prefilter > 0 && index.coarseComplete) {
        const near = index.nearestCoarse(await thread.embed(windows.map((w) => w.text), true));
        // Written as "not below", so that a similarity that is not a number sends the window on.
        sent = windows.filter((_, i) => !(near[i] < prefilter));
      }
      checked.windows += windows.length;
      checked.embedded += sent.length;
      if (sent.length === 0) return [];
      const nearest = index.nearest(await thread.embed(sent.map((w) => w.text)));
      const spans: SemanticSpan[] = [];
      sent.forEach((w, i) => {
        const n = nearest[i];
        if (n && n.similarity >= threshold) spans.push({ start: w.start, end: w.end, origin: 'semantic', status: 'genuine', decision_id: n.decisionId, licence: n.licence, licence_class: n.licenceClass, trainable: false, score: Math.round(n.similarity * 1000) / 1000, restricted: true });
      });
      return spans;
    },
    flush: () => queue.flush(),
    async close() {
      closing = true;
      // What is still queued after waitMs is not indexed (a 12 MB output is minutes of embedding, and the
      // gateway's drain deadline would cut it anyway): the thread stops and its batch fails closed.
      await resolvesWithin(queue.close(), waitMs);
      stopped = true;
      await thread.close();
      await queue.flush();
      // Outputs the fleet's database has not taken yet are held in memory only: past this close, nobody has them.
      if (follower && follower.unsent > 0) gap.missed(`the fleet's database had not taken them when the gateway closed (${follower.unsent} outputs)`);
      await gap.end();
      await follower?.close();
      if (retentionTimer) clearInterval(retentionTimer);
      await logTurn;
      if (writer) {
        // A purge's refill not done yet is finished here, so that the graph saved is whole.
        index.refill(Infinity);
        await refilling;
        await writer.close();
        // A graph whose rebuild close stopped lacks outputs the log holds: not saved (the next start goes on from the last saved one).
        if (index.windows > 0 && graphing === null) index.saveSnapshot(snapshot, logBytes);
      }
    },
  };
}

/**
 * Retention from the CLI (`termsgate audit purge-content`): records the cutoff, then applies it to each
 * semantic log no process holds, by opening it as its writer would (which forgets at start); a log a
 * running gateway holds is purged by that gateway within its retentionCheckMs.
 */
export async function purgeMeaning(dataDir: string, cutoff: Date): Promise<{ forgotten: number; pending: { log: string; outputs: number; reason: string }[] }> {
  const before = setMeaningCutoff(dataDir, cutoff);
  let forgotten = 0;
  const pending: { log: string; outputs: number; reason: string }[] = [];
  for (const log of semanticLogs(dataDir)) {
    const held = heldBefore(log.path, forgottenBefore(before));
    if (held === 0) continue;
    try {
      // No model runs: the embedding thread starts only when something is indexed or checked.
      await (await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, worker: log.worker })).close();
      forgotten += held;
    } catch (err) {
      if (!(err instanceof WriterLockedError)) throw err;
      pending.push({ log: log.path, outputs: held, reason: err.message });
    }
  }
  return { forgotten, pending };
}

function servedAt(args: SemanticRemember): number {
  const time = args.time === undefined ? NaN : Date.parse(args.time);
  return Number.isNaN(time) ? (timeOfDecision(args.decisionId) ?? Date.now()) : time;
}

/** How a meaning gap is described: retention forgets what was served SEEN_FOR_MS before its cutoff (meaning-retention.ts). */
function gapTerms(what: string): GapTerms {
  return { missed: 'indexed by meaning', cutoffAfterMs: SEEN_FOR_MS, remedy: `${what}, accepting that they are traced by their words only` };
}
