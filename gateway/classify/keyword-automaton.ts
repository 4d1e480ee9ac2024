// Which of many keywords occur in a text, in one pass over it, letters folded to lower case (how gitleaks
// decides which rules to run). Written by hand: an Aho–Corasick automaton over ASCII is a few lines, and
// no maintained package for it is installed; a regular expression alternation of hundreds of literals is
// tried keyword by keyword at every position.
//
// The table is indexed by character class, not by character: only the characters keywords use get a
// class of their own (class 0 is every other character, which leads back to the root). Two hundred
// keywords make over a thousand states; a row per ASCII character made a table of 650 KB whose reads
// missed the cache at every step, a row per class is a few times smaller.

const ALPHABET = 128;

/**
 * Pairs of adjacent units to report (foundAtAndPairs): `table` 128 × 128 by ASCII unit, each entry a set
 * of bits (bit k: report the pair on the k-th list), `wide` a unit outside ASCII's column.
 */
export interface PairTable {
  table: Uint8Array;
  wide: Uint8Array;
}

export class KeywordAutomaton {
  /** The class of each ASCII character (capitals read as small letters); 0 for a character no keyword has. */
  readonly #classOf = new Uint8Array(ALPHABET);
  readonly #classes: number;
  /**
   * step[state * classes + class]: the state after reading a character of that class (failure links folded
   * in), itself multiplied by `classes` (the next row's offset, so the scan does no multiplication), and
   * bitwise negated (~) where that state ends some keyword (the scan tests the sign, not a second table).
   */
  readonly #step: Int32Array;
  /** For each state, the indices of the keywords that end there (its own and, through failure links, shorter ones). */
  readonly #out: number[][];

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
    let classes = 1;
    for (const word of keywords) {
      for (const ch of word.toLowerCase()) {
        const c = ch.charCodeAt(0);
        if (this.#classOf[c] === 0) this.#classOf[c] = classes++;
      }
    }
    for (let c = 65; c <= 90; c++) this.#classOf[c] = this.#classOf[c + 32];
    this.#classes = classes;
    const states = children.length;
    const byClass = (c: number) => this.#classOf[c];
    const go = new Int32Array(states * classes);
    this.#out = own.map((o) => [...o]);
    const fail = new Int32Array(states);
    // The (small) character each class stands for.
    const classChar = new Int32Array(classes);
    for (let c = 0; c < ALPHABET; c++) if (this.#classOf[c] !== 0 && !(c >= 65 && c <= 90)) classChar[this.#classOf[c]] = c;
    const queue: number[] = [];
    for (const [c, next] of children[0]) {
      go[byClass(c)] = next;
      queue.push(next);
    }
    // Breadth first, so a state's failure target is complete before the state is.
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      this.#out[s].push(...this.#out[fail[s]]);
      // Class 0 (no keyword's character) always leads back to the root: the row's zero.
      for (let k = 1; k < classes; k++) {
        const next = children[s].get(classChar[k]);
        if (next === undefined) {
          go[s * classes + k] = go[fail[s] * classes + k];
        } else {
          fail[next] = go[fail[s] * classes + k];
          go[s * classes + k] = next;
          queue.push(next);
        }
      }
    }
    // States renumbered in breadth-first order: the shallow states, where ordinary text keeps the automaton
    // nearly always, then share a few cache lines at the table's start (numbered as the keywords were
    // inserted, they lay a row apart each, across the 200 KB of gitleaks' table).
    const order = [0, ...queue];
    const renamed = new Int32Array(states);
    order.forEach((s, i) => (renamed[s] = i));
    const step = new Int32Array(states * classes);
    for (const s of order) {
      for (let k = 0; k < classes; k++) {
        const next = go[s * classes + k];
        const to = renamed[next] * classes;
        step[renamed[s] * classes + k] = this.#out[next].length > 0 ? ~to : to;
      }
    }
    this.#out = order.map((s) => this.#out[s]);
    this.#step = step;
  }

  /**
   * Each keyword found in `text` with the offset just past it, in order of that offset (letters folded as in
   * found()), flat: keyword, end, keyword, end… (no array per hit: a run of dashes is a hit at every character).
   */
  foundAt(text: string): number[] {
    const hits: number[] = [];
    const step = this.#step;
    const classOf = this.#classOf;
    const classes = this.#classes;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      s = c < ALPHABET ? step[s + classOf[c]] : 0;
      if (s < 0) {
        s = ~s;
        for (const k of this.#out[s / classes]) hits.push(k, i + 1);
      }
    }
    return hits;
  }

  /**
   * foundAt, and in the same pass the offsets at which a marked pair of units stands, ascending, pushed onto
   * `at[k]` for each bit k of `pairs.table[a * 128 + b]` (an ASCII unit `a` followed by `b`, a `b` outside
   * ASCII read as `pairs.wide[b]`). A reader that looks for pairs (spelt-keys.ts, ciphered-keys.ts) then
   * reads the text no second time: a walk over every character costs 4 µs per KB here, the pair check in
   * this one a fraction of that.
   */
  foundAtAndPairs(text: string, pairs: PairTable, at: number[][]): number[] {
    const hits: number[] = [];
    const step = this.#step;
    const classOf = this.#classOf;
    const classes = this.#classes;
    const { table, wide } = pairs;
    let s = 0;
    let row = -1;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      if (row >= 0) {
        const bits = table[row + (c < ALPHABET ? c : wide[c])];
        for (let k = 0; bits >> k !== 0; k++) if ((bits >> k) & 1) at[k].push(i - 1);
      }
      if (c < ALPHABET) {
        row = c * ALPHABET;
        s = step[s + classOf[c]];
      } else {
        row = -1;
        s = 0;
      }
      if (s < 0) {
        s = ~s;
        for (const k of this.#out[s / classes]) hits.push(k, i + 1);
      }
    }
    return hits;
  }

  /** The indices of the keywords found in `text` (ASCII letters folded; any other non-ASCII character breaks a match). */
  found(text: string): Set<number> {
    const hits = new Set<number>();
    const step = this.#step;
    const classOf = this.#classOf;
    const classes = this.#classes;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      s = c < ALPHABET ? step[s + classOf[c]] : 0;
      if (s < 0) {
        s = ~s;
        for (const k of this.#out[s / classes]) hits.add(k);
      }
    }
    return hits;
  }
}
