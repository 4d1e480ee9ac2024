// Public text is never attributed to an output that quotes it (issue 22, #3): a window whose word
// shingles are mostly those of the public reference corpus (public-reference.ts: the licence texts
// outputs quote most) is neither indexed nor traced by meaning.
import { fingerprintWords, shingleHashesAt } from '../fingerprint.js';
import { publicReference } from '../public-reference.js';
import type { TextWindow } from './windows.js';

/** At least this share of a window's shingles in the public reference makes it public. */
const PUBLIC_SHARE = 0.5;

export function isPublicWindow(text: string): boolean {
  const hashes = shingleHashesAt(fingerprintWords(text));
  if (hashes.length === 0) return false;
  const reference = publicReference().shingles;
  let shared = 0;
  for (const h of hashes) if (reference.has(h)) shared++;
  return shared / hashes.length >= PUBLIC_SHARE;
}

/** The windows of `text` that are not quotes of public text. */
export function ownWindows(text: string, windows: TextWindow[]): TextWindow[] {
  return windows.filter((w) => !isPublicWindow(text.slice(w.start, w.end)));
}
