// The OutputMarker for one output: inserts the signed payload, as invisible variation selectors,
// at the places MarkPlacement allows. Nothing is held back: a mark goes before a space, and the
// decision to place it is made when that space arrives.
import type { OutputMarker } from '../core/contracts.js';
import { MarkPlacement } from './mark-placement.js';
import { encodePayload, PAYLOAD_BYTES, type MacKey, type WatermarkFields } from '../watermark/payload.js';
import { bytesToSelectors } from '../watermark/variation-selectors.js';

/** Words between two copies of the mark, so that excerpts keep one. */
export const DEFAULT_MARK_INTERVAL = 30;

export function createOutputMarker(fields: WatermarkFields, key: MacKey, interval = DEFAULT_MARK_INTERVAL): OutputMarker {
  const payload = encodePayload(fields, key);
  const mark = bytesToSelectors(payload);
  // The MAC tag names this mark in the audit record.
  const watermarkId = `wm1-${Buffer.from(payload.subarray(PAYLOAD_BYTES - 8)).toString('hex')}`;
  const stream = () => {
    const placement = new MarkPlacement(interval);
    return {
      push(delta: string): string {
        let out = '';
        let from = 0;
        for (let i = placement.advance(delta, 0); i < delta.length; i = placement.advance(delta, i + 1)) {
          out += delta.slice(from, i) + mark;
          from = i;
        }
        return out + delta.slice(from);
      },
    };
  };
  return {
    watermarkId,
    markText(text: string): string {
      return stream().push(text);
    },
    stream,
  };
}
