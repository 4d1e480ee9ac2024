// How deep a JSON text nests, read without parsing it: one linear pass, strings skipped with indexOf.
// Recursive consumers (JSON.stringify, walkers over a parsed value) overflow the stack on deep input, so
// every JSON text taken in from outside (a request body, a provider's answer) is bounded before it is parsed.

// Hand-written because no JSON library reports depth before building the value. Strings are skipped
// with indexOf, so a prompt-sized string costs one native search, not a loop over its characters.
/** Whether the JSON text opens more than `maxDepth` objects or arrays inside one another. */
export function nestingExceeds(raw: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(raw, i);
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
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
