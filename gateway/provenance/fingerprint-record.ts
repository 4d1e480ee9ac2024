// The on-disk form of one remembered output: [u32 body length][u32 CRC-32 of body][body], where
// body = version, flags, licence class, level, 16-byte ref, licence, original id when not a UUID,
// the sampled shingle hashes, then (version 2) the loose level and sampled loose pair hashes.
// Version 1 records load with no loose fingerprint. Only read now (the index imports the log once);
// encoding stays to write such logs in tests. Pure: encoding and decoding only.
import { crc32 } from 'node:zlib';
import type { Fingerprint, OutputFingerprints } from './fingerprint.js';
import type { IndexedRecord } from './fingerprint-index.js';
import { licenceClassCode, licenceClassName } from '../watermark/payload.js';

const VERSION = 2;

export interface StoredRecord {
  record: IndexedRecord;
  /** The decision id when it is not a UUID (the ref is then its hash). */
  originalId: string | null;
  fingerprint: OutputFingerprints;
}

function hashesSize(fp: Fingerprint): number {
  return 2 + 4 * Math.min(fp.hashes.length, 0xffff);
}

function writeHashes(out: Buffer, o: number, fp: Fingerprint): number {
  const n = Math.min(fp.hashes.length, 0xffff);
  out.writeUInt16LE(n, o);
  o += 2;
  for (let i = 0; i < n; i++, o += 4) out.writeUInt32LE(fp.hashes[i], o);
  return o;
}

function readHashes(body: Buffer, o: number): { hashes: Uint32Array; next: number } {
  const n = body.readUInt16LE(o);
  o += 2;
  const hashes = new Uint32Array(n);
  for (let i = 0; i < n; i++, o += 4) hashes[i] = body.readUInt32LE(o);
  return { hashes, next: o };
}

export function encodeRecord(stored: StoredRecord): Buffer {
  const licence = Buffer.from(stored.record.licence ?? '', 'utf8').subarray(0, 255);
  const id = Buffer.from(stored.originalId ?? '', 'utf8').subarray(0, 255);
  const { words, loose } = stored.fingerprint;
  const bodyLen = 4 + 16 + 1 + licence.length + 1 + id.length + hashesSize(words) + 1 + hashesSize(loose);
  const out = Buffer.alloc(8 + bodyLen);
  let o = 8;
  out[o++] = VERSION;
  out[o++] = (stored.record.trainable ? 1 : 0) | (stored.record.hashedRef ? 2 : 0) | (stored.record.licence === null ? 4 : 0);
  out[o++] = stored.record.licenceClass ? licenceClassCode(stored.record.licenceClass) : 0;
  out[o++] = words.level;
  out.set(stored.record.ref, o);
  o += 16;
  out[o++] = licence.length;
  o += licence.copy(out, o);
  out[o++] = id.length;
  o += id.copy(out, o);
  o = writeHashes(out, o, words);
  out[o++] = loose.level;
  writeHashes(out, o, loose);
  out.writeUInt32LE(bodyLen, 0);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/** Decodes the record at `offset`; null when the bytes there are incomplete or corrupt (a torn tail). */
export function decodeRecord(buf: Buffer, offset: number): { stored: StoredRecord; next: number } | null {
  if (offset + 8 > buf.length) return null;
  const bodyLen = buf.readUInt32LE(offset);
  const end = offset + 8 + bodyLen;
  if (bodyLen < 25 || end > buf.length) return null;
  const body = buf.subarray(offset + 8, end);
  if (crc32(body) !== buf.readUInt32LE(offset + 4) || (body[0] !== 1 && body[0] !== VERSION)) return null;
  const flags = body[1];
  let o = 4;
  const ref = Uint8Array.from(body.subarray(o, o + 16));
  o += 16;
  const licenceLen = body[o++];
  const licence = body.toString('utf8', o, o + licenceLen);
  o += licenceLen;
  const idLen = body[o++];
  const originalId = idLen > 0 ? body.toString('utf8', o, o + idLen) : null;
  o += idLen;
  const words = readHashes(body, o);
  const loose = body[0] >= 2 && words.next < body.length ? { level: body[words.next], ...readHashes(body, words.next + 1) } : { level: 0, hashes: new Uint32Array(0) };
  return {
    stored: {
      record: {
        ref,
        hashedRef: (flags & 2) !== 0,
        licence: flags & 4 ? null : licence,
        licenceClass: licenceClassName(body[2]),
        trainable: (flags & 1) !== 0,
      },
      originalId,
      fingerprint: { words: { level: body[3], hashes: words.hashes }, loose: { level: loose.level, hashes: loose.hashes } },
    },
    next: end,
  };
}
