// One served output as every index backend stores it (the value of its doc number):
// [u8 version][u8 flags][u8 licence class][u8 word level][u8 loose level][u16 words][u16 loose pairs]
// [f64 time, ms][16-byte ref][u8 n][licence][u8 n][original id when not a UUID][word hashes][loose hashes]
// and, from version 2, [loose positions]: hashes as sorted u32 LE, so `holds` is a binary search, and
// where each loose pair first starts in the output as u16 LE words, in the same order (a version 1 output
// has none; loose-claims.ts reads them). The header is fixed, so one output's level,
// sample count and time are read without decoding the rest. Pure: encoding and decoding only.
import { endianness } from 'node:os';
import { distinctSorted, MAX_POSITION, type Fingerprint, type OutputFingerprints } from '../fingerprint.js';
import type { IndexedRecord } from '../fingerprint-index.js';
import { licenceClassCode, licenceClassName } from '../../watermark/payload.js';

const LITTLE_ENDIAN = endianness() === 'LE';
const VERSION = 2;
const WITHOUT_POSITIONS = 1;
const HEADER = 17;
const MAX_HASHES = 0xffff;

export interface StoredOutput {
  record: IndexedRecord;
  /** The decision id when it is not a UUID (the ref is then its hash). */
  originalId: string | null;
  /** When it was served (ms since the epoch): retention purges by it. */
  time: number;
  fingerprint: OutputFingerprints;
}

export type FingerprintKind = 'words' | 'loose';

function sortedHashes(hashes: Uint32Array): Uint32Array {
  return distinctSorted(hashes.subarray(0, MAX_HASHES));
}

export function encodeOutput(stored: StoredOutput): Buffer {
  const licence = Buffer.from(stored.record.licence ?? '', 'utf8').subarray(0, 255);
  const id = Buffer.from(stored.originalId ?? '', 'utf8').subarray(0, 255);
  const words = sortedHashes(stored.fingerprint.words.hashes);
  const { hashes: loose, at } = sortedWithPositions(stored.fingerprint.loose);
  const out = Buffer.alloc(HEADER + 16 + 1 + licence.length + 1 + id.length + 4 * (words.length + loose.length) + 2 * at.length);
  out[0] = VERSION;
  out[1] = (stored.record.trainable ? 1 : 0) | (stored.record.hashedRef ? 2 : 0) | (stored.record.licence === null ? 4 : 0);
  out[2] = stored.record.licenceClass ? licenceClassCode(stored.record.licenceClass) : 0;
  out[3] = stored.fingerprint.words.level;
  out[4] = stored.fingerprint.loose.level;
  out.writeUInt16LE(words.length, 5);
  out.writeUInt16LE(loose.length, 7);
  out.writeDoubleLE(stored.time, 9);
  let o = HEADER;
  out.set(stored.record.ref, o);
  o += 16;
  out[o++] = licence.length;
  o += licence.copy(out, o);
  out[o++] = id.length;
  o += id.copy(out, o);
  for (const h of words) o = out.writeUInt32LE(h, o);
  for (const h of loose) o = out.writeUInt32LE(h, o);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(at.buffer, at.byteOffset, at.byteLength), o);
  else for (const p of at) o = out.writeUInt16LE(p, o);
  return out;
}

/** Distinct hashes, ascending, each with the least position given for it (where it first starts; MAX_POSITION where none is). */
function sortedWithPositions(fp: Fingerprint): { hashes: Uint32Array; at: Uint16Array } {
  const n = Math.min(fp.hashes.length, MAX_HASHES);
  let ascending = true;
  for (let i = 1; i < n && ascending; i++) ascending = fp.hashes[i - 1] < fp.hashes[i];
  // As fingerprintOf makes them: nothing to sort.
  if (ascending) return { hashes: fp.hashes.slice(0, n), at: fp.at ? fp.at.slice(0, n) : new Uint16Array(n).fill(MAX_POSITION) };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => fp.hashes[a] - fp.hashes[b] || (fp.at?.[a] ?? 0) - (fp.at?.[b] ?? 0));
  const hashes = new Uint32Array(n);
  const at = new Uint16Array(n);
  let m = 0;
  for (const i of order) {
    if (m > 0 && hashes[m - 1] === fp.hashes[i]) continue;
    hashes[m] = fp.hashes[i];
    at[m++] = fp.at?.[i] ?? MAX_POSITION;
  }
  return { hashes: hashes.slice(0, m), at: at.slice(0, m) };
}

/** What lookups need of one output: decoded once, then cached by the store. */
export interface OutputFacts {
  record: IndexedRecord;
  originalId: string | null;
  time: number;
  words: { level: number; hashes: Uint32Array };
  loose: { level: number; hashes: Uint32Array; at?: Uint16Array };
}

/** `n` little-endian u32 at `offset`: one native copy of the bytes on a little-endian host (a read per hash was most of a lookup's time). */
function hashesAt(b: Buffer, offset: number, n: number): Uint32Array {
  if (LITTLE_ENDIAN) return new Uint32Array(b.buffer.slice(b.byteOffset + offset, b.byteOffset + offset + 4 * n));
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = b.readUInt32LE(offset + 4 * i);
  return out;
}

function positionsAt(b: Buffer, offset: number, n: number): Uint16Array {
  if (LITTLE_ENDIAN) return new Uint16Array(b.buffer.slice(b.byteOffset + offset, b.byteOffset + offset + 2 * n));
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = b.readUInt16LE(offset + 2 * i);
  return out;
}

/** Decodes a stored output; null when the bytes are not one (never thrown: a store's value is data). */
export function decodeOutput(buf: Uint8Array): OutputFacts | null {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < HEADER + 18 || (b[0] !== VERSION && b[0] !== WITHOUT_POSITIONS)) return null;
  const nWords = b.readUInt16LE(5);
  const nLoose = b.readUInt16LE(7);
  let o = HEADER + 16;
  const licenceLen = b[o++];
  if (o + licenceLen + 1 > b.length) return null;
  const licence = b.toString('utf8', o, o + licenceLen);
  o += licenceLen;
  const idLen = b[o++];
  const positions = b[0] === VERSION ? nLoose : 0;
  if (o + idLen + 4 * (nWords + nLoose) + 2 * positions !== b.length) return null;
  const originalId = idLen > 0 ? b.toString('utf8', o, o + idLen) : null;
  o += idLen;
  const words = hashesAt(b, o, nWords);
  const loose = hashesAt(b, o + 4 * nWords, nLoose);
  const at = b[0] === VERSION ? positionsAt(b, o + 4 * (nWords + nLoose), nLoose) : undefined;
  return {
    record: {
      ref: Uint8Array.from(b.subarray(HEADER, HEADER + 16)),
      hashedRef: (b[1] & 2) !== 0,
      licence: b[1] & 4 ? null : licence,
      licenceClass: licenceClassName(b[2]),
      trainable: (b[1] & 1) !== 0,
    },
    originalId,
    time: b.readDoubleLE(9),
    words: { level: b[3], hashes: words },
    loose: { level: b[4], hashes: loose, at },
  };
}

/** When a stored output was served, read from its header alone (retention scans every output). */
export function timeOf(buf: Uint8Array): number {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readDoubleLE(9);
}
