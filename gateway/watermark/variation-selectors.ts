// One byte per invisible Unicode variation selector: 0–15 → VS1–VS16 (U+FE00–FE0F),
// 16–255 → VS17–VS256 (U+E0100–E01EF), the encoding C2PA uses to embed data in text.

export function byteToSelector(byte: number): string {
  return String.fromCodePoint(byte < 16 ? 0xfe00 + byte : 0xe0100 + byte - 16);
}

export function bytesToSelectors(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += byteToSelector(b);
  return out;
}

/** The byte a code point carries, or -1 when it is not a variation selector. */
export function selectorToByte(codePoint: number): number {
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return codePoint - 0xfe00;
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return codePoint - 0xe0100 + 16;
  return -1;
}

export interface SelectorRun {
  bytes: Uint8Array;
  /** UTF-16 offsets of the run in the text. */
  start: number;
  end: number;
}

/** Every maximal run of consecutive variation selectors in the text, as bytes, with where it sits. */
export function selectorRunsAt(text: string): SelectorRun[] {
  const runs: SelectorRun[] = [];
  let current: number[] = [];
  let start = 0;
  let offset = 0;
  const close = () => {
    if (current.length > 0) runs.push({ bytes: Uint8Array.from(current), start, end: offset });
    current = [];
  };
  for (const ch of text) {
    const b = selectorToByte(ch.codePointAt(0)!);
    if (b >= 0) {
      if (current.length === 0) start = offset;
      current.push(b);
    } else {
      close();
    }
    offset += ch.length;
  }
  close();
  return runs;
}

/** Every maximal run of consecutive variation selectors in the text, as bytes. */
export function selectorRuns(text: string): Uint8Array[] {
  return selectorRunsAt(text).map((r) => r.bytes);
}

/**
 * The text with every complete watermark payload (the magic and PAYLOAD_BYTES selectors in all)
 * taken out of its selector run; other selectors (an emoji's VS16) stay. Restores a marked text
 * byte for byte, so a provider that signed the original (Anthropic thinking blocks) accepts it back.
 */
export function removeMarks(text: string, magic: Uint8Array, payloadBytes: number): string {
  let out = '';
  let from = 0;
  for (const run of selectorRunsAt(text)) {
    const chars = [...text.slice(run.start, run.end)];
    const keep: string[] = [];
    for (let i = 0; i < chars.length; ) {
      if (i + payloadBytes <= run.bytes.length && run.bytes[i] === magic[0] && run.bytes[i + 1] === magic[1]) {
        i += payloadBytes;
      } else {
        keep.push(chars[i]);
        i++;
      }
    }
    out += text.slice(from, run.start) + keep.join('');
    from = run.end;
  }
  return out + text.slice(from);
}
