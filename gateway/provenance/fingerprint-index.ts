// In-memory index of served outputs' fingerprints in typed arrays (about 14 bytes per sampled
// shingle plus 30 per output), so a million outputs fit in a few hundred MB. Pure: no I/O.
import type { Fingerprint } from './fingerprint.js';
import { licenceClassCode, licenceClassName, refToString } from '../watermark/payload.js';

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

/** Both indexes of served outputs, with the same doc numbers: word shingles and loose pairs. */
export interface ProvenanceIndex {
  words: FingerprintIndex;
  loose: FingerprintIndex;
}

/**
 * At most this many outputs are listed per shingle, the most recent first: a bound on one lookup's
 * cost, never an exemption (issue 22, #3). A passage restricted outputs repeat is still theirs, however
 * often it was served; what counts as common is decided by public text (public-reference.ts).
 */
export const MAX_LISTED = 1024;

const FLAG_TRAINABLE = 1;
const FLAG_HASHED_REF = 2;

function grow<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}

export class FingerprintIndex {
  #docs = 0;
  #refs = new Uint8Array(16 * 1024);
  #flags = new Uint8Array(1024);
  #levels = new Uint8Array(1024);
  #samples = new Uint16Array(1024);
  #licences = new Uint16Array(1024);
  #classes = new Uint8Array(1024);
  readonly #licenceNames: (string | null)[] = [null];
  readonly #licenceIds = new Map<string, number>();

  #postings = 0;
  // Postings interleaved as [hash, doc, next+1] so that following a chain touches one cache line per step.
  #post = new Uint32Array(3 * 16 * 1024);
  #heads = new Int32Array(32 * 1024).fill(-1);

  #refSlots = new Int32Array(2048).fill(-1);

  constructor(expectedDocs = 0, expectedPostings = 0) {
    if (expectedDocs > 0) this.#reserveDocs(expectedDocs);
    if (expectedPostings > 0) this.#reservePostings(expectedPostings);
  }

  get size(): number {
    return this.#docs;
  }

  get postings(): number {
    return this.#postings;
  }

  add(record: IndexedRecord, fp: Fingerprint): number {
    const doc = this.#docs;
    this.#reserveDocs(doc + 1);
    this.#refs.set(record.ref, doc * 16);
    this.#flags[doc] = (record.trainable ? FLAG_TRAINABLE : 0) | (record.hashedRef ? FLAG_HASHED_REF : 0);
    this.#levels[doc] = fp.level;
    this.#samples[doc] = Math.min(fp.hashes.length, 0xffff);
    this.#licences[doc] = this.#licenceId(record.licence);
    this.#classes[doc] = record.licenceClass ? licenceClassCode(record.licenceClass) : 0;
    this.#docs++;
    this.#insertRef(doc);
    this.#reservePostings(this.#postings + fp.hashes.length);
    const mask = this.#heads.length - 1;
    for (const h of fp.hashes) {
      const p = this.#postings++;
      const slot = h & mask;
      this.#post[3 * p] = h;
      this.#post[3 * p + 1] = doc;
      this.#post[3 * p + 2] = this.#heads[slot] + 1;
      this.#heads[slot] = p;
    }
    return doc;
  }

  record(doc: number): RecordInfo {
    const flags = this.#flags[doc];
    return {
      decisionRef: refToString(this.#refs.subarray(doc * 16, doc * 16 + 16), (flags & FLAG_HASHED_REF) !== 0),
      licence: this.#licenceNames[this.#licences[doc]],
      licenceClass: licenceClassName(this.#classes[doc]),
      trainable: (flags & FLAG_TRAINABLE) !== 0,
    };
  }

  /** The most recent output with this 16-byte record reference, or -1. */
  findRef(ref: Uint8Array): number {
    const mask = this.#refSlots.length - 1;
    for (let slot = refKey(ref, 0) & mask; ; slot = (slot + 1) & mask) {
      const doc = this.#refSlots[slot];
      if (doc < 0) return -1;
      if (Buffer.compare(this.#refs.subarray(doc * 16, doc * 16 + 16), ref) === 0) return doc;
    }
  }

  /** Fills `out` with the outputs that sampled this shingle hash, the most recent MAX_LISTED first. */
  docsWith(hash: number, out: number[]): number[] {
    out.length = 0;
    const mask = this.#heads.length - 1;
    for (let p = this.#heads[hash & mask]; p >= 0 && out.length < MAX_LISTED; p = this.#post[3 * p + 2] - 1) {
      if (this.#post[3 * p] === hash) out.push(this.#post[3 * p + 1]);
    }
    return out;
  }

  /** Whether this output sampled this shingle hash (however many others did too). */
  holds(hash: number, doc: number): boolean {
    const mask = this.#heads.length - 1;
    for (let p = this.#heads[hash & mask]; p >= 0; p = this.#post[3 * p + 2] - 1) {
      if (this.#post[3 * p] === hash && this.#post[3 * p + 1] === doc) return true;
    }
    return false;
  }

  /** The sampling level an output was stored at. */
  levelOf(doc: number): number {
    return this.#levels[doc];
  }

  /** How many sampled shingles an output has. */
  samplesOf(doc: number): number {
    return this.#samples[doc];
  }

  #licenceId(licence: string | null): number {
    if (licence === null) return 0;
    let id = this.#licenceIds.get(licence);
    if (id === undefined) {
      id = this.#licenceNames.length;
      this.#licenceNames.push(licence);
      this.#licenceIds.set(licence, id);
    }
    return id;
  }

  #reserveDocs(n: number): void {
    if (n <= this.#flags.length) return;
    let cap = this.#flags.length;
    while (cap < n) cap *= 2;
    this.#refs = grow(this.#refs, cap * 16);
    this.#flags = grow(this.#flags, cap);
    this.#levels = grow(this.#levels, cap);
    this.#samples = grow(this.#samples, cap);
    this.#licences = grow(this.#licences, cap);
    this.#classes = grow(this.#classes, cap);
    if (cap * 2 > this.#refSlots.length) {
      this.#refSlots = new Int32Array(cap * 2).fill(-1);
      for (let doc = 0; doc < this.#docs; doc++) this.#insertRef(doc);
    }
  }

  #insertRef(doc: number): void {
    const mask = this.#refSlots.length - 1;
    let slot = refKey(this.#refs, doc * 16) & mask;
    while (this.#refSlots[slot] >= 0) {
      const other = this.#refSlots[slot];
      if (Buffer.compare(this.#refs.subarray(other * 16, other * 16 + 16), this.#refs.subarray(doc * 16, doc * 16 + 16)) === 0) break;
      slot = (slot + 1) & mask;
    }
    this.#refSlots[slot] = doc;
  }

  #reservePostings(n: number): void {
    if (3 * n > this.#post.length) {
      let cap = this.#post.length / 3;
      while (cap < n) cap *= 2;
      this.#post = grow(this.#post, 3 * cap);
    }
    // Chains average one to two postings: half a head per posting.
    if (n > this.#heads.length * 2) {
      let size = this.#heads.length;
      while (size * 2 < n) size *= 2;
      this.#heads = new Int32Array(size).fill(-1);
      const mask = size - 1;
      for (let p = 0; p < this.#postings; p++) {
        const slot = this.#post[3 * p] & mask;
        this.#post[3 * p + 2] = this.#heads[slot] + 1;
        this.#heads[slot] = p;
      }
    }
  }
}

// Mixes all 16 bytes: time-ordered ids (UUIDv7) share their leading bytes.
function refKey(bytes: Uint8Array, offset: number): number {
  let h = 0x9e3779b9;
  for (let i = 0; i < 16; i += 4) {
    h ^= bytes[offset + i] | (bytes[offset + i + 1] << 8) | (bytes[offset + i + 2] << 16) | (bytes[offset + i + 3] << 24);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  }
  return (h ^ (h >>> 16)) >>> 0;
}
