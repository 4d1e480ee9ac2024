// Admission to the training feed: every text a feed record stores (each turn as the runner renders
// it, tool calls and results included, and the completion) is scanned for provenance spans before a
// permit is signed, alone and together with the records before it (recent-window.ts). A record
// with any restricted span is refused, and the refusal names the restricted spans' origin decisions.
// The detectors come in: marks and word fingerprints (a long record's on a thread, so its seconds of
// detection hold up no other call), and meaning (semantic, issue 22 #1: it waits for the index to catch
// up and embeds in a thread). When a detector cannot run (busy, over its budget), admission fails closed.
import type { PolicyReason, TrainingAdmission, TrainingScreen } from '../core/contracts.js';
import { ADMISSION_RULE } from '../core/rule-names.js';
import { removeDefaultIgnorable } from '../text/normalise.js';
import { readable, type Readable } from '../text/readable.js';
import { feedMessages } from './feed-messages.js';
import { RecentWindows, type AdmissionWindow, type Evidence, type WindowContext, type WindowScope } from './recent-window.js';

export interface ScreenSpan {
  start: number;
  end: number;
  origin: string;
  status: string;
  decision_id: string | null;
  licence: string | null;
  restricted: boolean;
  /** Similarity, for spans traced by meaning. */
  score?: number;
}

/** Restricted spans traced by meaning; rejects (with the reason) when the check cannot run. */
export type SemanticDetector = (text: string) => Promise<ScreenSpan[]>;

/**
 * `touched`: the restricted outputs the text shares any sampled shingle with, traced or not (a piece of
 * one), and the stretches of the text around the shared shingles.
 */
export type SpanDetector = (text: string) => DetectedSpans | Promise<DetectedSpans>;

export interface DetectedSpans {
  restricted: boolean;
  spans: ScreenSpan[];
  touched?: { decision_ids: string[]; ranges: Array<{ start: number; end: number }> };
}

/** A record as the window keeps it and the meaning check reads it (text/readable.ts); long ones off the event loop. */
export type RecordReader = (text: string) => Readable | Promise<Readable>;

/**
 * One document per record, exactly as the feed stores it (feed-messages.ts): each turn's rendered
 * text, then the completion, apart. Nothing the feed would drop is read, and nothing it keeps is not.
 */
export function feedDocument(messages: unknown[], completion: string): string {
  return [...feedMessages(messages).map((m) => m.content), completion].filter((t) => t.length > 0).join('\n\n');
}

function describe(s: ScreenSpan): string {
  if (s.status === 'forged') return 'a forged watermark';
  if (s.status === 'transplanted') return `a watermark of decision ${s.decision_id} moved into text that is not its output`;
  if (s.status === 'unverified') return `a watermark of decision ${s.decision_id} that cannot be checked against its output`;
  if (s.origin === 'semantic') return `a rewording of output of decision ${s.decision_id} (licence ${s.licence ?? 'unknown'}, traced by meaning, similarity ${s.score}), which its terms do not let us train on`;
  return `output of decision ${s.decision_id} (licence ${s.licence ?? 'unknown'}, traced by ${s.origin}), which its terms do not let us train on`;
}

/**
 * Refuses the text when any span is restricted (from offset `from` on: earlier text is context); the
 * message and reasons name every restricted origin, with `context` said after each.
 */
export async function screenDocument(document: string, detect: SpanDetector, from = 0, context = ''): Promise<TrainingScreen> {
  return screenSpans((await detect(document)).spans, from, context);
}

function screenSpans(spans: ScreenSpan[], from = 0, context = ''): TrainingScreen {
  const restricted = spans.filter((s) => s.restricted && s.end > from);
  if (restricted.length === 0) return { admitted: true, reasons: [], origins: [] };
  const seen = new Set<string>();
  const distinct = restricted.filter((s) => {
    const k = `${s.origin === 'semantic' ? 'semantic' : s.status}:${s.decision_id}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const reasons: PolicyReason[] = distinct.map((s) => ({ rule: ADMISSION_RULE, message: `carries ${describe(s)}${context}` }));
  return {
    admitted: false,
    reasons,
    origins: distinct.map((s) => ({ decision_id: s.decision_id, licence: s.licence, origin: s.origin, status: s.status })),
  };
}

const SEPARATOR = '\n\n';
// A prompt this short is evidence whole: a piece's own words at its edges, which the stretches around
// shared shingles can cut, are what joins it to the next piece.
const WHOLE_EVIDENCE = 512;

/**
 * Words and meaning on the same document; a refusal names the spans of both (a paraphrase close to
 * its source is often traced both ways). A semantic check that cannot run refuses: fail closed.
 */
async function screenAlone(document: string, read: Readable, detect: SpanDetector, semantic: SemanticDetector | undefined): Promise<{ screen: TrainingScreen; touched: DetectedSpans['touched'] }> {
  const words = await detect(document);
  if (!semantic) return { screen: screenSpans(words.spans), touched: words.touched };
  try {
    return { screen: screenSpans([...words.spans, ...(await semantic(read.text))]), touched: words.touched };
  } catch (err) {
    const screen = screenSpans(words.spans);
    const reason: PolicyReason = { rule: ADMISSION_RULE, message: `cannot be screened for rewordings of restricted outputs: ${(err as Error).message}` };
    return { screen: { admitted: false, reasons: [...screen.reasons, reason], origins: screen.origins }, touched: words.touched };
  }
}

/** The text's stretches around the words it shares with restricted outputs (all of it when only a reading of it, a cipher, shares them), marks left out. */
function evidenceOf(text: string, touched: DetectedSpans['touched']): Evidence {
  if (!touched || touched.decision_ids.length === 0) return { touched: [], text: '' };
  const stretches = touched.ranges.length > 0 ? touched.ranges.map((r) => text.slice(r.start, r.end)).join(SEPARATOR) : text;
  return { touched: touched.decision_ids, text: removeDefaultIgnorable(stretches) };
}

export interface AdmissionOptions {
  /** Recent records per key, project and team (in memory by default; PostgreSQL for fleets). */
  windows?: AdmissionWindow;
  /** Meaning, when it is on. */
  semantic?: SemanticDetector;
  /** How a record is read (text/readable.ts inline by default; the gateway reads a long one on a thread). */
  read?: RecordReader;
  /**
   * The longest record (as stored) screened at all: a longer one is refused before anything reads it. The
   * gateway sets meaning's bound when meaning is on (it would refuse the record anyway, after seconds of
   * word detection spent on it: a few such records would keep the detection threads from everyone else's).
   */
  maxChars?: { chars: number; setting: string };
}

/**
 * Screens a record alone, then after what came before it (recent-window.ts): the evidence of the
 * restricted outputs it touches when it touches any, from whoever sent it, else the recent records of
 * its key, project and team. Only restricted spans reaching into the record refuse it. An admitted record with a completion (one bound for the feed)
 * joins the window with its prompt, the part its caller wrote: the trainable model's answers between the
 * pieces would otherwise keep them apart.
 */
export function createTrainingAdmission(detect: SpanDetector, opts: AdmissionOptions = {}): TrainingAdmission {
  const { windows = new RecentWindows(), semantic, read = readable, maxChars } = opts;
  const screenRecord = async (messages: unknown[], completion: string, scope?: WindowScope): Promise<TrainingScreen> => {
    const document = feedDocument(messages, completion);
    if (maxChars && document.length > maxChars.chars) {
      return refusal(`is too long to be screened for restricted outputs (${document.length} characters as stored, more than ${maxChars.setting}, ${maxChars.chars})`);
    }
    const reading = await read(document);
    const { screen: alone, touched } = await screenAlone(document, reading, detect, semantic);
    if (!alone.admitted || !scope) return alone;
    // Evidence is kept as read; a record that hides something has it from a detection of its reading.
    const evidence = reading.hides ? evidenceOf(reading.text, (await detect(reading.text)).touched) : evidenceOf(document, touched);
    let context: WindowContext;
    try {
      context = await windows.context(scope, evidence.touched);
    } catch (err) {
      return refusal(`cannot be screened together with earlier training records: ${(err as Error).message}`);
    }
    if (context.docs.length > 0) {
      const before = context.docs.join(SEPARATOR) + SEPARATOR;
      // After evidence, the record's own evidence: unrelated text of its own around the piece would part them too.
      const own = context.evidence ? evidence.text : reading.text;
      const earlier = context.evidence ? ' that share words with the same restricted output' : '';
      const across = await screenDocument(before + own, detect, before.length, `, pieced together with ${context.docs.length} earlier training record(s)${earlier}`);
      if (!across.admitted) return across;
    }
    if (completion.length > 0) {
      const prompt = (await read(feedDocument(messages, ''))).text;
      try {
        await windows.add(scope, prompt, evidence.touched.length > 0 && prompt.length <= WHOLE_EVIDENCE ? { ...evidence, text: prompt } : evidence);
      } catch (err) {
        // Admitted without its evidence kept, a piece could not be pieced together with later ones.
        return refusal(`could not be kept for screening later training records: ${(err as Error).message}`);
      }
    }
    return alone;
  };
  return {
    async screen(messages, completion, scope?: WindowScope) {
      try {
        return await screenRecord(messages, completion, scope);
      } catch (err) {
        // Detection busy, over its budget or failed: a record that could not be read whole is not admitted.
        return refusal(`could not be screened for restricted outputs: ${(err as Error).message}`);
      }
    },
  };
}

function refusal(message: string): TrainingScreen {
  return { admitted: false, reasons: [{ rule: ADMISSION_RULE, message }], origins: [] };
}
