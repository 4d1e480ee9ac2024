// The provenance stage: marks outputs, remembers what was served (fingerprints appended to
// <dataDir>/provenance in batches, off the request path) and detects where a text came from.
import { existsSync, statSync } from 'node:fs';
import type { OutputMarker, ProvenanceStage } from '../core/contracts.js';
import type { SigningKeys } from '../signing/keys.js';
import { detect, type DetectionResult } from './detection.js';
import { fingerprintOf } from './fingerprint.js';
import { FingerprintIndex, type ProvenanceIndex } from './fingerprint-index.js';
import { LogWriter, logPath, readLog } from './fingerprint-log.js';
import { encodeRecord, type StoredRecord } from './fingerprint-record.js';
import { createOutputMarker, DEFAULT_MARK_INTERVAL } from './marker.js';
import { recordRef, refToString } from '../watermark/payload.js';
import { BatchQueue } from '../core/batch-queue.js';

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
  detect(text: string): DetectionResult;
  /** Resolves once everything remembered so far is in the index and written. */
  flush(): Promise<void>;
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
}

export async function createProvenance(options: ProvenanceOptions): Promise<Provenance> {
  const path = logPath(options.dataDir);
  const onError = options.onError ?? ((err: unknown) => process.stderr.write(`provenance: ${String(err)}\n`));
  const interval = options.markInterval ?? DEFAULT_MARK_INTERVAL;
  const { keys } = options;
  const hashedIds = new Map<string, string>();
  // Size the arrays from the file (about 4.5 bytes per sampled hash; 150–250 shingles and loose
  // pairs, about 1 KB, per output) so that loading a large index does not keep doubling them.
  const bytes = existsSync(path) ? statSync(path).size : 0;
  const index: ProvenanceIndex = { words: new FingerprintIndex(Math.ceil(bytes / 300), Math.ceil(bytes / 9)), loose: new FingerprintIndex(Math.ceil(bytes / 300), Math.ceil(bytes / 9)) };
  const { validBytes, fileBytes } = readLog(path, addStored);
  const writer = options.readOnly ? null : await LogWriter.open(path, validBytes, fileBytes);

  function addStored(stored: StoredRecord): void {
    index.words.add(stored.record, stored.fingerprint.words);
    index.loose.add(stored.record, stored.fingerprint.loose);
    if (stored.originalId !== null) hashedIds.set(refToString(stored.record.ref, true), stored.originalId);
  }

  const queue = new BatchQueue<RememberArgs>({ write });

  /** Indexes a batch and appends it to the log in one write; a failure is reported, never thrown. */
  async function write(batch: RememberArgs[]): Promise<void> {
    try {
      const encoded = batch.map((args) => {
        const ref = recordRef(args.decisionId);
        const stored: StoredRecord = {
          record: { ref: ref.bytes, hashedRef: ref.hashed, licence: args.licence, licenceClass: args.licenceClass ?? null, trainable: args.trainable },
          originalId: ref.hashed ? args.decisionId : null,
          fingerprint: fingerprintOf(args.text),
        };
        addStored(stored);
        return encodeRecord(stored);
      });
      await writer?.append(Buffer.concat(encoded));
    } catch (err) {
      onError(err);
    }
  }

  return {
    get size() {
      return index.words.size;
    },
    marker: (args) => createOutputMarker(args, keys, interval),
    remember(args) {
      queue.push(args).catch(onError);
    },
    detect(text) {
      return detect(text, keys, index, (ref) => hashedIds.get(ref) ?? ref);
    },
    flush: () => queue.flush(),
    async close() {
      await queue.close();
      await writer?.close();
    },
  };
}
