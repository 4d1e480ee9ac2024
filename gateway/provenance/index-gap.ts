// A gap in a provenance index (the word fingerprints', the meaning index's), kept across restarts. An
// output that could not be indexed (a write that failed; for meaning also the backlog full or the model
// missing) used to be logged and passed over, or refused for only in the process that missed it: after a
// restart admission resumed, and that output was traced by nobody. The first output missed writes a
// `.gap.json` file beside the index (before anything else is done with it); while it is there, training
// admission refuses. It goes when retention has forgotten every output served up to the gap's end
// (nothing missed is left to trace), or when an operator deletes it, accepting the gap. In a fleet a
// meaning gap is also a row every replica reads (semantic/meaning-rows.ts).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomicSync } from '../core/atomic-file.js';

export interface IndexGap {
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
export function readGap(path: string): IndexGap | null {
  if (!existsSync(path)) return null;
  try {
    const gap = JSON.parse(readFileSync(path, 'utf8')) as IndexGap;
    if (typeof gap.id === 'string' && Number.isFinite(gap.since) && (gap.until === null || Number.isFinite(gap.until)) && typeof gap.reason === 'string') return gap;
  } catch {
    // Falls through to the gap of unknown extent.
  }
  return { id: randomUUID(), since: 0, until: null, reason: `${path} is damaged` };
}

/** Records that an output is being missed now: a new gap, or an earlier one reopened (it keeps its start). */
function openGap(path: string, reason: string, now = Date.now()): IndexGap {
  const earlier = readGap(path);
  const gap = { id: earlier?.id ?? randomUUID(), since: earlier?.since ?? now, until: null, reason: earlier?.reason ?? reason };
  writeFileAtomicSync(path, JSON.stringify(gap));
  return gap;
}

/** Records that nothing is missed after `until` (a clean close, or the next start after a crash). */
function closeGap(path: string, gap: IndexGap, until = Date.now()): IndexGap {
  const closed = { ...gap, until: gap.until ?? until };
  writeFileAtomicSync(path, JSON.stringify(closed));
  return closed;
}

/** Whether retention that forgets every output served before `forgottenBefore` leaves nothing of the gap to trace. */
export function gapForgotten(gap: IndexGap, forgottenBefore: number): boolean {
  return gap.until !== null && gap.until <= forgottenBefore;
}

/** Removes the gap once it is forgotten (gapForgotten); returns whether it did. */
export function clearGapForgotten(path: string, gap: IndexGap, forgottenBefore: number): boolean {
  if (!gapForgotten(gap, forgottenBefore)) return false;
  rmSync(path, { force: true });
  return true;
}

/**
 * The gap the process that writes an index keeps for it: read at start (and ended there when the writer
 * before this one died with it open), opened at the first output missed, ended at a clean close, removed
 * once retention forgets it; each step shared with a fleet's replicas once `shareWith` names how. A
 * process that only reads the index reads the gap and never writes it.
 */
export class OwnGap {
  #gap: IndexGap | null;
  #share: ((gap: IndexGap) => Promise<void>) | null = null;

  constructor(
    readonly path: string,
    readonly writer: boolean,
    private readonly onError: (err: unknown) => void,
  ) {
    const found = readGap(path);
    this.#gap = found && found.until === null && writer ? closeGap(path, found) : found;
  }

  get current(): IndexGap | null {
    return this.#gap;
  }

  /** Shares every step from now on, and the gap standing now (again, if the database missed it before). */
  async shareWith(share: (gap: IndexGap) => Promise<void>): Promise<void> {
    this.#share = share;
    if (this.#gap) await share(this.#gap).catch(this.onError);
  }

  /** An output that will not be indexed: the gap is on disk before the caller goes on. */
  missed(reason: string): void {
    if (!this.writer || this.#gap?.until === null) return;
    try {
      this.#gap = openGap(this.path, reason);
      this.#share?.(this.#gap).catch(this.onError);
    } catch (err) {
      this.onError(err);
    }
  }

  /** A clean close: nothing is missed after now. */
  async end(): Promise<void> {
    if (!this.writer || this.#gap?.until !== null) return;
    this.#gap = closeGap(this.path, this.#gap);
    await this.#share?.(this.#gap).catch(this.onError);
  }

  /** Removes the gap once retention forgets every output served before `forgottenBefore` and it ended by then. */
  clearIfForgotten(forgottenBefore: number): void {
    if (this.writer && this.#gap && clearGapForgotten(this.path, this.#gap, forgottenBefore)) this.#gap = null;
  }
}

export interface GapTerms {
  /** What the missed outputs were not: "indexed by meaning", "fingerprinted". */
  missed: string;
  /** How much later than the gap's end a retention cutoff must be to forget what it missed. */
  cutoffAfterMs: number;
  /** What an operator deletes to accept the gap, and what that accepts. */
  remedy: string;
}

/** Why admission refuses for the gap. */
export function describeGap(gap: IndexGap, terms: GapTerms): string {
  const at = (ms: number) => new Date(ms).toISOString();
  const span = gap.until === null ? `since ${at(gap.since)}` : `between ${at(gap.since)} and ${at(gap.until)}`;
  const purge = gap.until === null ? 'once the gap has ended' : `\`termsgate audit purge-content --older-than ${at(gap.until + terms.cutoffAfterMs)}\` or later`;
  return `outputs served ${span} were not ${terms.missed} (${gap.reason}), so training admission refuses until retention forgets them (${purge}) or an operator deletes ${terms.remedy}`;
}
