// Which of many keywords occur in a text, in one pass over it, letters folded to lower case (how gitleaks
// decides which rules to run). Written by hand: an Aho–Corasick automaton over ASCII is a few lines, and
// no maintained package for it is installed; a regular expression alternation of hundreds of literals is
// tried keyword by keyword at every position.

const ALPHABET = 128;

export class KeywordAutomaton {
  /** goto[state * 128 + c]: the state after reading c (failure links folded in). */
  readonly #goto: Int32Array;
  /** For each state, the indices of the keywords that end there (its own and, through failure links, shorter ones). */
  readonly #out: number[][];
  /** 1 where a state ends some keyword: the scan reads this flat table, not the lists. */
  readonly #ends: Uint8Array;

  constructor(keywords: readonly string[]) {
    const children: Array<Map<number, number>> = [new Map()];
    const own: number[][] = [[]];
    keywords.forEach((word, k) => {
      let s = 0;
      for (const ch of word.toLowerCase()) {
        const c = ch.charCodeAt(0);
        if (c >= ALPHABET || ch.length !== 1) throw new Error(`keyword ${JSON.stringify(word)} is not ASCII`);
        let next = children[s].get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          own.push([]);
          children[s].set(c, next);
        }
        s = next;
      }
      own[s].push(k);
    });
    const states = children.length;
    this.#goto = new Int32Array(states * ALPHABET);
    this.#out = own.map((o) => [...o]);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = children[0].get(c);
      if (next !== undefined) {
        this.#goto[c] = next;
        queue.push(next);
      }
    }
    // Breadth first, so a state's failure target is complete before the state is.
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      this.#out[s].push(...this.#out[fail[s]]);
      for (let c = 0; c < ALPHABET; c++) {
        const next = children[s].get(c);
        if (next === undefined) {
          this.#goto[s * ALPHABET + c] = this.#goto[fail[s] * ALPHABET + c];
        } else {
          fail[next] = this.#goto[fail[s] * ALPHABET + c];
          this.#goto[s * ALPHABET + c] = next;
          queue.push(next);
        }
      }
    }
    this.#ends = Uint8Array.from(this.#out, (o) => (o.length > 0 ? 1 : 0));
  }

  /** Each keyword found in `text` with the offset just past it, in order of that offset (letters folded as in found()). */
  foundAt(text: string): Array<[keyword: number, end: number]> {
    const hits: Array<[number, number]> = [];
    const go = this.#goto;
    const ends = this.#ends;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      s = c < ALPHABET ? go[(s << 7) | c] : 0;
      if (ends[s] === 1) for (const k of this.#out[s]) hits.push([k, i + 1]);
    }
    return hits;
  }

  /** The indices of the keywords found in `text` (ASCII letters folded; any other non-ASCII character breaks a match). */
  found(text: string): Set<number> {
    const hits = new Set<number>();
    const go = this.#goto;
    const ends = this.#ends;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      s = c < ALPHABET ? go[(s << 7) | c] : 0;
      if (ends[s] === 1) for (const k of this.#out[s]) hits.add(k);
    }
    return hits;
  }
}
