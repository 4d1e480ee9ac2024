// The provenance stage: marks outputs, remembers what was served (fingerprints written to the index
// on disk, <dataDir>/provenance/index, in batches off the request path) and detects where a text came from.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OutputMarker, ProvenanceStage } from '../core/contracts.js';
import type { SigningKeys } from '../signing/keys.js';
import { detect, type DetectionResult, type DetectOptions } from './detection.js';
import { fingerprintOf } from './fingerprint.js';
import { fingerprintOffThread, OFF_THREAD_CHARS } from './fingerprint-thread.js';
import type { StoredOutput } from './index/stored-output.js';
import { logPath, readLog } from './fingerprint-log.js';
import { FingerprintStore } from './index/fingerprint-store.js';
import type { IndexBackend } from './index/index-backend.js';
import { LmdbBackend } from './index/lmdb/lmdb-backend.js';
import { openPgIndexBackend, PgIndexBackend } from './index/postgres/pg-backend.js';
import { createOutputMarker, DEFAULT_MARK_INTERVAL } from './marker.js';
import { recordRef } from '../watermark/payload.js';
import { readable, type Readable } from '../text/readable.js';
import { createDetectionPool, type DetectionPoolOptions } from './detection-pool.js';
import { clearGapForgotten, describeGap, OwnGap, readGap } from './index-gap.js';

export type { DetectionResult } from './detection.js';

export interface RememberArgs {
  decisionId: string;
  text: string;
  licence: string;
  trainable: boolean;
  time: string;
  /** Null in the index when absent. */
  licenceClass?: string;
}

export interface Provenance extends ProvenanceStage {
  marker(args: { decisionId: string; licenceClass: string; trainable: boolean }): OutputMarker;
  remember(args: RememberArgs): void;
  detect(text: string, opts?: DetectOptions): DetectionResult;
  /** Each text's detection: inline when they are short, else on a thread of the detection pool (detection-pool.ts). */
  detectAll(texts: string[], opts?: DetectOptions): Promise<DetectionResult[]>;
  /** The text as training admission reads it (text/readable.ts): inline when short, else on a pool thread. */
  readable(text: string): Promise<Readable>;
  /** Resolves once everything remembered so far is in the index and written. */
  flush(): Promise<void>;
  /** Retention: forgets every output served before the cutoff; resolves with how many. */
  purgeBefore(cutoff: Date): Promise<number>;
  close(): Promise<void>;
  readonly size: number;
}

export interface ProvenanceOptions {
  dataDir: string;
  keys: Pick<SigningKeys, 'keyId' | 'macSecret'>;
  /** Scanners open the index read-only: nothing is written or truncated. */
  readOnly?: boolean;
  markInterval?: number;
  onError?: (err: unknown) => void;
  /** A fleet's index: rows in PostgreSQL, followed by a local copy (index/postgres/); else LMDB alone. */
  postgres?: { url: string; schema: string; followMs: number };
  /**
   * The worker slot when several workers share the data directory (server.workers): each follows the rows
   * into its own local copy, since two followers numbering the same rows into one copy would list them twice.
   */
  worker?: number;
  /** Long texts are detected on threads (detection-pool.ts); without it, every detection runs inline (scanners). */
  detection?: DetectionPoolOptions;
}

export function indexPath(dataDir: string): string {
  return join(dataDir, 'provenance', 'index');
}

/** A fleet replica's (or one of its workers') local copy of the rows, numbered by row: never mixed with a single node's index. */
export function fleetIndexPath(dataDir: string, worker?: number): string {
  return join(dataDir, 'provenance', worker === undefined ? 'index-fleet' : `index-fleet-${worker}`);
}

/** The LMDB directory lookups read: a fleet replica's local copy of the rows, or the single node's index. */
function lookupPath(options: ProvenanceOptions): string {
  if (options.postgres) return fleetIndexPath(options.dataDir, options.worker);
  // A scanner reads what a replica (or its first worker) has followed, when the data directory is a fleet replica's.
  const followed = [fleetIndexPath(options.dataDir), fleetIndexPath(options.dataDir, 1)].find((p) => existsSync(p));
  return options.readOnly && followed ? followed : indexPath(options.dataDir);
}

function openBackend(options: ProvenanceOptions, path: string): Promise<IndexBackend> | IndexBackend {
  if (options.postgres) return openPgIndexBackend({ ...options.postgres, path });
  return new LmdbBackend({ path, readOnly: options.readOnly });
}

/** The gap files of an index (index-gap.ts): one per process writing it (a worker slot each). */
function gapFiles(index: string): string[] {
  const dir = dirname(index);
  const prefix = `${basename(index)}.gap`;
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.json')).map((name) => join(dir, name)) : [];
}

/** Forgets the gaps whose every missed output was served before the cutoff (retention forgot them). */
function clearForgottenGaps(index: string, cutoff: Date): void {
  for (const file of gapFiles(index)) {
    const gap = readGap(file);
    if (gap) clearGapForgotten(file, gap, cutoff.getTime());
  }
}

export async function createProvenance(options: ProvenanceOptions): Promise<Provenance> {
  const path = logPath(options.dataDir);
  const onError = options.onError ?? ((err: unknown) => process.stderr.write(`provenance: ${String(err)}\n`));
  const interval = options.markInterval ?? DEFAULT_MARK_INTERVAL;
  const { keys } = options;
  const lookups = lookupPath(options);
  // Outputs this process could not write to the index: a gap that refuses admission across restarts (index-gap.ts).
  const ownGap = new OwnGap(`${lookups}.gap${options.worker === undefined ? '' : `-${options.worker}`}.json`, !options.readOnly, onError);
  const missed = (err: unknown): void => {
    onError(err);
    ownGap.missed(`the index could not take them: ${(err as Error).message}`);
  };
  /** Every gap standing over the index this process reads (other workers' too, where they share it). */
  const refuseForGaps = (): void => {
    const accepting = 'accepting that they are traced by their marks (and restricted ones by meaning) only';
    for (const file of gapFiles(lookups)) {
      const gap = readGap(file);
      if (gap) throw new Error(describeGap(gap, { missed: 'fingerprinted', cutoffAfterMs: 0, remedy: `${file}, ${accepting}` }));
    }
    const stale = fleet?.stale;
    if (stale) throw new Error(`${stale}, so outputs other replicas served may be missing here`);
    const fleetGap = fleet?.gap;
    if (fleetGap) throw new Error(describeGap(fleetGap, { missed: 'fingerprinted', cutoffAfterMs: 0, remedy: `its row (id ${fleetGap.id}) from provenance_gap, ${accepting}` }));
  };
  const backend = await openBackend(options, lookups);
  /** A fleet replica's backend: it shares gaps with the other replicas and knows whether it still follows them. */
  const fleet = backend instanceof PgIndexBackend ? backend : null;
  // The other replicas never received the rows of outputs this one missed either.
  if (fleet) await ownGap.shareWith((gap) => fleet.recordGap(gap));
  const store = new FingerprintStore(backend);
  if (!options.readOnly && !options.postgres && existsSync(path)) await importLog(store, path);
  const pool = options.detection ? createDetectionPool(options.detection, { indexPath: lookups, keyId: keys.keyId, macSecret: keys.macSecret }) : null;
  const inline = (chars: number) => pool === null || chars <= options.detection!.inlineChars;
  const fingerprinting = new Set<Promise<void>>();
  const fingerprinted = () => Promise.allSettled([...fingerprinting]);
  const detectHere = (text: string, opts?: DetectOptions) => detect(text, keys, store.index, (ref) => store.resolve(ref), opts);

  return {
    get size() {
      return store.size;
    },
    marker: (args) => createOutputMarker(args, keys, interval),
    remember(args) {
      // Fingerprinted in the store's batch, off the request path; a long output on a thread first.
      if (args.text.length <= OFF_THREAD_CHARS) {
        store.add(() => storedOutput(args, fingerprintOf(args.text))).catch(missed);
        return;
      }
      // Queued in the store (where lookups see it) once fingerprinted; detections wait for that, not for the commit.
      const queued = fingerprintOffThread(args.text).then((fingerprint) => {
        store.add(() => storedOutput(args, fingerprint)).catch(missed);
      });
      fingerprinting.add(queued);
      void queued.catch(missed).finally(() => fingerprinting.delete(queued));
    },
    detect: detectHere,
    async detectAll(texts, opts = {}) {
      // An output still on the fingerprinting thread is not in the index yet: admission waits for it.
      await fingerprinted();
      refuseForGaps();
      if (inline(texts.reduce((n, t) => n + t.length, 0))) return texts.map((t) => detectHere(t, opts));
      // The thread reads the index on disk: what was remembered before this call is committed first.
      await store.flush();
      return pool!.detect(texts, opts);
    },
    readable: async (text) => (inline(text.length) ? readable(text) : pool!.read(text)),
    async flush() {
      await fingerprinted();
      await store.flush();
    },
    async purgeBefore(cutoff) {
      const purged = await store.purgeBefore(cutoff);
      ownGap.clearIfForgotten(cutoff.getTime());
      clearForgottenGaps(lookups, cutoff);
      return purged;
    },
    async close() {
      await fingerprinted();
      await store.flush().catch(() => undefined);
      await ownGap.end();
      await pool?.close();
      await store.close();
    },
  };
}

/**
 * Retention from the CLI (`termsgate audit purge-content`): the index on disk forgets the outputs
 * served before the cutoff, as the audit log forgets their content. LMDB takes one writer at a time,
 * so this runs beside a gateway (which then no longer lists them). Resolves with how many.
 */
export async function purgeIndex(dataDir: string, cutoff: Date): Promise<number> {
  if (!existsSync(indexPath(dataDir))) return 0;
  const store = new FingerprintStore(new LmdbBackend({ path: indexPath(dataDir) }));
  try {
    const purged = await store.purgeBefore(cutoff);
    clearForgottenGaps(indexPath(dataDir), cutoff);
    return purged;
  } finally {
    await store.close();
  }
}

/** What `remember` stores for one output (also what bench/provenance/bulk-index.ts loads). */
export function storedOutput(args: RememberArgs, fingerprint: StoredOutput['fingerprint']): StoredOutput {
  const ref = recordRef(args.decisionId);
  const time = Date.parse(args.time);
  return {
    record: { ref: ref.bytes, hashedRef: ref.hashed, licence: args.licence, licenceClass: args.licenceClass ?? null, trainable: args.trainable },
    originalId: ref.hashed ? args.decisionId : null,
    time: Number.isNaN(time) ? Date.now() : time,
    fingerprint,
  };
}

/**
 * Moves the append-only log of earlier versions into the index once, then sets it aside. Its records
 * carry no time: they take the log's last write, the latest any of them can have been served.
 */
async function importLog(store: FingerprintStore, path: string): Promise<void> {
  const time = statSync(path).mtimeMs;
  readLog(path, (stored) => void store.add(() => ({ ...stored, time })));
  await store.flush();
  renameSync(path, `${path}.imported`);
}
