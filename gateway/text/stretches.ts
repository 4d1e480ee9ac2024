// Stretches of a text around the matches of a pattern, `reach` characters each way, overlapping ones merged:
// what a reader that looks again only near a rare sign (a named reference, an invisible character) reads.
// Linear: one pass of the pattern. Pure.

/** [from, to) around each match of `pattern` (with the g flag) that `keep` accepts, merged, in order. */
export function stretchesAround(text: string, pattern: RegExp, reach: number, keep: (match: RegExpExecArray) => boolean = () => true): Array<[number, number]> {
  const stretches: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (!keep(m)) continue;
    const from = Math.max(0, m.index - reach);
    const to = Math.min(text.length, m.index + m[0].length + reach);
    const last = stretches[stretches.length - 1];
    if (last && from <= last[1]) last[1] = to;
    else stretches.push([from, to]);
  }
  return stretches;
}
