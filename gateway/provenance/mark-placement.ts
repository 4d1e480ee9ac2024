// Decides, character by character, where a watermark may go: after a prose word, before a space,
// every `interval` words, never in fenced or indented code, inline code, or a line's first word
// (which may carry Markdown syntax: "#", "-", "1.", ">"). Each decision depends only on the text
// already seen, so any split of a stream into deltas yields the same placements as the whole text.

const NO_MARK_CHARS = new Set(['<', '>', '/', '\\', '=', '|', '{', '}', '@', '`', '~', '#', '$', '*', '_', '[', ']']);
const LETTER = /\p{L}/u;

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0) | 0x20;
  return (c >= 0x61 && c <= 0x7a) || (ch.charCodeAt(0) > 0x7f && LETTER.test(ch));
}

type LinePhase = 'indent' | 'fence-run' | 'body';

export class MarkPlacement {
  readonly #interval: number;
  #wordsSinceMark = 0;
  #gap = 1;
  // Block state.
  #inFence = false;
  #fenceChar = '';
  #fenceLen = 0;
  #phase: LinePhase = 'indent';
  #indent = 0;
  #runChar = '';
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

  /** Consumes one UTF-16 code unit; true when a mark goes immediately before it. */
  next(ch: string): boolean {
    if (ch === '\n') {
      this.#endLine();
      return false;
    }
    if (this.#phase === 'indent') {
      if (ch === ' ' && this.#indent < 4) {
        this.#indent++;
        return false;
      }
      if (ch === '\t' || this.#indent >= 4) {
        this.#lineIsCode = true;
        this.#phase = 'body';
      } else if (ch === '`' || ch === '~') {
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
    } else if (!this.#inFence && this.#runChar === '`') {
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

  #body(ch: string): boolean {
    if (this.#inFence || this.#lineIsCode) return false;
    if (ch === '`') {
      this.#tickRun++;
      this.#lineBlank = false;
      this.#wordLen++;
      this.#wordHasNoMarkChar = true;
      return false;
    }
    this.#resolveTicks();
    const space = ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v';
    if (!space) {
      this.#lineBlank = false;
      this.#wordLen++;
      if (NO_MARK_CHARS.has(ch)) this.#wordHasNoMarkChar = true;
      else if (!this.#wordHasLetter && isLetter(ch)) this.#wordHasLetter = true;
      return false;
    }
    if (this.#wordLen === 0) return false;
    const eligible = ch === ' ' && this.#inlineTicks === 0 && this.#wordsOnLine > 0 && this.#wordHasLetter && !this.#wordHasNoMarkChar;
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
