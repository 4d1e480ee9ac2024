// Record framing in segment files: u32 length, u32 CRC-32 of the payload, u32 CRC-32 of those
// 8 bytes, then the payload. Pure. The header CRC makes a damaged length detectable (it cannot
// pass for a write cut short); the payload CRC catches bit rot and torn payloads.
import { crc32 } from 'node:zlib';

export const FRAME_HEADER = 12;
export const MAX_FRAME = 64 * 1024 * 1024;

export function encodeFrame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  out.set(payload, FRAME_HEADER);
  return out;
}

/** Frames many payloads into one buffer (one write syscall for a whole batch). */
export function encodeFrames(payloads: Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) total += FRAME_HEADER + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out.writeUInt32BE(p.length, at);
    out.writeUInt32BE(crc32(p), at + 4);
    out.writeUInt32BE(crc32(out.subarray(at, at + 8)), at + 8);
    out.set(p, at + FRAME_HEADER);
    at += FRAME_HEADER + p.length;
  }
  return out;
}

export type FrameResult =
  | { kind: 'frame'; payload: Buffer; next: number }
  /** The buffer ends inside the frame; `end` is where the frame would end when the header is intact. */
  | { kind: 'incomplete'; end: number | null }
  /** `end` is null when the header itself is damaged, so the frame's extent is unknown. */
  | { kind: 'bad'; reason: string; end: number | null };

/** Reads the frame at `offset` of `buf`. */
export function readFrame(buf: Buffer, offset: number): FrameResult {
  if (buf.length - offset < FRAME_HEADER) return { kind: 'incomplete', end: null };
  if (crc32(buf.subarray(offset, offset + 8)) !== buf.readUInt32BE(offset + 8)) return { kind: 'bad', reason: 'frame header CRC mismatch', end: null };
  const length = buf.readUInt32BE(offset);
  if (length === 0 || length > MAX_FRAME) return { kind: 'bad', reason: `impossible frame length ${length}`, end: null };
  const end = offset + FRAME_HEADER + length;
  if (end > buf.length) return { kind: 'incomplete', end };
  const payload = buf.subarray(offset + FRAME_HEADER, end);
  if (crc32(payload) !== buf.readUInt32BE(offset + 4)) return { kind: 'bad', reason: 'record CRC mismatch', end };
  return { kind: 'frame', payload, next: end };
}
