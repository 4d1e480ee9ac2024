// The watermark payload: which record an output came from, its licence class and trainability,
// which key signed it, and a truncated HMAC-SHA256 so that an altered or invented mark is caught.
// Layout (29 bytes): magic(2) header(1) class(1) keyByte(1) ref(16) mac(8).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const MAGIC = Uint8Array.of(0x54, 0xc7);
export const PAYLOAD_BYTES = 29;
const VERSION = 1;
const MAC_BYTES = 8;
const MAC_CONTEXT = Buffer.from('termsgate-watermark-v1\0');
const FLAG_TRAINABLE = 0x01;
const FLAG_HASHED_REF = 0x02;

// A class's code is its position plus one; classes are only ever appended, so marks made under an
// earlier catalogue (its classes "yes" and "yes-with-duties") keep decoding.
const LICENCE_CLASSES = [
  'yes',
  'yes-with-duties',
  'not-for-competing-models',
  'never',
  'free',
  'duties-on-distribution',
  'derivatives-inherit',
  'non-commercial',
] as const;

export interface WatermarkFields {
  decisionId: string;
  licenceClass: string;
  trainable: boolean;
}

export interface MacKey {
  keyId: string;
  macSecret: Buffer;
}

export interface DecodedPayload {
  /** The decision id when it was a UUID; otherwise "ref:<hex>" of its hash (resolved through the index). */
  decisionRef: string;
  hashedRef: boolean;
  licenceClass: string | null;
  trainable: boolean;
  keyByte: number;
  genuine: boolean;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 16 bytes naming the record: the UUID itself, or the first 16 bytes of SHA-256 of any other id. */
export function recordRef(decisionId: string): { bytes: Buffer; hashed: boolean } {
  if (UUID_RE.test(decisionId)) return { bytes: Buffer.from(decisionId.replaceAll('-', ''), 'hex'), hashed: false };
  return { bytes: createHash('sha256').update(decisionId).digest().subarray(0, 16), hashed: true };
}

export function refToString(ref: Uint8Array, hashed: boolean): string {
  const hex = Buffer.from(ref).toString('hex');
  if (hashed) return `ref:${hex}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function licenceClassCode(licenceClass: string): number {
  return LICENCE_CLASSES.indexOf(licenceClass as (typeof LICENCE_CLASSES)[number]) + 1;
}

export function licenceClassName(code: number): string | null {
  return LICENCE_CLASSES[code - 1] ?? null;
}

function keyByteOf(keyId: string): number {
  return parseInt(keyId.slice(0, 2), 16);
}

function mac(key: MacKey, signed: Uint8Array): Buffer {
  return createHmac('sha256', key.macSecret).update(MAC_CONTEXT).update(signed).digest().subarray(0, MAC_BYTES);
}

export function encodePayload(fields: WatermarkFields, key: MacKey): Uint8Array {
  const ref = recordRef(fields.decisionId);
  const out = new Uint8Array(PAYLOAD_BYTES);
  out.set(MAGIC, 0);
  out[2] = (VERSION << 4) | (fields.trainable ? FLAG_TRAINABLE : 0) | (ref.hashed ? FLAG_HASHED_REF : 0);
  out[3] = licenceClassCode(fields.licenceClass);
  out[4] = keyByteOf(key.keyId);
  out.set(ref.bytes, 5);
  out.set(mac(key, out.subarray(2, 21)), 21);
  return out;
}

/** Parses one payload starting at the magic; genuine only when version, key and MAC all check out. */
export function decodePayload(bytes: Uint8Array, key: MacKey): DecodedPayload {
  const header = bytes[2];
  const ref = bytes.subarray(5, 21);
  const hashedRef = (header & FLAG_HASHED_REF) !== 0;
  const expected = mac(key, bytes.subarray(2, 21));
  const genuine =
    header >> 4 === VERSION && bytes[4] === keyByteOf(key.keyId) && timingSafeEqual(expected, bytes.subarray(21, 21 + MAC_BYTES));
  return {
    decisionRef: refToString(ref, hashedRef),
    hashedRef,
    licenceClass: licenceClassName(bytes[3]),
    trainable: (header & FLAG_TRAINABLE) !== 0,
    keyByte: bytes[4],
    genuine,
  };
}

/** Every complete payload inside a run of selector bytes (a run may also hold an emoji's VS16). */
export function findPayloads(run: Uint8Array, key: MacKey): DecodedPayload[] {
  const found: DecodedPayload[] = [];
  let i = 0;
  while (i + PAYLOAD_BYTES <= run.length) {
    if (run[i] === MAGIC[0] && run[i + 1] === MAGIC[1]) {
      found.push(decodePayload(run.subarray(i, i + PAYLOAD_BYTES), key));
      i += PAYLOAD_BYTES;
    } else {
      i++;
    }
  }
  return found;
}
