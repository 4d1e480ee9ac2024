// What detection asks of the index of served outputs (spans.ts, loose-claims.ts): postings by hash,
// most recent first, and one output's facts by its doc number. The storage behind it is
// gateway/provenance/index/ (on disk; no copy of the index lives in the heap).

export interface IndexedRecord {
  ref: Uint8Array;
  hashedRef: boolean;
  licence: string | null;
  licenceClass: string | null;
  trainable: boolean;
}

export interface RecordInfo {
  decisionRef: string;
  licence: string | null;
  licenceClass: string | null;
  trainable: boolean;
}

/**
 * At most this many outputs are listed per shingle, the most recent first: a bound on one lookup's
 * cost, never an exemption (issue 22, #3). A passage restricted outputs repeat is still theirs, however
 * often it was served; what counts as common is decided by public text (public-reference.ts).
 */
export const MAX_LISTED = 1024;

/** One of the two fingerprints (word shingles or loose pairs), over the doc numbers both share. */
export interface FingerprintIndex {
  /** Outputs held. */
  readonly size: number;
  /** Fills `out` with the outputs that sampled this hash, the most recent MAX_LISTED first. */
  docsWith(hash: number, out: number[]): number[];
  /** Whether this output sampled this hash (however many others did too). */
  holds(hash: number, doc: number): boolean;
  /** Loose pairs: where this output's sampled pair first starts, in words; -1 when it is not known. */
  positionOf(hash: number, doc: number): number;
  /** The most recent output with this 16-byte record reference, or -1. */
  findRef(ref: Uint8Array): number;
  record(doc: number): RecordInfo;
  /** The sampling level an output was stored at. */
  levelOf(doc: number): number;
  /** How many sampled hashes an output has. */
  samplesOf(doc: number): number;
}

/** Both indexes of served outputs, with the same doc numbers: word shingles and loose pairs. */
export interface ProvenanceIndex {
  words: FingerprintIndex;
  loose: FingerprintIndex;
}
