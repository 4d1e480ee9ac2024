// Admission to the training feed: every text a feed record would carry (system, user, assistant
// and tool turns, content parts, tool arguments and results, the completion) is scanned for
// provenance spans before a permit is signed. A record with any restricted span is refused, and
// the refusal names the restricted spans' origin decisions. Pure: the detector comes in.
import type { PolicyReason, TrainingAdmission, TrainingScreen } from '../core/contracts.js';
import { ADMISSION_RULE } from '../core/rule-names.js';
import { asText, DecodeBudget, encodedRuns } from '../text/encoded-runs.js';

export interface ScreenSpan {
  origin: string;
  status: string;
  decision_id: string | null;
  licence: string | null;
  restricted: boolean;
}

export type SpanDetector = (text: string) => { restricted: boolean; spans: ScreenSpan[] };

// Keys that name or route a part rather than carry its text.
const NOT_TEXT = new Set(['type', 'id', 'role', 'tool_call_id', 'tool_use_id', 'call_id', 'name', 'index', 'model', 'media_type', 'cache_control', 'status']);

/** Every string of a value, in document order; iterative, so no nesting overflows the stack. */
function strings(value: unknown, out: string[]): string[] {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) if (!NOT_TEXT.has(entries[i][0])) stack.push(entries[i][1]);
    }
  }
  return out;
}

/**
 * One document per record, as training reads it: a turn's content parts joined with nothing (as the
 * runner renders them, so a word split across parts is whole again), its other fields (tool calls
 * and their arguments) after it, turns and the completion apart.
 */
export function feedDocument(messages: unknown[], completion: string, toolArguments: string[] = []): string {
  const turns = messages.map((m) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return strings(m, []).join('');
    const { content, ...rest } = m as Record<string, unknown>;
    return [strings(content, []).join(''), ...strings(rest, [])].join('\n');
  });
  return [...turns, completion, ...toolArguments].filter((t) => t.length > 0).join('\n\n');
}

/** Decoded bytes read per record: a long prompt's worth, so one record cannot make the scan unbounded. */
const DECODED_BYTES = 4 * 1024 * 1024;

/** The document and, after it, the text its base64, hex and percent-encoded runs decode to: an encoded copy of a restricted output is still that output. */
export function withDecodedRuns(document: string): string {
  const decoded = encodedRuns(document, new DecodeBudget(DECODED_BYTES))
    .map((r) => asText(r.bytes))
    .filter((t): t is string => t !== null);
  return [document, ...decoded].join('\n\n');
}

function describe(s: ScreenSpan): string {
  if (s.status === 'forged') return 'a forged watermark';
  if (s.status === 'transplanted') return `a watermark of decision ${s.decision_id} moved into text that is not its output`;
  if (s.status === 'unverified') return `a watermark of decision ${s.decision_id} that cannot be checked against its output`;
  return `output of decision ${s.decision_id} (licence ${s.licence ?? 'unknown'}, traced by ${s.origin}), which its terms do not let us train on`;
}

/** Refuses the text when any span is restricted; the message and reasons name every restricted origin. */
export function screenDocument(document: string, detect: SpanDetector): TrainingScreen {
  const { spans } = detect(document);
  const restricted = spans.filter((s) => s.restricted);
  if (restricted.length === 0) return { admitted: true, reasons: [], origins: [] };
  const seen = new Set<string>();
  const distinct = restricted.filter((s) => {
    const k = `${s.status}:${s.decision_id}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const reasons: PolicyReason[] = distinct.map((s) => ({ rule: ADMISSION_RULE, message: `carries ${describe(s)}` }));
  return {
    admitted: false,
    reasons,
    origins: distinct.map((s) => ({ decision_id: s.decision_id, licence: s.licence, origin: s.origin, status: s.status })),
  };
}

export function createTrainingAdmission(detect: SpanDetector): TrainingAdmission {
  return { screen: (messages, completion, toolArguments) => screenDocument(withDecodedRuns(feedDocument(messages, completion, toolArguments)), detect) };
}
