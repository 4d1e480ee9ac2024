// Stretches of a text where one output's loose pairs (fingerprint.ts: unordered pairs of nearby
// content words) recur densely enough: what survives a quarter to two fifths of the words
// substituted, filler words inserted every few words, or words reordered (issue 22, #5). Pure.
import { loosePairsAt, sampledAt, type Word } from './fingerprint.js';
import { docHits } from './doc-hits.js';
import type { FingerprintIndex } from './fingerprint-index.js';
import { publicReference } from './public-reference.js';

export interface LooseClaim {
  doc: number;
  /** First and last word (indexes into the text's words) where a shared pair starts. */
  firstWord: number;
  lastWord: number;
  hits: number;
  score: number;
  /**
   * Where the share fell under MIN_SCORE and the stretch was claimed by its chain: the shared pairs at the
   * offset of the pair before them, within DRIFT_WORDS (offset: word in the text less word in the output).
   */
  chained?: number;
}

// Tuned on bench/provenance/evaluate.ts: 40 % substitution keeps about a third of an output's pairs
// (0.2–0.4 of a stretch's); passages of the same register share fewer, and rarely a dozen.
const MIN_HITS = 12;
const MIN_SCORE = 0.2;
const MIN_WORDS = 40;
const MOST_OF_OUTPUT = 0.8;
// Shared pairs further apart than this many words (at the output's sampling level) start a new stretch.
const GAP_WORDS = 6;
const MIN_GAP = 80;
// Words substituted in place keep each surviving pair where the output had it: from one shared pair to
// the next, the offset (word in the text less word in the output) stays the same, or drifts by the few
// words a substitute of another length adds or takes (a URL for a word). Pairs a text of the same register
// shares by chance stand at scattered offsets. A stretch where at least MIN_CHAINED shared pairs, and
// CHAINED_SHARE of them, keep the offset of the pair before within DRIFT_WORDS is claimed whatever its
// score: at 40 % substitution the score falls to 0.14–0.2, as low as the same speaker saying the same
// thing again, while such pairs number 17–24 in sparsely sampled outputs and more in others
// (bench/provenance/evaluate.ts; unrelated State of the Union passages chain at most 16; 22 kept the
// feeds' link lists of the mail corpus out until the syntax of addresses left loose pairs, fingerprint.ts).
const DRIFT_WORDS = 4;
const MIN_CHAINED = 18;
const CHAINED_SHARE = 0.6;
/**
 * The share a chain twice MIN_CHAINED long needs: a piece of a long output shares pairs it holds at several
 * places, stored at their first, which chain to nothing.
 */
const LONG_CHAIN_SHARE = 0.4;
/** Pairs before a shared pair whose offset it may keep (chainedPairs). */
const LINKED = 4;

export function looseClaims(words: readonly Word[], index: FingerprintIndex): LooseClaim[] {
  const { hashes, at } = loosePairsAt(words);
  const first = new Uint8Array(hashes.length);
  const seen = new Set<number>();
  const { loose: publicPairs } = publicReference();
  for (let k = 0; k < hashes.length; k++) {
    if (seen.has(hashes[k])) continue;
    seen.add(hashes[k]);
    // Pairs of public text are nobody's output.
    if (publicPairs.has(hashes[k])) continue;
    first[k] = 1;
  }
  const hitsOf = docHits(index, hashes, first, MIN_HITS);
  const prefixes = new Map<number, Uint32Array>();
  const sampledBetween = (level: number, from: number, to: number) => {
    let prefix = prefixes.get(level);
    if (!prefix) {
      prefix = new Uint32Array(hashes.length + 1);
      for (let k = 0; k < hashes.length; k++) prefix[k + 1] = prefix[k] + (first[k] && sampledAt(hashes[k], level) ? 1 : 0);
      prefixes.set(level, prefix);
    }
    return prefix[to + 1] - prefix[from];
  };
  const claims: LooseClaim[] = [];
  for (const [doc, ks] of hitsOf) {
    const level = index.levelOf(doc);
    const outputSamples = index.samplesOf(doc);
    const maxGap = Math.max(MIN_GAP, GAP_WORDS << level);
    let from = 0;
    for (let i = 1; i <= ks.length; i++) {
      if (i < ks.length && at[ks[i]] - at[ks[i - 1]] <= maxGap) continue;
      const hits = i - from;
      const expected = Math.min(sampledBetween(level, ks[from], ks[i - 1]), outputSamples);
      const score = expected === 0 ? 0 : Math.min(hits / expected, 1);
      const firstWord = at[ks[from]];
      const lastWord = at[ks[i - 1]];
      const long = lastWord - firstWord >= MIN_WORDS || hits >= MOST_OF_OUTPUT * outputSamples;
      if (!long || hits < MIN_HITS) {
        from = i;
        continue;
      }
      if (score >= MIN_SCORE) claims.push({ doc, firstWord, lastWord, hits, score });
      else {
        // Positions are read only where the share falls short.
        const chained = chainedPairs(ks, from, i, hashes, at, doc, index);
        const share = chained >= 2 * MIN_CHAINED ? LONG_CHAIN_SHARE : CHAINED_SHARE;
        if (chained >= MIN_CHAINED && chained >= share * hits) claims.push({ doc, firstWord, lastWord, hits, score, chained });
      }
      from = i;
    }
  }
  return claims;
}

/**
 * How many of the shared pairs ks[from..to) (in text order) keep the offset of one of the LINKED pairs
 * before within DRIFT_WORDS. A pair an output holds at several places is stored at its first
 * (fingerprint.ts), so in a long output a pair that recurs stands at a wrong offset: it breaks no more
 * than the link to it.
 */
function chainedPairs(ks: readonly number[], from: number, to: number, hashes: Uint32Array, at: Uint32Array, doc: number, index: FingerprintIndex): number {
  let chained = 0;
  const before: number[] = [];
  for (let j = from; j < to; j++) {
    const p = index.positionOf(hashes[ks[j]], doc);
    if (p < 0) continue;
    const offset = at[ks[j]] - p;
    if (before.some((b) => Math.abs(offset - b) <= DRIFT_WORDS)) chained++;
    before.push(offset);
    if (before.length > LINKED) before.shift();
  }
  return chained;
}
