// Detection with meaning: a text's spans from marks and word fingerprints (detection.ts) and its
// windows traced by meaning (semantic-provenance.ts), in one result, for `provenance scan` and the
// admin route. The record's summary still names a span of marks or words first when there is one.
import { summariseSpans, type DetectionResult } from '../detection.js';
import type { Span } from '../spans.js';
import type { SemanticProvenance } from './semantic-provenance.js';

export async function detectWithMeaning(words: DetectionResult, text: string, semantic: SemanticProvenance): Promise<DetectionResult> {
  const meaning = await semantic.spans(text);
  if (meaning.length === 0) return words;
  const spans: Span[] = meaning.map((s) => ({ ...s, text_matches: null }));
  return summariseSpans([...words.spans, ...spans], words.marks, words.touched);
}
