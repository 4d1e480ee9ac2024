// The provenance stage: marks outputs, remembers what was served (fingerprints written to the index
// on disk, <dataDir>/provenance/index, in batches off the request path) and detects where a text came from.
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputMarker, ProvenanceStage } from '../core/contracts.js';
import type { SigningKeys } from '../signing/keys.js';
import { detect, type DetectionResult, type DetectOptions } from './detection.js';
import { fingerprintOf } from './fingerprint.js';
import type { StoredOutput } from './index/stored-output.js';
import { logPath, readLog } from './fingerprint-log.js';
import { FingerprintStore } from './index/fingerprint-store.js';
import type { IndexBackend } from './index/index-backend.js';
import { LmdbBackend } from './index/lmdb/lmdb-backend.js';
import { openPgIndexBackend } from './index/postgres/pg-backend.js';
import { createOutputMarker, DEFAULT_MARK_INTERVAL } from './marker.js';
import { recordRef } from '../watermark/payload.js';

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
}

export function indexPath(dataDir: string): string {
  return join(dataDir, 'provenance', 'index');
}

/** A fleet replica's (or one of its workers') local copy of the rows, numbered by row: never mixed with a single node's index. */
export function fleetIndexPath(dataDir: string, worker?: number): string {
  return join(dataDir, 'provenance', worker === undefined ? 'index-fleet' : `index-fleet-${worker}`);
}

function openBackend(options: ProvenanceOptions): Promise<IndexBackend> | IndexBackend {
  if (options.postgres) return openPgIndexBackend({ ...options.postgres, path: fleetIndexPath(options.dataDir, options.worker) });
  // A scanner reads what a replica (or its first worker) has followed, when the data directory is a fleet replica's.
  const followed = [fleetIndexPath(options.dataDir), fleetIndexPath(options.dataDir, 1)].find((p) => existsSync(p));
  const path = options.readOnly && followed ? followed : indexPath(options.dataDir);
  return new LmdbBackend({ path, readOnly: options.readOnly });
}

export async function createProvenance(options: ProvenanceOptions): Promise<Provenance> {
  const path = logPath(options.dataDir);
  const onError = options.onError ?? ((err: unknown) => process.stderr.write(`provenance: ${String(err)}\n`));
  const interval = options.markInterval ?? DEFAULT_MARK_INTERVAL;
  const { keys } = options;
  const store = new FingerprintStore(await openBackend(options));
  if (!options.readOnly && !options.postgres && existsSync(path)) await importLog(store, path);

  return {
    get size() {
      return store.size;
    },
    marker: (args) => createOutputMarker(args, keys, interval),
    remember(args) {
      // Fingerprinted in the store's batch, off the request path.
      store.add(() => storedOutput(args)).catch(onError);
    },
    detect(text, opts) {
      return detect(text, keys, store.index, (ref) => store.resolve(ref), opts);
    },
    flush: () => store.flush(),
    purgeBefore: (cutoff) => store.purgeBefore(cutoff),
    close: () => store.close(),
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
    return await store.purgeBefore(cutoff);
  } finally {
    await store.close();
  }
}

function storedOutput(args: RememberArgs): StoredOutput {
  const ref = recordRef(args.decisionId);
  const time = Date.parse(args.time);
  return {
    record: { ref: ref.bytes, hashedRef: ref.hashed, licence: args.licence, licenceClass: args.licenceClass ?? null, trainable: args.trainable },
    originalId: ref.hashed ? args.decisionId : null,
    time: Number.isNaN(time) ? Date.now() : time,
    fingerprint: fingerprintOf(args.text),
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
