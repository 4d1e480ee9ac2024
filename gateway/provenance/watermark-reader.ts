// Finds every watermark payload in a text and checks each one's MAC.
import { findPayloads, type DecodedPayload, type MacKey } from './payload.js';
import { selectorRuns } from './variation-selectors.js';

export interface WatermarkReading {
  genuine: DecodedPayload[];
  forged: DecodedPayload[];
}

export function readWatermarks(text: string, key: MacKey): WatermarkReading {
  const reading: WatermarkReading = { genuine: [], forged: [] };
  for (const run of selectorRuns(text)) {
    for (const p of findPayloads(run, key)) (p.genuine ? reading.genuine : reading.forged).push(p);
  }
  return reading;
}

/** The text with every variation selector and zero-width format character removed. */
export function stripInvisible(text: string): string {
  return text.replace(/[\uFE00-\uFE0F\u200B-\u200F\u2060-\u2064\uFEFF]|\uDB40[\uDD00-\uDDEF]/g, '');
}
