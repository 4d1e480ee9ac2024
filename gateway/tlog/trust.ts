// What a verifier trusts, held apart from the data it verifies: the log's verifier key, witness keys
// with a quorum, a checkpoint saved earlier (by a monitor, an auditor or a witness), and how long
// records may stand beyond the newest checkpoint. Pure.
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { verifyCosignatures } from './cosignature.js';

export interface TrustAnchors {
  /** The log's signed-note verifier key, pinned (never read from the data being verified). */
  verifierKey?: string;
  /** Witness verifier keys (tlog-cosignature, type 0x04). */
  witnessKeys: string[];
  /** How many of the witnesses must have cosigned the newest checkpoint. */
  quorum: number;
  /** A checkpoint note trusted earlier; the log must be a consistent extension of it. */
  trustedCheckpoint?: string;
  /** Records may stand beyond the newest checkpoint for at most this long (the checkpoint interval plus slack). */
  maxTailMs: number;
}

/** With nothing pinned a verification proves integrity against the log's own key, not authenticity. */
export function isPinned(a: TrustAnchors): boolean {
  return a.verifierKey !== undefined || a.witnessKeys.length > 0 || a.trustedCheckpoint !== undefined;
}

/** Why the note lacks the witness quorum, or null when it has it (or no witnesses are configured). */
export function quorumProblem(note: string, a: TrustAnchors): string | null {
  if (a.witnessKeys.length === 0) return null;
  let names: string[];
  try {
    names = verifyCosignatures(note, a.witnessKeys).map((c) => c.name);
  } catch (err) {
    return (err as Error).message;
  }
  return names.length >= a.quorum ? null : `cosigned by ${names.length} of the ${a.witnessKeys.length} pinned witnesses${names.length ? ` (${names.join(', ')})` : ''}, quorum is ${a.quorum}`;
}

/** Parses a checkpoint body without checking any signature. */
export function checkpointOfNote(note: string): Checkpoint {
  const lines = note.split('\n');
  const size = Number(lines[1]);
  const root = Buffer.from(lines[2] ?? '', 'base64');
  const time = /^time (.+)$/.exec(lines[3] ?? '')?.[1] ?? '';
  if (!lines[0] || !/^(0|[1-9][0-9]*)$/.test(lines[1] ?? '') || !Number.isSafeInteger(size) || root.length !== 32) throw new Error('malformed checkpoint');
  return { origin: lines[0], size, root, time };
}

/**
 * The trusted checkpoint, checked with what else is pinned: the log's key when pinned, else the
 * witness quorum when witnesses are pinned; with neither, the file itself is the trust.
 */
export function openTrustedCheckpoint(a: TrustAnchors): Checkpoint | null {
  const note = a.trustedCheckpoint;
  if (note === undefined) return null;
  if (a.verifierKey) return openCheckpoint(note, a.verifierKey);
  const cp = checkpointOfNote(note);
  const q = quorumProblem(note, a);
  if (q) throw new Error(`the trusted checkpoint is not witnessed: ${q}`);
  return cp;
}
