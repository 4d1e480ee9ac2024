// The on-disk form of one remembered output: [u32 body length][u32 CRC-32 of body][body], where
// body = version, flags, licence class, level, 16-byte ref, licence, original id when not a UUID,
// and the sampled shingle hashes. Pure: encoding and decoding only.
import { crc32 } from 'node:zlib';
import type { Fingerprint } from './fingerprint.js';
import type { IndexedRecord } from './fingerprint-index.js';
import { licenceClassCode, licenceClassName } from '../watermark/payload.js';

const VERSION = 1;

export interface StoredRecord {
  record: IndexedRecord;
  /** The decision id when it is not a UUID (the ref is then its hash). */
  originalId: string | null;
  fingerprint: Fingerprint;
}

export function encodeRecord(stored: StoredRecord): Buffer {
  const licence = Buffer.from(stored.record.licence ?? '', 'utf8').subarray(0, 255);
  const id = Buffer.from(stored.originalId ?? '', 'utf8').subarray(0, 255);
  const n = Math.min(stored.fingerprint.hashes.length, 0xffff);
  const bodyLen = 4 + 16 + 1 + licence.length + 1 + id.length + 2 + 4 * n;
  const out = Buffer.alloc(8 + bodyLen);
  let o = 8;
  out[o++] = VERSION;
  out[o++] = (stored.record.trainable ? 1 : 0) | (stored.record.hashedRef ? 2 : 0) | (stored.record.licence === null ? 4 : 0);
  out[o++] = stored.record.licenceClass ? licenceClassCode(stored.record.licenceClass) : 0;
  out[o++] = stored.fingerprint.level;
  out.set(stored.record.ref, o);
  o += 16;
  out[o++] = licence.length;
  o += licence.copy(out, o);
  out[o++] = id.length;
  o += id.copy(out, o);
  out.writeUInt16LE(n, o);
  o += 2;
  for (let i = 0; i < n; i++, o += 4) out.writeUInt32LE(stored.fingerprint.hashes[i], o);
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
  if (crc32(body) !== buf.readUInt32LE(offset + 4) || body[0] !== VERSION) return null;
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
  const n = body.readUInt16LE(o);
  o += 2;
  const hashes = new Uint32Array(n);
  for (let i = 0; i < n; i++, o += 4) hashes[i] = body.readUInt32LE(o);
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
      fingerprint: { level: body[3], hashes },
    },
    next: end,
  };
}
