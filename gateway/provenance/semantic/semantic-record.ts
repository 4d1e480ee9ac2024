// One restricted output as the semantic log stores it: its decision, licence and its windows'
// vectors, each quantised to 8 bits with its own scale (388 bytes a window instead of 1,536; the
// cosine moves by under 0.002), the model's and then the coarse ones (token-vectors.ts). Framed
// [u32 length][u32 CRC-32][body], so a torn tail is found. The header is JSON: records written before
// it held the time (`t`) take their UUIDv7 decision id's, and those written before it held coarse
// vectors (`k`) have none.
import { crc32 } from 'node:zlib';
import { DIMENSIONS } from './embedder.js';

export interface SemanticOutput {
  decisionId: string;
  licence: string;
  licenceClass: string | null;
  /** When the output was served (ms since the epoch), for retention; null when not known. */
  time: number | null;
  /** DIMENSIONS floats per window, back to back. */
  vectors: Float32Array;
  /** The windows' coarse vectors, as many; null in a record written before they were kept. */
  coarse: Float32Array | null;
}

/** What retention leaves of an output in the log: its place (outputs are numbered by it), nothing of it. */
export const PURGED: SemanticOutput = Object.freeze({ decisionId: '', licence: '', licenceClass: null, time: null, vectors: new Float32Array(0), coarse: new Float32Array(0) });

const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-/i;

/** The time a UUIDv7 (the gateway's decision ids) carries in its first 48 bits, or null for another id. */
export function timeOfDecision(id: string): number | null {
  const m = UUID_V7.exec(id);
  return m ? parseInt(m[1] + m[2], 16) : null;
}

const WINDOW_BYTES = 4 + DIMENSIONS;

export function encodeOutput(out: SemanticOutput): Buffer {
  if (out.coarse && out.coarse.length !== out.vectors.length) throw new Error('an output needs one coarse vector per window');
  const header = Buffer.from(JSON.stringify({ d: out.decisionId, l: out.licence, c: out.licenceClass, t: out.time, ...(out.coarse && { k: 1 }) }));
  const all = out.coarse ? new Float32Array(2 * out.vectors.length) : out.vectors;
  if (out.coarse) {
    all.set(out.vectors);
    all.set(out.coarse, out.vectors.length);
  }
  const windows = all.length / DIMENSIONS;
  const body = Buffer.alloc(4 + header.length + windows * WINDOW_BYTES);
  body.writeUInt32LE(header.length, 0);
  header.copy(body, 4);
  let at = 4 + header.length;
  for (let w = 0; w < windows; w++) {
    const v = all.subarray(w * DIMENSIONS, (w + 1) * DIMENSIONS);
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    const scale = max / 127 || 1;
    body.writeFloatLE(scale, at);
    for (let d = 0; d < DIMENSIONS; d++) body.writeInt8(Math.round(v[d] / scale), at + 4 + d);
    at += WINDOW_BYTES;
  }
  const frame = Buffer.alloc(8);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(crc32(body), 4);
  return Buffer.concat([frame, body]);
}

/** The bytes of a frame that hold its header, at most (decision id and licence names are short). */
export const HEADER_BYTES = 4096;

interface Header {
  d: string;
  l: string;
  c: string | null;
  t?: number | null;
  /** Coarse vectors follow the model's. */
  k?: 1;
}

/** A body's JSON header, its length, and the time it names (its own, else its UUIDv7 decision id's); null when the body does not hold it whole. */
function headerIn(body: Buffer): { header: Header; bytes: number; time: number | null } | null {
  if (body.length < 4) return null;
  const bytes = body.readUInt32LE(0);
  if (4 + bytes > body.length) return null;
  const header = JSON.parse(body.subarray(4, 4 + bytes).toString('utf8')) as Header;
  return { header, bytes, time: header.t ?? timeOfDecision(header.d) };
}

/** The body of the frame at `offset` and where the frame ends, or null when the buffer holds no whole frame with a matching CRC there. */
function intactBody(buf: Buffer, offset: number): { body: Buffer; end: number } | null {
  if (buf.length - offset < 8) return null;
  const end = offset + 8 + buf.readUInt32LE(offset);
  if (end > buf.length) return null;
  const body = buf.subarray(offset + 8, end);
  return crc32(body) === buf.readUInt32LE(offset + 4) ? { body, end } : null;
}

/** A frame's decision and time from its first bytes alone (retention of the fleet's rows), or null when they do not hold a header. */
export function headerOf(head: Buffer): { decisionId: string; time: number | null } | null {
  try {
    const found = headerIn(head.subarray(8));
    return found && { decisionId: found.header.d, time: found.time };
  } catch {
    return null;
  }
}

/** The decision and time of the intact record at `offset` (its CRC checked, its windows not read), or null as decodeOutput. */
export function decodeHeader(buf: Buffer, offset: number): { value: { decisionId: string; time: number | null }; next: number } | null {
  const frame = intactBody(buf, offset);
  if (!frame) return null;
  const header = headerOf(buf.subarray(offset, frame.end));
  return header && { value: header, next: frame.end };
}

/** The record at `offset`, or null when the buffer holds no complete, intact one there. */
export function decodeOutput(buf: Buffer, offset: number): { output: SemanticOutput; next: number } | null {
  const frame = intactBody(buf, offset);
  const found = frame && headerIn(frame.body);
  if (!frame || !found) return null;
  const { body, end } = frame;
  const { header, time } = found;
  const stored = (body.length - 4 - found.bytes) / WINDOW_BYTES;
  const all = new Float32Array(stored * DIMENSIONS);
  let at = 4 + found.bytes;
  for (let w = 0; w < stored; w++) {
    const scale = body.readFloatLE(at);
    for (let d = 0; d < DIMENSIONS; d++) all[w * DIMENSIONS + d] = body.readInt8(at + 4 + d) * scale;
    at += WINDOW_BYTES;
  }
  const windows = header.k ? Math.floor(stored / 2) : stored;
  const vectors = all.subarray(0, windows * DIMENSIONS);
  const coarse = header.k ? all.subarray(windows * DIMENSIONS, 2 * windows * DIMENSIONS) : null;
  return { output: { decisionId: header.d, licence: header.l, licenceClass: header.c, time, vectors, coarse }, next: end };
}

/** Whether retention with outputs served before `beforeMs` forgotten takes this record (an emptied one, or one of unknown time, never). */
export function forgottenUnder(record: { decisionId: string; time: number | null }, beforeMs: number): boolean {
  return record.decisionId !== PURGED.decisionId && record.time !== null && record.time < beforeMs;
}
