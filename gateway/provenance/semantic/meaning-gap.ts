// A gap in the meaning index, kept across restarts. A restricted output that could not be indexed (the
// backlog full, an indexing failure, the model missing) makes admission refuse, but only in the process
// that missed it: after a restart admission resumed, and a paraphrase of that output was traced by
// nobody. The first output missed writes `<log>.gap.json` (before anything else is done with it); while
// it is there, training admission refuses. It goes when retention has forgotten every output served up to
// the gap's end (nothing missed is left to trace), or when an operator deletes it, accepting that those
// outputs are traced by their words only. In a fleet the gap is also a row every replica reads
// (meaning-rows.ts), since the others never received those outputs either.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomicSync } from '../../core/atomic-file.js';
import { SEEN_FOR_MS } from './seen-windows.js';

export interface MeaningGap {
  /** Names the gap's row in a fleet. */
  id: string;
  /** When the first output was missed (ms since the epoch). */
  since: number;
  /** No output was missed after this (the process that missed them stopped, or restarted); null while one may still be. */
  until: number | null;
  /** Why the first was missed. */
  reason: string;
}

export const gapPath = (logPath: string): string => `${logPath}.gap.json`;

/** The gap recorded beside a log; a file that does not read as one is a gap of unknown extent (fail closed). */
export function readGap(path: string): MeaningGap | null {
  if (!existsSync(path)) return null;
  try {
    const gap = JSON.parse(readFileSync(path, 'utf8')) as MeaningGap;
    if (typeof gap.id === 'string' && Number.isFinite(gap.since) && (gap.until === null || Number.isFinite(gap.until)) && typeof gap.reason === 'string') return gap;
  } catch {
    // Falls through to the gap of unknown extent.
  }
  return { id: randomUUID(), since: 0, until: null, reason: `${path} is damaged` };
}

/** Records that an output is being missed now: a new gap, or an earlier one reopened (it keeps its start). */
export function openGap(path: string, reason: string, now = Date.now()): MeaningGap {
  const earlier = readGap(path);
  const gap = { id: earlier?.id ?? randomUUID(), since: earlier?.since ?? now, until: null, reason: earlier?.reason ?? reason };
  writeFileAtomicSync(path, JSON.stringify(gap));
  return gap;
}

/** Records that nothing is missed after `until` (a clean close, or the next start after a crash). */
export function closeGap(path: string, gap: MeaningGap, until = Date.now()): MeaningGap {
  const closed = { ...gap, until: gap.until ?? until };
  writeFileAtomicSync(path, JSON.stringify(closed));
  return closed;
}

/** Whether retention that forgets every output served before `forgottenBefore` leaves nothing of the gap to trace. */
export function gapForgotten(gap: MeaningGap, forgottenBefore: number): boolean {
  return gap.until !== null && gap.until <= forgottenBefore;
}

/** Removes the gap once it is forgotten (gapForgotten); returns whether it did. */
export function clearGapForgotten(path: string, gap: MeaningGap, forgottenBefore: number): boolean {
  if (!gapForgotten(gap, forgottenBefore)) return false;
  rmSync(path, { force: true });
  return true;
}

/** Why admission refuses for the gap; `remedy` says what an operator would delete to accept it. */
export function describeGap(gap: MeaningGap, remedy: string): string {
  const at = (ms: number) => new Date(ms).toISOString();
  // Retention forgets what was served SEEN_FOR_MS before its cutoff (meaning-retention.ts).
  const span = gap.until === null ? `since ${at(gap.since)}` : `between ${at(gap.since)} and ${at(gap.until)}`;
  const purge = gap.until === null ? 'once the gap has ended' : `\`termsgate audit purge-content --older-than ${at(gap.until + SEEN_FOR_MS)}\` or later`;
  return `restricted outputs served ${span} were not indexed by meaning (${gap.reason}), so training admission refuses until retention forgets them (${purge}) or an operator deletes ${remedy}, accepting that they are traced by their words only`;
}
