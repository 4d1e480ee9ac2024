// Finds every watermark payload in a text and checks each one's MAC.
import { findPayloads, type DecodedPayload, type MacKey } from '../watermark/payload.js';
import { selectorRunsAt } from '../watermark/variation-selectors.js';

export interface WatermarkReading {
  genuine: DecodedPayload[];
  forged: DecodedPayload[];
}

export interface PlacedMark {
  payload: DecodedPayload;
  /** UTF-16 offset of the selector run that carries it. */
  offset: number;
}

/** Every complete mark in the text with its place. Read from the text as given, before any normalisation removes the selectors. */
export function placedWatermarks(text: string, key: MacKey): PlacedMark[] {
  const marks: PlacedMark[] = [];
  for (const run of selectorRunsAt(text)) {
    for (const payload of findPayloads(run.bytes, key)) marks.push({ payload, offset: run.start });
  }
  return marks;
}

export function readWatermarks(text: string, key: MacKey): WatermarkReading {
  const reading: WatermarkReading = { genuine: [], forged: [] };
  for (const { payload } of placedWatermarks(text, key)) (payload.genuine ? reading.genuine : reading.forged).push(payload);
  return reading;
}

/** The text with every variation selector and zero-width format character removed. */
export function stripInvisible(text: string): string {
  return text.replace(/[\uFE00-\uFE0F\u200B-\u200F\u2060-\u2064\uFEFF]|\uDB40[\uDD00-\uDDEF]/g, '');
}
