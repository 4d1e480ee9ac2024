// How deep a JSON text nests, read without parsing it: one linear pass, strings skipped with indexOf.
// Recursive consumers (JSON.stringify, walkers over a parsed value) overflow the stack on deep input, so
// every JSON text taken in from outside (a request body, a provider's answer) is bounded before it is parsed.

// Hand-written because no JSON library reports depth before building the value. Strings are skipped
// with indexOf, so a prompt-sized string costs one native search, not a loop over its characters.
/** Whether the JSON text opens more than `maxDepth` objects or arrays inside one another. */
export function nestingExceeds(raw: string, maxDepth: number): boolean {
  return jsonShapeFault(raw, maxDepth) === 'depth';
}

/**
 * What makes a JSON text too costly to parse, found in the same pass: nesting deeper than `maxDepth`, or
 * one object with more than `maxKeys` members (V8 builds a large object as a dictionary: 300,000 keys
 * in one object take 200 ms to parse, the same bytes as 30,000 small objects 15 ms). Null when neither.
 */
export function jsonShapeFault(raw: string, maxDepth: number, maxKeys = Infinity): 'depth' | 'keys' | null {
  let depth = 0;
  // Per open container: -1 for an array, else the commas seen directly inside the object.
  const commas = new Int32Array(Math.min(maxDepth, 4096) + 1);
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(raw, i);
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return 'depth';
      if (depth < commas.length) commas[depth] = c === 0x7b ? 0 : -1;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth > 0 && depth < commas.length && commas[depth] >= 0) {
      // n commas separate n + 1 members.
      if (++commas[depth] >= maxKeys) return 'keys';
    }
  }
  return null;
}

/** Index of the quote closing the string that opens at `open` (or the end of the text). */
function endOfString(raw: string, open: number): number {
  let i = open;
  for (;;) {
    i = raw.indexOf('"', i + 1);
    if (i < 0) return raw.length;
    let backslashes = 0;
    while (raw.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
