// C2SP tlog-witness `add-checkpoint`: the request body and the witness's decision on it. Pure.
//   body = "old <size>\n" ‖ ≤ 63 base64 consistency-proof lines ‖ "\n" ‖ checkpoint note
// The witness cosigns only a checkpoint signed by a log key it trusts for the origin that extends,
// by a verified RFC 6962/9162 consistency proof, the latest one it cosigned for that origin.
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { verifyConsistency } from './merkle.js';

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Buffer[];
  note: string;
}

export const MAX_PROOF_LINES = 63;
/** Content type of a 409 answer: the size the witness has cosigned, in decimal. */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export function encodeAddCheckpoint(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => h.toString('base64') + '\n').join('')}\n${req.note}`;
}

/** The parsed request, or why it is malformed. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest | string {
  const m = /^old (0|[1-9][0-9]*)\n/.exec(body);
  if (!m) return 'the body must start with "old <size>"';
  const oldSize = Number(m[1]);
  if (!Number.isSafeInteger(oldSize)) return 'old size out of range';
  const proof: Buffer[] = [];
  let at = m[0].length;
  for (;;) {
    const end = body.indexOf('\n', at);
    if (end < 0) return 'the proof is not followed by an empty line and a checkpoint';
    const line = body.slice(at, end);
    at = end + 1;
    if (line === '') break;
    if (!/^[A-Za-z0-9+/]{43}=$/.test(line)) return 'a consistency proof line is not a base64 SHA-256 hash';
    proof.push(Buffer.from(line, 'base64'));
    if (proof.length > MAX_PROOF_LINES) return `more than ${MAX_PROOF_LINES} consistency proof lines`;
  }
  return { oldSize, proof, note: body.slice(at) };
}

export type WitnessDecision =
  | { status: 200; checkpoint: Checkpoint }
  | { status: 400 | 403 | 404 | 409 | 422; message: string; contentType?: string };

/**
 * Decides on a submission, in the order the specification lists its checks.
 * `latest` is the checkpoint the witness last cosigned for the origin, or null.
 */
export function decideAddCheckpoint(req: AddCheckpointRequest, logKeys: ReadonlyMap<string, readonly string[]>, latest: Checkpoint | null): WitnessDecision {
  const origin = req.note.slice(0, req.note.indexOf('\n'));
  const keys = logKeys.get(origin);
  if (!keys) return { status: 404, message: `unknown log origin ${JSON.stringify(origin)}` };
  let cp: Checkpoint | null = null;
  for (const key of keys) {
    try {
      cp = openCheckpoint(req.note, key);
      break;
    } catch {
      // Signatures from unknown keys are ignored; one trusted key must verify.
    }
  }
  if (!cp) return { status: 403, message: 'the checkpoint is not signed by a key trusted for its origin' };
  if (req.oldSize > cp.size) return { status: 400, message: `old size ${req.oldSize} is larger than the checkpoint size ${cp.size}` };
  const latestSize = latest?.size ?? 0;
  if (req.oldSize !== latestSize) return { status: 409, message: `${latestSize}\n`, contentType: SIZE_CONTENT_TYPE };
  if (req.oldSize === 0 && req.proof.length > 0) return { status: 422, message: 'the consistency proof must be empty when the old size is 0' };
  // The empty tree is a prefix of every tree.
  if (!latest || latestSize === 0) return { status: 200, checkpoint: cp };
  if (cp.size === latestSize) {
    if (!cp.root.equals(latest.root)) return { status: 409, message: `${latestSize}\n`, contentType: SIZE_CONTENT_TYPE };
    return { status: 200, checkpoint: cp };
  }
  if (!verifyConsistency(latestSize, cp.size, req.proof, latest.root, cp.root)) {
    return { status: 422, message: `the checkpoint of size ${cp.size} is not a consistent extension of the cosigned checkpoint of size ${latestSize}` };
  }
  return { status: 200, checkpoint: cp };
}
