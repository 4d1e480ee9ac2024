// Splits running prose into clean, self-contained sentences suitable for composing answers.
const MIN_WORDS = 6;
const MAX_WORDS = 40;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  // Transcripts mark audience reactions, e.g. "(Applause.)"; they are not part of the prose.
  const cleaned = text.replace(/\((?:applause|laughter|cheers)[^)]*\)/gi, ' ');
  for (const raw of cleaned.split(/(?<=[.!?])\s+(?=["A-Z])/)) {
    const sentence = raw.replace(/\s+/g, ' ').trim();
    const words = sentence.split(' ').length;
    if (words < MIN_WORDS || words > MAX_WORDS) continue;
    // Keep plain sentences: no stage directions, quotes left open, or list fragments.
    if (!/^[A-Z][^()[\]{}<>_*#`|\\]*[a-z][.!?]$/.test(sentence)) continue;
    if ((sentence.match(/"/g) ?? []).length % 2 !== 0) continue;
    // Headings run into the next sentence in the source text.
    if (/\b[A-Z]{2,}\s+[A-Z]{2,}\b/.test(sentence)) continue;
    out.push(sentence);
  }
  return out;
}
