// The semantic column of evaluate.ts: each checked text's best similarity to a restricted window
// (its own output's, for laundered texts; any output's, for unrelated and public texts), so rates can
// be read at the gateway's threshold and the threshold chosen from the sweep (false positives ≤ 0.1 %).
import type { SemanticProvenance } from '../../gateway/provenance/semantic/semantic-provenance.js';

/** The best similarity of any window of `text` whose nearest restricted window belongs to `decisionId` (any output when null); -1 when none. */
export async function bestSimilarity(semantic: SemanticProvenance, text: string, decisionId: string | null): Promise<number> {
  const spans = await semantic.spans(text);
  return spans.filter((s) => decisionId === null || s.decision_id === decisionId).reduce((m, s) => Math.max(m, s.score), -1);
}

export const SWEEP = Array.from({ length: 31 }, (_, i) => Math.round((0.7 + i * 0.01) * 100) / 100);

export const rateAt = (scores: number[], threshold: number) => (scores.length === 0 ? 0 : scores.filter((s) => s >= threshold).length / scores.length);

/** Caught by words or meaning at the threshold. */
export const combinedAt = (words: boolean[], scores: number[], threshold: number) => (words.length === 0 ? 0 : words.filter((w, i) => w || scores[i] >= threshold).length / words.length);
