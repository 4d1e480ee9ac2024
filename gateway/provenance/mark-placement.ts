// Decides, character by character, where a watermark may go: after a prose word, before a space,
// every `interval` words, never in fenced or indented code, inline code, or a line's first word
// (which may carry Markdown syntax: "#", "-", "1.", ">"). Each decision depends only on the text
// already seen, so any split of a stream into deltas yields the same placements as the whole text.

// Read as UTF-16 code units (numbers, not one-character strings): this runs for every character of every answer.
const NO_MARK = new Uint8Array(128);
for (const ch of '<>/\\=|{}@`~#$*_[]') NO_MARK[ch.charCodeAt(0)] = 1;
const LETTER = /\p{L}/u;
const NL = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const TICK = 0x60;
const TILDE = 0x7e;

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return (l >= 0x61 && l <= 0x7a) || (c > 0x7f && LETTER.test(String.fromCharCode(c)));
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === 0x0d || c === 0x0c || c === 0x0b;
}

type LinePhase = 'indent' | 'fence-run' | 'body';

export class MarkPlacement {
  readonly #interval: number;
  #wordsSinceMark = 0;
  #gap = 1;
  // Block state.
  #inFence = false;
  #fenceChar = 0;
  #fenceLen = 0;
  #phase: LinePhase = 'indent';
  #indent = 0;
  #runChar = 0;
  #runLen = 0;
  #lineIsCode = false;
  #lineBlank = true;
  #wordsOnLine = 0;
  // Inline state.
  #inlineTicks = 0;
  #tickRun = 0;
  // Current word.
  #wordLen = 0;
  #wordHasLetter = false;
  #wordHasNoMarkChar = false;

  constructor(interval: number) {
    this.#interval = interval;
  }

  /** Consumes one UTF-16 code unit (its char code); true when a mark goes immediately before it. */
  next(ch: number): boolean {
    if (ch === NL) {
      this.#endLine();
      return false;
    }
    if (this.#phase === 'indent') {
      if (ch === SPACE && this.#indent < 4) {
        this.#indent++;
        return false;
      }
      if (ch === TAB || this.#indent >= 4) {
        this.#lineIsCode = true;
        this.#phase = 'body';
      } else if (ch === TICK || ch === TILDE) {
        this.#phase = 'fence-run';
        this.#runChar = ch;
        this.#runLen = 1;
        this.#lineBlank = false;
        return false;
      } else {
        this.#phase = 'body';
      }
    } else if (this.#phase === 'fence-run') {
      if (ch === this.#runChar) {
        this.#runLen++;
        return false;
      }
      this.#endFenceRun();
    }
    return this.#body(ch);
  }

  /**
   * Consumes `text` from `from` on; returns the index of the first character a mark goes before (consumed
   * too), or text.length. The same decisions as next() for each character, with the letters of a prose word
   * taken in one tight loop: most characters of an answer are inside words.
   */
  advance(text: string, from: number): number {
    const n = text.length;
    let i = from;
    while (i < n) {
      if (this.#phase === 'body' && !this.#inFence && !this.#lineIsCode && this.#tickRun === 0) {
        let len = 0;
        let noMark = this.#wordHasNoMarkChar;
        let letter = this.#wordHasLetter;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c === NL || c === TICK || isSpace(c)) break;
          len++;
          if (c < 128 && NO_MARK[c] === 1) noMark = true;
          else if (!letter && isLetter(c)) letter = true;
        }
        if (len > 0) {
          this.#lineBlank = false;
          this.#wordLen += len;
          this.#wordHasNoMarkChar = noMark;
          this.#wordHasLetter = letter;
        }
        if (i === n) break;
      }
      if (this.next(text.charCodeAt(i))) return i;
      i++;
    }
    return n;
  }

  #endFenceRun(): void {
    this.#phase = 'body';
    if (this.#runLen >= 3) {
      this.#lineIsCode = true;
      if (!this.#inFence) {
        this.#inFence = true;
        this.#fenceChar = this.#runChar;
        this.#fenceLen = this.#runLen;
      } else if (this.#runChar === this.#fenceChar && this.#runLen >= this.#fenceLen) {
        this.#fenceLen = -1; // closes at the end of this line
      }
    } else if (!this.#inFence && this.#runChar === TICK) {
      this.#tickRun = this.#runLen;
      this.#wordLen = this.#runLen;
      this.#wordHasNoMarkChar = true;
    } else {
      this.#wordLen = this.#runLen;
      this.#wordHasNoMarkChar = true;
    }
  }

  #endLine(): void {
    if (this.#phase === 'fence-run') this.#endFenceRun();
    this.#resolveTicks();
    if (this.#fenceLen === -1) this.#inFence = false;
    // A code span cannot cross a paragraph break.
    if (this.#lineBlank) this.#inlineTicks = 0;
    this.#phase = 'indent';
    this.#indent = 0;
    this.#lineIsCode = false;
    this.#lineBlank = true;
    this.#wordsOnLine = 0;
    this.#endWord();
  }

  #resolveTicks(): void {
    if (this.#tickRun === 0) return;
    if (this.#inlineTicks === 0) this.#inlineTicks = this.#tickRun;
    else if (this.#inlineTicks === this.#tickRun) this.#inlineTicks = 0;
    this.#tickRun = 0;
  }

  #body(ch: number): boolean {
    if (this.#inFence || this.#lineIsCode) return false;
    if (ch === TICK) {
      this.#tickRun++;
      this.#lineBlank = false;
      this.#wordLen++;
      this.#wordHasNoMarkChar = true;
      return false;
    }
    this.#resolveTicks();
    if (!isSpace(ch)) {
      this.#lineBlank = false;
      this.#wordLen++;
      if (ch < 128 && NO_MARK[ch] === 1) this.#wordHasNoMarkChar = true;
      else if (!this.#wordHasLetter && isLetter(ch)) this.#wordHasLetter = true;
      return false;
    }
    if (this.#wordLen === 0) return false;
    const eligible = ch === SPACE && this.#inlineTicks === 0 && this.#wordsOnLine > 0 && this.#wordHasLetter && !this.#wordHasNoMarkChar;
    if (this.#inlineTicks === 0) this.#wordsSinceMark++;
    this.#wordsOnLine++;
    this.#endWord();
    if (eligible && this.#wordsSinceMark >= this.#gap) {
      this.#wordsSinceMark = 0;
      this.#gap = this.#interval;
      return true;
    }
    return false;
  }

  #endWord(): void {
    this.#wordLen = 0;
    this.#wordHasLetter = false;
    this.#wordHasNoMarkChar = false;
  }
}
